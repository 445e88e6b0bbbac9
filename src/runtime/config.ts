import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The one configuration schema (issue: Foundation §2). Sources, later ones winning: defaults,
 * a JSON file (`elo.config.json` in the working folder, or the path in ELO_CONFIG), then `ELO_*`
 * environment variables. A bad value stops the hub with a message naming the field.
 */
export const configSchema = z.object({
  dataDir: z.string().min(1).default('./.elo'),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8443),
  /** Names the hub's TLS certificate is issued for (SEI checks the host name, spec §1.3). */
  hostnames: z.array(z.string().min(1)).default(['localhost']),
  /** Extra trust anchors (PEM files), besides the federation CA in the data folder (e.g. ICP-Brasil). */
  trustAnchorFiles: z.array(z.string().min(1)).default([]),
  /** Extra anchors whose stale CRLs are only a warning (soft-fail), e.g. a chain whose CRLs Elo cannot fetch. */
  crlSoftFailAnchorFiles: z.array(z.string().min(1)).default([]),
  /** CRL files (PEM or DER) checked for every client certificate. */
  crlFiles: z.array(z.string().min(1)).default([]),
  /** Largest JSON body in MB (spec §1.5.9: at least 50). */
  maxJsonMb: z.number().int().min(50).max(1024).default(64),
  /** Idle days before automatic cancellation (spec §5.4). */
  autoCancelDays: z.number().positive().max(365).default(8),
  /** Idle days after which a warning event announces the cancellation (must come before it). */
  autoCancelWarningDays: z.number().positive().max(365).default(6),
  /** How long the long-poll pendências request is held before `encontrou: false` (spec §2.15). */
  longPollSeconds: z.number().positive().max(295).default(280),
  /** Days before a certificate expires when monitors are warned. */
  certExpiryWarningDays: z.number().positive().max(3650).default(30),
  /** How often the auto-cancel sweep runs. */
  sweepIntervalSeconds: z.number().positive().max(86_400).default(60),
  /** Large JSON bodies that wait while another is analysed (one at a time); more get 503. */
  maxJsonWaiting: z.number().int().min(0).max(100).default(2),
});

export type EloConfig = z.infer<typeof configSchema>;

const envFields: Record<string, { field: keyof EloConfig; parse: (v: string) => unknown }> = {
  ELO_DATA_DIR: { field: 'dataDir', parse: (v) => v },
  ELO_HOST: { field: 'host', parse: (v) => v },
  ELO_PORT: { field: 'port', parse: (v) => (/^\d+$/.test(v) ? Number(v) : v) },
  ELO_HOSTNAMES: { field: 'hostnames', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_TRUST_ANCHORS: { field: 'trustAnchorFiles', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_CRL_SOFT_FAIL_ANCHORS: { field: 'crlSoftFailAnchorFiles', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_CRL_FILES: { field: 'crlFiles', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_MAX_JSON_MB: { field: 'maxJsonMb', parse: (v) => (/^\d+$/.test(v) ? Number(v) : v) },
  ELO_AUTO_CANCEL_DAYS: { field: 'autoCancelDays', parse: (v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v) },
  ELO_AUTO_CANCEL_WARNING_DAYS: { field: 'autoCancelWarningDays', parse: (v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v) },
  ELO_LONG_POLL_SECONDS: { field: 'longPollSeconds', parse: (v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v) },
  ELO_CERT_EXPIRY_WARNING_DAYS: { field: 'certExpiryWarningDays', parse: (v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v) },
  ELO_SWEEP_INTERVAL_SECONDS: { field: 'sweepIntervalSeconds', parse: (v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v) },
  ELO_MAX_JSON_WAITING: { field: 'maxJsonWaiting', parse: (v) => (/^\d+$/.test(v) ? Number(v) : v) },
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuração inválida:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined>, cwd: string): EloConfig {
  const raw: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const file = env.ELO_CONFIG ? resolve(cwd, env.ELO_CONFIG) : resolve(cwd, 'elo.config.json');
  if (env.ELO_CONFIG || existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new ConfigError([`arquivo ${file}: ${e instanceof Error ? e.message : String(e)}`]);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ConfigError([`arquivo ${file}: deve conter um objeto JSON`]);
    for (const [k, v] of Object.entries(parsed)) {
      raw[k] = v;
      origin[k] = `no arquivo ${file}`;
    }
  }
  for (const [name, { field, parse }] of Object.entries(envFields)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    raw[field] = parse(v);
    origin[field] = `na variável ${name}`;
  }
  const result = configSchema.strict().safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const field = i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(', ') : '(raiz)');
        const where = origin[String(i.path[0])] ? ` (${origin[String(i.path[0])]})` : '';
        const what = i.code === 'unrecognized_keys' ? 'campo desconhecido' : i.message;
        return `campo "${field}"${where}: ${what}`;
      }),
    );
  }
  const config = result.data;
  if (config.autoCancelWarningDays >= config.autoCancelDays) {
    throw new ConfigError([
      `campo "autoCancelWarningDays" (${origin.autoCancelWarningDays ?? 'padrão'}): deve ser menor que autoCancelDays (${config.autoCancelDays}), senão o aviso chegaria depois do cancelamento`,
    ]);
  }
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  return {
    ...config,
    dataDir: abs(config.dataDir),
    trustAnchorFiles: config.trustAnchorFiles.map(abs),
    crlFiles: config.crlFiles.map(abs),
    crlSoftFailAnchorFiles: config.crlSoftFailAnchorFiles.map(abs),
  };
}
