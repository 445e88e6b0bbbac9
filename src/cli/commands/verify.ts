import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readCertificates } from '../../pki/verify/index.ts';
import { verifyEvidence, type EvidenceReport } from '../../services/evidence/verify.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io.ts';
import { parseCommand } from '../parse-command.ts';

const USAGE = `Uso: elo verify ARQUIVO.xml --trust ANCORA.pem [--trust …] [--json]

Verifica, sem rede e sem pasta de dados, uma prova do Elo: um dossiê de trâmite
(GET /api/v1/tramites/{IDT}/dossie), um pacote selado pelo hub ou um pacote assinado pelo
remetente. Confere cada assinatura, cada cadeia de certificados até a âncora na data da
assinatura (com as LCRs do dossiê), cada recibo contra a string reconstruída dos hashes do
pacote e a ordem do histórico. Imprime uma linha por verificação.

Opções:
  --trust ARQUIVO   âncora de confiança em PEM: a AC da federação (obrigatória; pode repetir)
  --json            saída em JSON: {"tipo","ok","verificacoes","primeiraFalha"}
  -h, --help        mostra esta ajuda

Códigos de saída: 0 tudo confere, 1 algo não confere (a primeira falha é nomeada), 2 erro de uso.`;

/**
 * `elo verify` (issue 11 item 5): thin over services/evidence/verify.ts. It reads two kinds of
 * files named on the command line and nothing else — no configuration, no data folder, no
 * network — so a partner checks a dossiê years later on any machine.
 */
export const runVerify: CliCommand = async (args, io) => {
  const parsed = parseCommand(args, { trust: { type: 'string', multiple: true } }, USAGE, io, { json: true, positionals: true });
  if ('exit' in parsed) return parsed.exit;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.err(`${positionals.length === 0 ? 'Informe o arquivo a verificar.' : 'Informe um único arquivo a verificar.'}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const trustFiles = (values.trust as string[] | undefined) ?? [];
  if (trustFiles.length === 0) {
    io.err(`Informe a âncora de confiança com --trust (a AC da federação, em PEM).\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const read = async (path: string): Promise<Uint8Array | string> => {
    try {
      return new Uint8Array(await readFile(resolve(io.cwd, path)));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return `Não foi possível ler "${path}": ${code === 'ENOENT' ? 'arquivo não encontrado' : code === 'EACCES' ? 'sem permissão de leitura' : (code ?? String(e))}.`;
    }
  };
  const anchors = [];
  for (const f of trustFiles) {
    const bytes = await read(f);
    if (typeof bytes === 'string') return (io.err(bytes), EXIT_USAGE);
    const certs = readCertificates(bytes);
    if (!certs.ok) return (io.err(`A âncora "${f}" não é um certificado em PEM ou DER: ${certs.error}.`), EXIT_USAGE);
    anchors.push(...certs.value);
  }
  const file = await read(positionals[0]!);
  if (typeof file === 'string') return (io.err(file), EXIT_USAGE);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    io.err(`"${positionals[0]}" não é um texto em UTF-8: não é uma prova do Elo.`);
    return EXIT_FAILED;
  }
  const report = await verifyEvidence(text, { anchors });
  io.out(values.json ? JSON.stringify(report, null, 2) : render(positionals[0]!, report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
};

const KIND: Record<EvidenceReport['tipo'], string> = { dossie: 'dossiê de trâmite', pacote: 'pacote assinado', desconhecido: 'arquivo desconhecido' };

function render(file: string, r: EvidenceReport): string {
  const lines = [`${file}: ${KIND[r.tipo]}`];
  for (const c of r.verificacoes) lines.push(`${c.ok ? 'ok   ' : 'FALHA'} ${c.parte}: ${c.detalhe}`);
  lines.push(r.ok ? 'Resultado: tudo confere.' : `Resultado: NÃO confere. Primeira falha em "${r.primeiraFalha?.parte}": ${r.primeiraFalha?.detalhe}`);
  return lines.join('\n');
}
