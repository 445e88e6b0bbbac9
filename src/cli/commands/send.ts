import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { impressaoDigitalDaAssinatura, lerPastaDeEnvio, type EstadoDoEnvio } from '../../client/index.ts';
import { situacaoNome, type Situacao } from '../../domain/situacao.ts';
import { CREDENTIAL_HELP, instanceCommand, UsageError } from '../instance-command.ts';
import { EXIT_OK } from '../io.ts';
import { progressBars } from '../progress-bars.ts';

/** Where `elo send` keeps what the hub confirmed, so that running it again resumes (README "Enviar"). */
export const SEND_STATE_FILE = '.elo-envio.json';


export const runSend = instanceCommand(
  `Uso: elo send PASTA [--bloco MiB] [credencial] [--json]
      (também: elo enviar)

Envia o processo (ou documento avulso) de PASTA: processo.json (ou documento.json) com o cabeçalho
(remetente e destinatário) e os metadados, e os arquivos que os componentes digitais nomeiam em
"nome". Hash, tamanho, tipo e ordem que faltarem são calculados dos arquivos. Arquivos maiores que
um bloco (--bloco, padrão 50 MiB) vão em partes; se a conexão cair, o elo reenvia só as partes que
o hub não confirmou, e rodar o comando de novo retoma o envio de onde parou (${SEND_STATE_FILE}).
Ao final grava o recibo de envio assinado pelo hub em PASTA/recibo-de-envio-IDT.json.

${CREDENTIAL_HELP}`,
  { bloco: { type: 'string' } },
  async ({ values, positionals, io, elo }) => {
    const [folder, extra] = positionals;
    if (!folder || extra) throw new UsageError('Informe uma pasta: elo send PASTA.');
    const blockMib = values.bloco === undefined ? 50 : Number(values.bloco);
    if (!Number.isInteger(blockMib) || blockMib < 1 || blockMib > 200) throw new UsageError(`--bloco deve ser um número inteiro de MiB entre 1 e 200 (recebido: ${values.bloco}).`);
    const pasta = resolve(io.cwd, folder);
    const pacote = await lerPastaDeEnvio(pasta);
    const identity = createHash('sha256').update(JSON.stringify(pacote.corpo)).digest('hex');
    const statePath = join(pasta, SEND_STATE_FILE);
    const previous = await readState(statePath, identity);
    const save = (estado: EstadoDoEnvio) => writeFile(statePath, JSON.stringify({ pacote: identity, estado }, null, 1));
    const bars = progressBars(io, Boolean(values.json));
    const opcoes = { blocoBytes: blockMib * 1024 * 1024, aoSalvarEstado: save, ...(bars.aoProgredir ? { aoProgredir: bars.aoProgredir } : {}) };
    let result;
    try {
      result = previous ? await elo.retomarEnvio(previous, pacote, opcoes) : await elo.enviar(pacote, opcoes);
    } finally {
      bars.parar();
    }
    await rm(statePath, { force: true });
    const lines: string[] = [];
    const out: Record<string, unknown>[] = [];
    for (const [i, t] of result.estado.tramites.entries()) {
      const recibo = result.recibosDeEnvio[i]!;
      const file = join(pasta, `recibo-de-envio-${t.IDT}.json`);
      await writeFile(file, JSON.stringify(recibo, null, 2) + '\n');
      const situacao = (await elo.consultar(t.IDT)).situacaoAtual as Situacao;
      const fingerprint = impressaoDigitalDaAssinatura(String(recibo.hashDaAssinatura));
      out.push({ IDT: t.IDT, NRE: t.NRE, situacao, retomado: Boolean(previous), componentesEnviados: result.enviosConfirmados, reciboDeEnvio: file, impressaoDigitalDoRecibo: fingerprint });
      lines.push(
        `Trâmite ${t.IDT} (NRE ${t.NRE})${previous ? ', envio retomado,' : ''} na situação ${situacao}: ${situacaoNome[situacao]}.`,
        `  recibo de envio do hub: ${file}`,
        `  impressão digital da assinatura (SHA-256): ${fingerprint}`,
      );
    }
    io.out(values.json ? JSON.stringify(out, null, 2) : [...lines, `${result.estado.solicitados.length} componente(s) pedido(s) pelo hub; ${result.enviosConfirmados} envio(s) confirmado(s) nesta execução.`].join('\n'));
    return EXIT_OK;
  },
  { positionals: true },
);

/** The state a previous run saved for this same package, or null (none, or another package). */
async function readState(path: string, identity: string): Promise<EstadoDoEnvio | null> {
  try {
    const saved = JSON.parse(await readFile(path, 'utf8')) as { pacote?: string; estado?: EstadoDoEnvio };
    return saved.pacote === identity && saved.estado?.tramites?.length ? saved.estado : null;
  } catch {
    return null;
  }
}
