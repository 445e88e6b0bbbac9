import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetch, Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criarClienteElo, ErroDeIntegridade, ErroDoHub, pacoteDeObjetos, type ClienteElo, type Progresso } from '../../src/client/index.ts';
import { startCuttingProxy } from '../harness/cutting-proxy.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody, sha256b64 } from '../harness/packages.ts';
import { parseExposition } from '../harness/prometheus-text.ts';

/**
 * The SDK (src/client/) against a real hub over mTLS: what SEI's module does, through
 * `criarClienteElo`, with resume after a cut connection counted at the hub, and a corrupted
 * component caught on reception.
 */
const BLOCK = 256 * 1024;
const noWait = { esperar: async () => {} };

describe('client SDK against a real hub over mTLS', () => {
  let t: TestHub;
  let estado: ClienteElo;
  let municipio: ClienteElo;
  let work: string;
  let protocolos = 0;

  const sdk = (system: string, hub = t.hub.url) => {
    const s = t.seed.sistemas.find((x) => x.id === system)!;
    return criarClienteElo({ hub, certificado: s.certificado, chave: s.chave, ac: s.ac, politica: noWait });
  };
  const pacote = (sizes: number[]) => {
    const p = processoBody({
      protocolo: `99990.${String(++protocolos).padStart(6, '0')}/2026-11`,
      remetente: [100, '1002'],
      destinatario: [200, '2002'],
      documentos: sizes.map((n, i) => ({ bytes: [bytesOf(n, 31 + i + protocolos * 7)], mimeType: 'application/pdf' })),
    });
    // the SDK fills hash and size from the files: the body names them only
    const documentos = p.body.processo.documentos.map((d) => ({
      ...d,
      componentesDigitais: d.componentesDigitais.map(({ hash: _h, tamanhoEmBytes: _s, ...c }, j) => ({ ...c, nome: `doc-${d.ordem}-${j}.pdf` })),
    }));
    const files = Object.fromEntries(p.body.processo.documentos.flatMap((d, i) => d.componentesDigitais.map((_, j) => [`doc-${d.ordem}-${j}.pdf`, p.components[i]!.bytes])));
    return { corpo: { ...p.body, processo: { ...p.body.processo, documentos } }, files, components: p.components };
  };
  const partPutsAnswered200 = async () => {
    const agent = new Agent({ connect: { ca: t.caPem } });
    const res = await fetch(`${t.hub.url}/metrics`, { dispatcher: agent, headers: { authorization: `Bearer ${readFileSync(t.paths.adminToken, 'utf8').trim()}` } });
    const e = parseExposition(await res.text());
    await agent.close();
    return e.samples
      .filter((s) => s.name === 'elo_http_requisicoes_total' && s.labels.metodo === 'PUT' && s.labels.status === '200' && String(s.labels.rota).includes('/partes/'))
      .reduce((n, s) => n + s.value, 0);
  };

  beforeAll(async () => {
    // the cut request's warning (requisicao.interrompida) is expected here, not news
    t = await startTestHub({ env: { ELO_LOG_LEVEL: 'error' } });
    estado = sdk('sei-estado');
    municipio = sdk('sei-municipio');
    work = mkdtempSync(join(tmpdir(), 'elo-sdk-'));
  });
  afterAll(async () => {
    await estado?.fechar();
    await municipio?.fechar();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('sends a process in ranged blocks, receives it into a folder, signs the completion receipt and the sender concludes it (1 → 6)', async () => {
    const p = pacote([BLOCK * 2 + 1234, 900]);
    const sent: Progresso[] = [];
    const result = await estado.enviar(await pacoteDeObjetos(p.corpo, p.files), { blocoBytes: BLOCK, aoProgredir: (e) => sent.push(e) });
    const idt = result.estado.tramites[0]!.IDT;
    // three parts of the big one, the small one whole
    expect(result.enviosConfirmados).toBe(4);
    expect(result.recibosDeEnvio[0]).toMatchObject({ reciboDeEnvio: { IDT: idt, hashesDosComponentesDigitais: expect.arrayContaining(p.components.map((c) => c.hash)) } });
    const big = sent.filter((e) => e.nome === 'doc-1-0.pdf').map((e) => e.bytes);
    expect(big).toEqual([0, BLOCK, 2 * BLOCK, 2 * BLOCK + 1234, 2 * BLOCK + 1234]);

    expect(await municipio.pendencias()).toContainEqual({ IDT: idt, status: 2 });
    const folder = join(work, `recebido-${idt}`);
    const got = await municipio.receber(idt, { pasta: folder, blocoBytes: BLOCK });
    expect(got.componentes.map((c) => [c.nome, c.tamanho])).toEqual([['doc-1-0.pdf', BLOCK * 2 + 1234], ['doc-2-0.pdf', 900]]);
    for (const c of got.componentes) expect(sha256b64(readFileSync(c.caminho!))).toBe(c.hash);
    expect((await municipio.consultar(idt)).situacaoAtual).toBe(4);
    const receipt = await municipio.concluir(idt);
    expect(receipt.dataDeRecebimento).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(await estado.pendencias()).toContainEqual({ IDT: idt, status: 5 });
    const fetched = await estado.reciboDeConclusao(idt);
    expect(fetched).toMatchObject({ recibo: { IDT: idt, dataDeRecebimento: receipt.dataDeRecebimento }, hashDaAssinatura: receipt.hashDaAssinatura });
    expect((await estado.consultar(idt)).situacaoAtual).toBe(6);
    // the dossiê, signed by the hub, for either party; a refusal is typed as the hub's (the native face's problem+json)
    const dossie = await municipio.dossie(idt);
    expect(dossie).toMatch(/^<\?xml[\s\S]*SignatureValue[\s\S]*<\/(\w+:)?dossie>\s*$/);
    expect(dossie).toContain(receipt.hashDaAssinatura);
    await expect(estado.dossie(999_999)).rejects.toMatchObject({ name: 'ErroDoHub', status: 404, codigoErro: '9003' });
  });

  it('resumes after the connection is cut mid-upload: only the part cut short is sent again, counted at the hub', async () => {
    // the cut falls inside the third part's body: two parts were confirmed before it
    const proxy = await startCuttingProxy(new URL(t.hub.url), Math.round(BLOCK * 2.5));
    const viaProxy = sdk('sei-estado', proxy.url);
    try {
      const p = pacote([BLOCK * 5]);
      const before = await partPutsAnswered200();
      const result = await viaProxy.enviar(await pacoteDeObjetos(p.corpo, p.files), { blocoBytes: BLOCK });
      expect(proxy.stats().cuts).toBe(1);
      expect(result.enviosConfirmados).toBe(5);
      // five parts reached the hub whole, once each: none of the two confirmed before the cut again
      expect((await partPutsAnswered200()) - before).toBe(5);
      const idt = result.estado.tramites[0]!.IDT;
      const got = await municipio.receber(idt);
      expect(Buffer.from(got.componentes[0]!.bytes!).equals(Buffer.from(p.components[0]!.bytes))).toBe(true);
    } finally {
      await viaProxy.fechar();
      await proxy.close();
    }
  });

  it('resumes a send from a saved state in a later run: confirmed parts are skipped', async () => {
    const p = pacote([BLOCK * 4]);
    const pkg = await pacoteDeObjetos(p.corpo, p.files);
    let saved: unknown = null;
    // the first run dies after its second part (the process crashed, say)
    await expect(
      estado.enviar(pkg, {
        blocoBytes: BLOCK,
        aoSalvarEstado: (s) => {
          saved = structuredClone(s);
          if (Object.values(s.partesConfirmadas).flat().length === 2) throw new Error('queda simulada');
        },
      }),
    ).rejects.toThrow('queda simulada');
    const before = await partPutsAnswered200();
    const resumed = await estado.retomarEnvio(saved as never, pkg, { blocoBytes: BLOCK });
    expect(resumed.enviosConfirmados).toBe(2);
    expect((await partPutsAnswered200()) - before).toBe(2);
    expect((await estado.consultar(resumed.estado.tramites[0]!.IDT)).situacaoAtual).toBe(2);
  });

  it('detects a component whose bytes do not match its hash on reception, keeps nothing, and the receiver refuses it (motivo 02)', async () => {
    const p = pacote([3000, 5000]);
    const { estado: e } = await estado.enviar(await pacoteDeObjetos(p.corpo, p.files));
    const idt = e.tramites[0]!.IDT;
    // the stored copy of the second file is damaged after it was accepted (a disk fault, say)
    const original = Buffer.from(p.components[1]!.bytes);
    const stored = walk(t.paths.blobs).find((f) => statSync(f).size === original.length && readFileSync(f).equals(original))!;
    const damaged = Buffer.from(original);
    damaged[100] = 255 - damaged[100]!;
    writeFileSync(stored, damaged);
    const folder = join(work, `corrompido-${idt}`);
    const failure = await municipio.receber(idt, { pasta: folder }).catch((x: unknown) => x);
    expect(failure).toBeInstanceOf(ErroDeIntegridade);
    expect((failure as ErroDeIntegridade).hashEsperado).toBe(p.components[1]!.hash);
    expect((failure as Error).message).toContain('corrompido');
    // nothing kept: neither the damaged file nor the good one received before it
    expect(readdirSync(folder)).toEqual([]);
    await municipio.recusar(idt, '02', (failure as Error).message);
    expect(await estado.pendencias()).toContainEqual({ IDT: idt, status: 8 });
    await estado.ciencia(idt);
    expect((await estado.consultar(idt)).situacaoAtual).toBe(9);
    writeFileSync(stored, original);
  });

  it('throws the hub refusal typed, with its code and Portuguese message, and cancels what it sent', async () => {
    const p = pacote([700]);
    const body = { ...p.corpo, cabecalho: { ...p.corpo.cabecalho, destinatario: { identificacaoDoRepositorioDeEstruturas: 200, numeroDeIdentificacaoDaEstrutura: '2003' } } };
    const refused = await estado.enviar(await pacoteDeObjetos(body, p.files)).catch((x: unknown) => x);
    expect(refused).toBeInstanceOf(ErroDoHub);
    expect(refused).toMatchObject({ status: 400, codigoErro: '0005', operacao: 'início do trâmite' });
    expect((refused as ErroDoHub).requisicao).toBeTruthy();
    // a trâmite started but not yet complete can be cancelled by its sender (spec §2.24)
    const started = await estado.bruto.iniciarProcesso((await pacoteDeObjetos(p.corpo, p.files)).corpo);
    const idt = started.body.IDT as number;
    await estado.cancelar(idt);
    expect((await estado.consultar(idt)).situacaoAtual).toBe(7);
    // the receiver cannot cancel the sender's trâmite
    await expect(municipio.cancelar(idt)).rejects.toMatchObject({ status: 403 });
  });

  it('lists repositories and searches structures through the SDK', async () => {
    expect((await municipio.repositorios()).map((r) => r.id)).toEqual([1, 5, 100, 200]);
    const found = await municipio.estruturas(100, { sigla: 'coprot' });
    expect(found.estruturas.map((s) => s.numeroDeIdentificacaoDaEstrutura)).toEqual(['1002']);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
