import { pemBlocks } from '../../pki/encoding.ts';
import { ConfigError, fieldsFromVariables, validateConfig, type EloConfig } from '../config-schema.ts';
import type { WorkerEnv } from './env.ts';

export interface WorkerSettings {
  config: EloConfig;
  /** Largest JSON body (a trâmite's metadata) the Worker reads, in bytes: bounded by the isolate's memory. */
  maxJsonBytes: number;
  signingKeyPem: string;
  signingCertPem: string;
  trustAnchorsPem: string;
  intermediatesPem: string;
}

/**
 * The Worker's default bound on a JSON body, MB. A Worker isolate has 128 MB of memory; a start
 * body is held whole and parsed (its object takes several times its bytes), so bodies much over
 * this would exhaust it. SEI's own default block size for components is unaffected (components
 * stream); what this bounds is a process's metadata, its document list. Spec §1.5.9 asks a hub
 * to take 50 MB: a federation whose processes need that runs Elo on Node.
 */
export const WORKER_MAX_JSON_MB = 16;


/**
 * The Worker's configuration: the `ELO_*` variables through the same schema, checks and
 * Portuguese messages as on Node (config-schema.ts), and what only a Worker has — its bindings and
 * the PEM texts Node reads from the data folder. Every problem is named at once.
 */
export function workersConfig(env: WorkerEnv): WorkerSettings {
  const vars: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('ELO_') && typeof v === 'string') vars[k] = v;
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  fieldsFromVariables(vars, raw, origin);
  const problems: string[] = [];
  let config: EloConfig | null = null;
  try {
    config = validateConfig(raw, origin);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.problems);
  }
  if (!env.DB || typeof (env.DB as { prepare?: unknown }).prepare !== 'function')
    problems.push('binding "DB": ausente; declare o banco D1 em wrangler.toml ([[d1_databases]] binding = "DB")');
  if (!env.BLOBS || typeof (env.BLOBS as { head?: unknown }).head !== 'function')
    problems.push('binding "BLOBS": ausente; declare o bucket R2 em wrangler.toml ([[r2_buckets]] binding = "BLOBS")');
  if (!env.PENDENCIAS || typeof (env.PENDENCIAS as { idFromName?: unknown }).idFromName !== 'function')
    problems.push(
      'binding "PENDENCIAS": ausente; declare o Durable Object das pendências em wrangler.toml ([[durable_objects.bindings]] name = "PENDENCIAS", class_name = "PendenciasDoSistema")',
    );
  const pem = (name: keyof WorkerEnv & string, kind: string, what: string) => {
    const v = env[name];
    const blocks = typeof v === 'string' ? pemBlocks(v) : null;
    if (typeof v !== 'string' || !blocks?.ok || !blocks.value.some((b) => b.label === kind)) {
      problems.push(`segredo ${name}: ausente ou sem um bloco PEM "${kind}"; ${what}`);
      return '';
    }
    return v;
  };
  const signingKeyPem = pem('ELO_SIGNING_KEY_PEM', 'PRIVATE KEY', 'grave a chave de assinatura do hub (PKCS#8) com `npx wrangler secret put ELO_SIGNING_KEY_PEM`');
  const signingCertPem = pem('ELO_SIGNING_CERT_PEM', 'CERTIFICATE', 'grave o certificado de assinatura do hub (e intermediárias) com `npx wrangler secret put ELO_SIGNING_CERT_PEM`');
  const trustAnchorsPem = pem('ELO_TRUST_ANCHORS_PEM', 'CERTIFICATE', 'grave as ACs em que os certificados dos sistemas devem terminar com `npx wrangler secret put ELO_TRUST_ANCHORS_PEM`');
  const intermediatesPem = typeof env.ELO_INTERMEDIATES_PEM === 'string' ? env.ELO_INTERMEDIATES_PEM : '';
  const workerJson = env.ELO_WORKER_MAX_JSON_MB === undefined ? WORKER_MAX_JSON_MB : Number(env.ELO_WORKER_MAX_JSON_MB);
  if (!Number.isInteger(workerJson) || workerJson < 1 || workerJson > 50)
    problems.push(`variável ELO_WORKER_MAX_JSON_MB: deve ser um inteiro de 1 a 50 (recebido: ${String(env.ELO_WORKER_MAX_JSON_MB)}); acima disso o isolate de 128 MB não comporta a leitura`);
  if (problems.length || !config) throw new ConfigError(problems);
  return { config, maxJsonBytes: Math.min(config.maxJsonMb, workerJson) * 1_048_576, signingKeyPem, signingCertPem, trustAnchorsPem, intermediatesPem };
}
