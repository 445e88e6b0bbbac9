import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { X509Certificate, X509Crl } from '../../pki/x509.ts';
import {
  certRef,
  PURPOSE_LABEL,
  readCertificates,
  readCrls,
  verifyCertificate,
  type CertPurpose,
  type CertSummary,
  type VerifyResult,
} from '../../pki/verify/index.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from '../io.ts';

const USAGE = `Uso: elo cert verify CERTIFICADO.pem --trust ANCORA.pem [--trust …] [opções]

Verifica um certificado X.509 contra âncoras de confiança: monta a cadeia, confere as
assinaturas, a validade, as restrições das ACs, a finalidade e, quando houver, as LCRs.

Opções:
  --chain ARQUIVO     certificados intermediários, em qualquer ordem (pode repetir; PEM com
                      vários certificados ou DER)
  --trust ARQUIVO     âncoras de confiança: AC raiz ou intermediária (obrigatória; pode repetir)
  --crl ARQUIVO       LCR em PEM ou DER (pode repetir); verificada quando o emissor confere
  --at DATA           instante da verificação, ISO-8601 (padrão: agora; sem fuso, UTC)
  --purpose USO       client (padrão), server, signing ou any
  --require-crl       exige LCR válida e atual de cada AC emissora da cadeia
  --json              saída em JSON: {"valid","code","message","chain"}
  -h, --help          mostra esta ajuda

Códigos de saída: 0 válido, 1 recusado, 2 erro de uso.`;

const PURPOSES: readonly CertPurpose[] = ['client', 'server', 'signing', 'any'];
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

class UsageError {
  constructor(readonly message: string) {}
}

function parseAt(text: string): Date {
  const trimmed = text.trim();
  const m = ISO_8601.exec(trimmed);
  if (!m) {
    throw new UsageError(
      `Data inválida em --at: "${text}". Use ISO-8601, por exemplo 2026-01-15T12:00:00Z.`,
    );
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) =>
    v === undefined ? 0 : Number(v),
  ) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new UsageError(`Data inexistente em --at: "${text}".`);
  }
  // A date-time without a zone is read as UTC, not as the machine's local time.
  const date = new Date(m[4] !== undefined && m[7] === undefined ? `${trimmed}Z` : trimmed);
  if (Number.isNaN(date.getTime())) throw new UsageError(`Data inexistente em --at: "${text}".`);
  return date;
}

async function readInput(io: CliIo, path: string, role: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(resolve(io.cwd, path)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'arquivo não encontrado'
        : code === 'EACCES'
          ? 'permissão negada'
          : code === 'EISDIR'
            ? 'é um diretório'
            : e instanceof Error
              ? e.message
              : String(e);
    throw new UsageError(`Não foi possível ler ${role} "${path}": ${why}.`);
  }
}

async function readCertificateFiles(
  io: CliIo,
  paths: string[],
  role: string,
): Promise<X509Certificate[]> {
  const out: X509Certificate[] = [];
  for (const path of paths) {
    const parsed = readCertificates(await readInput(io, path, role));
    if (!parsed.ok)
      throw new UsageError(
        `O arquivo ${role} "${path}" não contém certificados válidos: ${parsed.error}.`,
      );
    out.push(...parsed.value);
  }
  return out;
}

async function readCrlFiles(io: CliIo, paths: string[]): Promise<X509Crl[]> {
  const out: X509Crl[] = [];
  for (const path of paths) {
    const parsed = readCrls(await readInput(io, path, 'a LCR'));
    if (!parsed.ok)
      throw new UsageError(
        `O arquivo de LCR "${path}" não contém uma LCR válida: ${parsed.error}.`,
      );
    out.push(...parsed.value);
  }
  return out;
}

const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function validMessage(
  result: Extract<VerifyResult, { valid: true }>,
  purpose: CertPurpose,
  at: Date,
): string {
  const leaf = result.chain[0]!;
  const anchor = result.chain[result.chain.length - 1]!;
  const base =
    `O certificado ${certRef(leaf)} é válido para ${PURPOSE_LABEL[purpose]} em ${isoSeconds(at)}, ` +
    `com cadeia até a âncora de confiança "${anchor.subject}".`;
  return result.warnings.length === 0
    ? base
    : `${base} Avisos: ${result.warnings.map((w) => w.message).join(' ')}`;
}

