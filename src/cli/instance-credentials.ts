import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { pemBlocks, toPem } from '../pki/encoding.ts';
import { loadConfig } from '../runtime/config.ts';
import { dataPaths } from '../runtime/data-dir.ts';
import type { CliIo } from './io.ts';

/**
 * The credential of the system an instance command acts as, and the hub it talks to: from
 * --certificado/--chave/--ac (or ELO_CERTIFICADO, ELO_CHAVE, ELO_AC), from the SEI's one PEM and
 * its password, or, on the hub's own machine, from --sistema ID (the files `elo seed demo` and
 * `elo ca issue` keep in the data folder).
 */
export const CREDENTIAL_OPTIONS = {
  hub: { type: 'string' },
  sistema: { type: 'string' },
  certificado: { type: 'string' },
  chave: { type: 'string' },
  ac: { type: 'string' },
  senha: { type: 'string' },
  tentativas: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const CREDENTIAL_HELP = `Credencial do sistema (uma destas formas):
  --certificado ARQ --chave ARQ --ac ARQ   certificado de cliente, chave privada (PEM sem senha) e AC
                                           da federação (ou ELO_CERTIFICADO, ELO_CHAVE, ELO_AC)
  --certificado SEI.pem --senha S --ac ARQ o PEM único do SEI (certificado, cadeia e chave cifrada,
                                           como "elo ca issue --sei" o escreve) e a senha dele (ou
                                           ELO_SENHA_CHAVE)
  --sistema ID                             os arquivos do sistema na pasta de dados deste hub
                                           (ELO_DATA_DIR), como "elo seed demo" os cria
  --hub URL                                endereço do hub (ou ELO_HUB_URL; padrão: o hub desta
                                           máquina, https://127.0.0.1:<ELO_PORT>)
  --tentativas N                           quantas vezes pedir de novo, com espera crescente, o que o
                                           protocolo permite repetir quando o hub não responde
                                           (padrão 5; 1: não repetir)`;

/** A mistake in the command line or its files: exit code 2, the message as it is. */
export class UsageError extends Error {}

export function credentials(values: Record<string, any>, io: CliIo) {
  const env = io.env;
  const sistema: string | undefined = values.sistema ?? env.ELO_SISTEMA;
  let hub: string | undefined = values.hub ?? env.ELO_HUB_URL;
  if (sistema) {
    const config = loadConfig(env, io.cwd);
    const files = dataPaths(config.dataDir).system(sistema);
    if (!existsSync(files.cert) || !existsSync(files.key))
      throw new UsageError(`O sistema "${sistema}" não tem certificado na pasta de dados ${config.dataDir}. Rode "elo seed demo" (demonstração) ou informe --certificado, --chave e --ac.`);
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    hub ??= `https://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
    return { hub, certificado: files.cert, chave: files.key, ac: files.ca, quem: sistema };
  }
  const certificado: string | undefined = values.certificado ?? env.ELO_CERTIFICADO;
  let chave: string | undefined = values.chave ?? env.ELO_CHAVE;
  const ac: string | undefined = values.ac ?? env.ELO_AC;
  // SEI's one PEM (spec §1.4): certificate, chain and the private key, encrypted with a password
  let certificatePem: string | undefined;
  if (!chave && certificado && existsSync(certificado)) {
    const inside = keyInside(certificado, values.senha ?? env.ELO_SENHA_CHAVE);
    chave = inside?.key;
    certificatePem = inside?.certificates;
  }
  const missing = [!certificado && '--certificado', !chave && '--chave', !ac && '--ac'].filter(Boolean);
  if (missing.length) throw new UsageError(`Falta a credencial do sistema: informe ${missing.join(', ')} (ou --sistema ID no hub de demonstração).`);
  if (!hub) {
    const config = loadConfig(env, io.cwd);
    hub = `https://127.0.0.1:${config.port}`;
  }
  for (const [flag, path] of [['--certificado', certificado], ['--chave', chave], ['--ac', ac]] as const)
    if (!path!.includes('-----BEGIN') && !existsSync(path!)) throw new UsageError(`O arquivo de ${flag} não existe: ${path}.`);
  return { hub, certificado: certificatePem ?? certificado!, chave: chave!, ac: ac!, quem: certificado! };
}

/**
 * The private key inside a PEM that also holds the certificates (SEI's file), as unencrypted
 * PKCS#8 PEM text for the TLS connection and the receipt signature, with the certificates alone;
 * undefined when the file holds no key.
 */
function keyInside(file: string, password: string | undefined): { key: string; certificates: string } | undefined {
  const blocks = pemBlocks(readFileSync(file, 'utf8'));
  if (!blocks.ok) throw new UsageError(`O arquivo ${file} não é um PEM válido: ${blocks.error}.`);
  const block = blocks.value.find((b) => /^(ENCRYPTED |RSA |EC )?PRIVATE KEY$/.test(b.label));
  if (!block) return undefined;
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY';
  if (encrypted && !password) throw new UsageError(`A chave privada em ${file} é cifrada (o PEM do SEI): informe a senha com --senha (ou ELO_SENHA_CHAVE).`);
  let key: string;
  try {
    key = createPrivateKey({ key: toPem(block.label, block.der), ...(encrypted ? { passphrase: password! } : {}) }).export({ type: 'pkcs8', format: 'pem' }) as string;
  } catch {
    throw new UsageError(`Não foi possível abrir a chave privada em ${file}: ${encrypted ? 'a senha não confere' : 'o PEM está danificado'}.`);
  }
  // TLS is given the certificates alone, leaf first, without the key block beside them
  const certificates = blocks.value.filter((b) => b.label === 'CERTIFICATE').map((b) => toPem('CERTIFICATE', b.der)).join('');
  return { key, certificates };
}

