import { ConfigError, fieldsFromVariables, validateConfig, type EloConfig } from '../config-schema.ts';
import type { WorkerEnv } from './env.ts';

export interface WorkerSettings {
  config: EloConfig;
  signingKeyPem: string;
  signingCertPem: string;
  trustAnchorsPem: string;
  intermediatesPem: string;
}

const PEM = (kind: string) => new RegExp(`-----BEGIN ${kind}-----[\\s\\S]+?-----END ${kind}-----`);

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
  const pem = (name: keyof WorkerEnv & string, kind: string, what: string) => {
    const v = env[name];
    if (typeof v !== 'string' || !PEM(kind).test(v)) {
      problems.push(`segredo ${name}: ausente ou sem um bloco PEM "${kind}"; ${what}`);
      return '';
    }
    return v;
  };
  const signingKeyPem = pem('ELO_SIGNING_KEY_PEM', 'PRIVATE KEY', 'grave a chave de assinatura do hub (PKCS#8) com `npx wrangler secret put ELO_SIGNING_KEY_PEM`');
  const signingCertPem = pem('ELO_SIGNING_CERT_PEM', 'CERTIFICATE', 'grave o certificado de assinatura do hub (e intermediárias) com `npx wrangler secret put ELO_SIGNING_CERT_PEM`');
  const trustAnchorsPem = pem('ELO_TRUST_ANCHORS_PEM', 'CERTIFICATE', 'grave as ACs em que os certificados dos sistemas devem terminar com `npx wrangler secret put ELO_TRUST_ANCHORS_PEM`');
  const intermediatesPem = typeof env.ELO_INTERMEDIATES_PEM === 'string' ? env.ELO_INTERMEDIATES_PEM : '';
  if (problems.length || !config) throw new ConfigError(problems);
  return { config, signingKeyPem, signingCertPem, trustAnchorsPem, intermediatesPem };
}