function chainLines(chain: CertSummary[], valid: boolean): string[] {
  return chain.flatMap((c, i) => {
    const tag =
      i === 0
        ? ' (certificado verificado)'
        : valid && i === chain.length - 1
          ? ' (âncora de confiança)'
          : '';
    return [
      `  ${i}. ${c.subject}${tag}`,
      `     emissor: ${c.issuer}`,
      `     série ${c.serial}, SHA-256 ${c.fingerprint256}`,
      `     validade: ${c.notBefore} a ${c.notAfter}`,
    ];
  });
}

/**
 * `elo cert verify`: offline verification of one certificate (ARCHITECTURE: "Verification stands
 * alone"), the same code path the transfer faces use for client certificates.
 */
export const runCertVerify: CliCommand = async (args, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        chain: { type: 'string', multiple: true },
        trust: { type: 'string', multiple: true },
        crl: { type: 'string', multiple: true },
        at: { type: 'string' },
        purpose: { type: 'string' },
        'require-crl': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    // node:util reports in English; say it in Portuguese, naming the option.
    const code = (e as NodeJS.ErrnoException).code;
    const option = /'(--?[\w-]+)/.exec(e instanceof Error ? e.message : '')?.[1] ?? '';
    const why =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `Opção inválida: ${option} não existe.`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? `Opção inválida: ${option} exige um valor.`
          : 'Opção inválida.';
    io.err(`${why}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return EXIT_OK;
  }

  try {
    if (positionals.length === 0)
      throw new UsageError('Informe o arquivo do certificado a verificar.');
    if (positionals.length > 1) {
      throw new UsageError(
        `Informe um único certificado a verificar (recebidos ${positionals.length}); use --chain para os intermediários.`,
      );
    }
    const trustPaths = values.trust ?? [];
    if (trustPaths.length === 0) {
      throw new UsageError('Informe ao menos uma âncora de confiança com --trust ARQUIVO.pem.');
    }
    const purpose = (values.purpose ?? 'client') as CertPurpose;
    if (!PURPOSES.includes(purpose)) {
      throw new UsageError(
        `Finalidade inválida em --purpose: "${values.purpose}". Use client, server, signing ou any.`,
      );
    }
    const at = values.at === undefined ? new Date() : parseAt(values.at);
    const leafPath = positionals[0]!;

    const leafBytes = await readInput(io, leafPath, 'o certificado');
    const anchors = await readCertificateFiles(io, trustPaths, 'de âncoras de confiança');
    const chain = await readCertificateFiles(io, values.chain ?? [], 'de cadeia');
    const crls = await readCrlFiles(io, values.crl ?? []);

    const leafCerts = readCertificates(leafBytes);
    const result: VerifyResult = leafCerts.ok
      ? await verifyCertificate({
          leaf: leafCerts.value[0]!,
          // A leaf file may be a full chain (leaf first), as TLS servers and clients keep it.
          intermediates: [...leafCerts.value.slice(1), ...chain],
          anchors,
          crls,
          at,
          purpose,
          policy: values['require-crl'] ? { revocation: 'require' } : {},
        })
      : await verifyCertificate({ leaf: leafBytes, anchors, at, purpose });

    const message = result.valid ? validMessage(result, purpose, at) : result.message;
    if (values.json) {
      io.out(
        JSON.stringify({
          valid: result.valid,
          code: result.valid ? null : result.code,
          message,
          chain: result.chain.map((c) => ({
            subject: c.subject,
            serial: c.serial,
            fingerprint256: c.fingerprint256,
          })),
        }),
      );
    } else if (result.valid) {
      io.out([`VÁLIDO: ${message}`, '', 'Cadeia:', ...chainLines(result.chain, true)].join('\n'));
    } else {
      const lines = [`RECUSADO (${result.code}): ${message}`];
      if (result.chain.length > 0)
        lines.push('', 'Cadeia montada até onde foi possível:', ...chainLines(result.chain, false));
      io.out(lines.join('\n'));
    }
    return result.valid ? EXIT_OK : EXIT_FAILED;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\nUse "elo cert verify --help" para ver as opções.`);
      return EXIT_USAGE;
    }
    throw e;
  }
};
