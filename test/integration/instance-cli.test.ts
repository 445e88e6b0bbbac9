import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criarClienteElo, lerPastaDeEnvio } from '../../src/client/index.ts';
import { SEND_STATE_FILE } from '../../src/cli/commands/send.ts';
import { main } from '../../src/cli/main.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, sha256b64 } from '../harness/packages.ts';

/**
 * The `elo` commands of an instance (send, receive, status, refuse, cancel, robot) against a real
 * hub over mTLS, with the demo systems' certificates from the data folder (--sistema).
 */
const MIB = 1024 * 1024;

/** A loopback port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('elo commands of an instance against a real hub', () => {
  let t: TestHub;
  let work: string;
  let n = 0;

  const elo = async (args: string[], progresso?: PassThrough) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (x) => out.push(x), err: (x) => err.push(x), env: { ...t.env, ELO_HUB_URL: t.hub.url }, cwd: work, ...(progresso ? { progresso } : {}) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  /** A folder as a person writes it: processo.json naming its files, no hash, no size. */
  const folder = (files: Record<string, Uint8Array>, descricao = 'Solicitação de informações') => {
    const dir = join(work, `processo-${++n}`);
    mkdirSync(dir);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    writeFileSync(
      join(dir, 'processo.json'),
      JSON.stringify({
        cabecalho: {
          remetente: { identificacaoDoRepositorioDeEstruturas: 100, numeroDeIdentificacaoDaEstrutura: '1002' },
          destinatario: { identificacaoDoRepositorioDeEstruturas: 200, numeroDeIdentificacaoDaEstrutura: '2002' },
        },
        processo: {
          protocolo: `12345.${String(n).padStart(6, '0')}/2026-10`,
          nivelDeSigilo: '1',
          processoDeNegocio: 'Comunicação: Ofício',
          descricao,
          dataHoraDeProducao: '2026-11-30T10:00:00-03:00',
          produtor: { nome: 'Joana Souza', tipo: 'orgaopublico', unidade: { nome: 'Coordenação de Protocolo da Fazenda', tipo: 'orgaopublico' } },
          documentos: Object.keys(files).map((nome) => ({
            descricao: nome,
            nivelDeSigilo: '1',
            dataHoraDeProducao: '2026-11-30T10:00:00-03:00',
            produtor: { nome: 'Joana Souza' },
            especie: { codigo: 33, nomeNoProdutor: 'Ofício' },
            componentesDigitais: [{ nome }],
          })),
        },
      }),
    );
    return dir;
  };

  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_LOG_LEVEL: 'error' } });
    work = mkdtempSync(join(tmpdir(), 'elo-cli-instancia-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('sends a folder in parts with a progress bar, receives it into folders with a signed completion receipt, and the sender concludes (elo send, receive, status)', async () => {
    const big = bytesOf(5 * MIB + 321, 5);
    const dir = folder({ 'oficio.pdf': new TextEncoder().encode('%PDF-1.4 oficio 12/2026'), 'planilha-de-custos.ods': big });
    const bar = new PassThrough();
    const barText: string[] = [];
    bar.on('data', (d: Buffer) => barText.push(d.toString()));
    const sent = await elo(['send', dir, '--sistema', 'sei-estado', '--bloco', '1'], bar);
    expect(sent.err).toBe('');
    expect(sent.code).toBe(0);
    const idt = Number(/Trâmite (\d+)/.exec(sent.out)![1]);
    expect(sent.out).toMatch(/NRE \d{16}\) na situação 2: Arquivos digitais recebidos pelo hub/);
    // six parts of 1 MiB for the big file and the small one whole
    expect(sent.out).toContain('2 componente(s) pedido(s) pelo hub; 7 envio(s) confirmado(s)');
    expect(barText.join('')).toMatch(/enviando planilha-de-custos\.ods \[.*\] 100% \| 5\.0\/5\.0 MiB/);
    const sendReceipt = JSON.parse(readFileSync(join(dir, `recibo-de-envio-${idt}.json`), 'utf8'));
    expect(sendReceipt.reciboDeEnvio.hashesDosComponentesDigitais).toContain(sha256b64(big));
    expect(existsSync(join(dir, SEND_STATE_FILE))).toBe(false);

    const received = await elo(['receber', '--saida', 'entrada', '--sistema', 'sei-municipio', '--json']);
    expect(received.code).toBe(0);
    expect(JSON.parse(received.out)).toEqual([expect.objectContaining({ IDT: idt, status: 2, acao: 'recebido' })]);
    const into = join(work, 'entrada', String(idt));
    expect(readdirSync(join(into, 'componentes')).sort()).toEqual(['1-oficio.pdf', '2-planilha-de-custos.ods']);
    expect(readFileSync(join(into, 'componentes', '2-planilha-de-custos.ods')).equals(Buffer.from(big))).toBe(true);
    expect(JSON.parse(readFileSync(join(into, 'metadados.json'), 'utf8')).processo.protocolo).toMatch(/^12345\./);
    expect(JSON.parse(readFileSync(join(into, 'recibo-de-conclusao.json'), 'utf8')).recibo).toMatchObject({ IDT: idt });

    const concluded = await elo(['receive', '--saida', 'saida-estado', '--sistema', 'sei-estado']);
    expect(concluded.code).toBe(0);
    expect(concluded.out).toContain(`Trâmite ${idt} concluído pelo destinatário`);
    expect(existsSync(join(work, 'saida-estado', 'enviados', String(idt), 'recibo-de-conclusao.json'))).toBe(true);
    const status = await elo(['status', String(idt), '--sistema', 'sei-estado']);
    expect(status.out).toContain('situação 6: Recibo de conclusão recebido pelo remetente');
    const byNre = await elo(['situacao', String(sendReceipt.reciboDeEnvio.NRE), '--sistema', 'sei-municipio', '--json']);
    expect(JSON.parse(byNre.out).map((x: { IDT: number }) => x.IDT)).toEqual([idt]);
  });

  it('resumes a send that a previous run left halfway: running elo send again sends only the parts the hub never confirmed', async () => {
    const dir = folder({ 'anexo.bin': bytesOf(4 * MIB, 77) });
    const s = t.seed.sistemas.find((x) => x.id === 'sei-estado')!;
    const sdk = criarClienteElo({ hub: t.hub.url, certificado: s.certificado, chave: s.chave, ac: s.ac });
    const pacote = await lerPastaDeEnvio(dir);
    const identity = createHash('sha256').update(JSON.stringify(pacote.corpo)).digest('hex');
    // a first run that died after the hub confirmed two parts, as elo send saves its state
    await sdk
      .enviar(pacote, {
        blocoBytes: MIB,
        aoSalvarEstado: (estado) => {
          writeFileSync(join(dir, SEND_STATE_FILE), JSON.stringify({ pacote: identity, estado }));
          if (Object.values(estado.partesConfirmadas).flat().length === 2) throw new Error('queda');
        },
      })
      .catch(() => {});
    await sdk.fechar();
    const again = await elo(['send', dir, '--sistema', 'sei-estado', '--bloco', '1']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('envio retomado');
    expect(again.out).toContain('2 envio(s) confirmado(s) nesta execução');
  });

  it('refuses and cancels by command, and the robot concludes or refuses as the sender asked in the description', async () => {
    const asked = folder({ 'despacho.html': new TextEncoder().encode('<p>teste</p>') }, 'Teste de homologação [recusar:04]');
    const plain = folder({ 'despacho.html': new TextEncoder().encode('<p>teste 2</p>') }, 'Teste de homologação');
    const idAsked = Number(/Trâmite (\d+)/.exec((await elo(['send', asked, '--sistema', 'sei-estado'])).out)![1]);
    const idPlain = Number(/Trâmite (\d+)/.exec((await elo(['enviar', plain, '--sistema', 'sei-estado'])).out)![1]);
    const robot = await elo(['robo', '--uma-vez', '--sistema', 'sei-municipio', '--json']);
    expect(robot.code).toBe(0);
    // (the trâmite the previous test resumed is pending for the robot too)
    expect(JSON.parse(robot.out).filter((o: { IDT: number }) => [idAsked, idPlain].includes(o.IDT))).toEqual([
      expect.objectContaining({ IDT: idAsked, acao: 'recusado', motivo: '04' }),
      expect.objectContaining({ IDT: idPlain, acao: 'concluido' }),
    ]);
    const back = await elo(['receive', '--sistema', 'sei-estado', '--saida', 'volta']);
    expect(back.out).toContain(`Trâmite ${idAsked} recusado pelo destinatário: Recusa pedida pelo remetente`);
    expect(back.out).toContain(`Trâmite ${idPlain} concluído pelo destinatário`);

    const third = folder({ 'despacho.html': new TextEncoder().encode('<p>teste 3</p>') });
    const idRefused = Number(/Trâmite (\d+)/.exec((await elo(['send', third, '--sistema', 'sei-estado'])).out)![1]);
    await criarClienteElo({ hub: t.hub.url, ...files('sei-municipio') }).metadados(idRefused);
    const refused = await elo(['recusar', String(idRefused), '--motivo', '1', '--justificativa', 'Extensão .html não aceita neste órgão', '--sistema', 'sei-municipio']);
    expect(refused.code).toBe(0);
    expect(refused.out).toContain('recusado (motivo 01: Formato de componente digital não suportado)');
    expect(refused.out).toContain('justificativa da recusa: Extensão .html não aceita neste órgão');

    const fourth = folder({ 'despacho.html': new TextEncoder().encode('<p>teste 4</p>') });
    const idCancelled = Number(/Trâmite (\d+)/.exec((await elo(['send', fourth, '--sistema', 'sei-estado'])).out)![1]);
    const cancelled = await elo(['cancelar', String(idCancelled), '--sistema', 'sei-estado']);
    expect(cancelled.code).toBe(0);
    expect(cancelled.out).toContain('situação 7: Cancelado');
    // cancelling again a concluded trâmite: the hub's refusal, its code and what to quote
    const late = await elo(['cancel', String(idPlain), '--sistema', 'sei-estado']);
    expect(late.code).toBe(1);
    expect(late.err).toMatch(/^O hub recusou \(cancelamento do trâmite \d+\): .*situação.*\[código 9004, HTTP 409\]\nRequisição [0-9a-f-]{36}/s);
  });

  it('works with the one PEM the SEI keeps (certificate, chain and encrypted key) and its password, as elo ca issue --sei writes it', async () => {
    const issued = await elo(['ca', 'issue', '--sistema', 'sei-municipio', '--sei', '--senha', 'senha-de-teste-123', '--saida', join(work, 'sei'), '--json']);
    expect(issued.code, issued.err).toBe(0);
    const pem = JSON.parse(issued.out).files.sei as string;
    const ac = t.seed.sistemas.find((x) => x.id === 'sei-municipio')!.ac;
    const ok = await elo(['receive', '--certificado', pem, '--senha', 'senha-de-teste-123', '--ac', ac, '--json', '--saida', 'sei-pem']);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(await elo(['receive', '--certificado', pem, '--ac', ac])).toMatchObject({ code: 2, err: expect.stringContaining('é cifrada (o PEM do SEI): informe a senha com --senha') });
    expect(await elo(['receive', '--certificado', pem, '--senha', 'errada', '--ac', ac])).toMatchObject({ code: 2, err: expect.stringContaining('a senha não confere') });
  });

  it('says in Portuguese what is wrong with the command, the folder, the credential or the hub, with the usage exit codes', async () => {
    expect(await elo(['send', '--sistema', 'sei-estado'])).toMatchObject({ code: 2, err: 'Informe uma pasta: elo send PASTA.' });
    const empty = join(work, 'vazia');
    mkdirSync(empty);
    expect(await elo(['send', empty, '--sistema', 'sei-estado'])).toMatchObject({ code: 1, err: expect.stringContaining('não tem processo.json nem documento.json') });
    const missingFile = folder({ 'a.pdf': new Uint8Array([1]) });
    rmSync(join(missingFile, 'a.pdf'));
    expect(await elo(['send', missingFile, '--sistema', 'sei-estado'])).toMatchObject({ code: 1, err: 'O arquivo a.pdf do documento 1 não está na pasta do pacote.' });
    expect(await elo(['send', missingFile])).toMatchObject({ code: 2, err: expect.stringContaining('Falta a credencial do sistema: informe --certificado, --chave, --ac') });
    expect(await elo(['send', missingFile, '--sistema', 'nao-existe'])).toMatchObject({ code: 2, err: expect.stringContaining('O sistema "nao-existe" não tem certificado') });
    expect(await elo(['refuse', '12', '--motivo', '7', '--sistema', 'sei-estado'])).toMatchObject({ code: 2, err: expect.stringContaining('01, 02, 03, 04, 99') });
    expect(await elo(['cancel', 'abc', '--sistema', 'sei-estado'])).toMatchObject({ code: 2, err: expect.stringContaining('Informe o IDT do trâmite (um número)') });
    expect(await elo(['status', '1', '--sistema', 'sei-estado', '--tentativas', '0'])).toMatchObject({ code: 2, err: expect.stringContaining('--tentativas deve ser') });
    expect(await elo(['send', '--bogus'])).toMatchObject({ code: 2, err: expect.stringContaining('Opção desconhecida: --bogus') });
    // a hub that does not answer: no English from the network stack
    const down = await elo(['status', '1', '--sistema', 'sei-estado', '--hub', `https://127.0.0.1:${await closedPort()}`, '--tentativas', '1']);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^consulta do trâmite 1: não foi possível falar com o hub depois de 1 tentativa\(s\) \(ECONNREFUSED: conexão recusada em 127\.0\.0\.1:\d+ \(o servidor está no ar/);
    const blocked = await elo(['status', '1', '--sistema', 'sei-estado', '--hub', 'https://127.0.0.1:1', '--tentativas', '1']);
    expect(blocked.err).toContain('porta bloqueada pelo cliente HTTP');
    const help = await elo(['receive', '--help']);
    expect(help.out).toContain('Atende as pendências deste sistema');
    expect((await elo(['--help'])).out).toMatch(/send +\(enviar\) envia um processo/);
    expect((await elo(['--help'])).out).not.toMatch(/^ +enviar /m);
  });

  const files = (id: string) => {
    const s = t.seed.sistemas.find((x) => x.id === id)!;
    return { certificado: s.certificado, chave: s.chave, ac: s.ac };
  };
});
