import { AMBIENTES } from '../domain/environment.ts';
import { z } from 'zod';
import { parseNetwork } from './forwarded-client.ts';
import { DEFAULT_STUCK_MINUTES } from '../services/monitoring/index.ts';
import type { Situacao } from '../domain/situacao.ts';
import { CHAIN_ID } from '../domain/audit-chain.ts';

/**
 * The one configuration schema (issue: Foundation §2), the same on Node (config.ts, which also
 * reads a JSON file) and on Workers (workers/config.ts, from the Worker's variables): a bad value
 * stops the hub with a message naming the field. Portable: no file, no path.
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
  /** Largest stored metadata the hub seals, MB; 0: no bound (services/evidence/seal.ts). */
  sealMaxMetadataMb: z.number().int().min(0).max(1024).default(8),
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
  /** TLS connections the hub holds at once, all clients together; past it new ones are dropped. */
  maxConnections: z.number().int().min(10).max(100_000).default(1000),
  /**
   * Seconds a new connection may take to finish its TLS handshake. Node's default (120 s) let an
   * idle socket that never says hello hold one of maxConnections' slots for two minutes.
   */
  handshakeTimeoutSeconds: z.number().positive().max(120).default(10),
  /** Seconds to receive a request's headers (slow-drip headers are cut there). */
  headersTimeoutSeconds: z.number().positive().max(300).default(60),
  /** Seconds to receive a whole request, body included (spec §9.3: SEI cuts its own at 300 s). */
  requestTimeoutSeconds: z.number().positive().max(3600).default(330),
  /**
   * Seconds an answer may wait on a client that reads none of it (a download whose client stopped
   * reading) before its connection is closed: Node's timeouts do not see a write held by the peer.
   */
  writeStallSeconds: z.number().positive().max(3600).default(120),
  /** Requests one system may have in progress at once (room for SEI's 20 workers, uploads, users). */
  maxRequestsPerSystem: z.number().int().min(25).max(10_000).default(100),
  /** Long-poll pendências requests one system may hold at once (spec §2.15). */
  maxLongPollsPerSystem: z.number().int().min(1).max(100).default(4),
  /**
   * Accept a completion receipt whose dataDeRecebimento differs from the hub's situação-4 time
   * (logging, alerting and keeping both dates) instead of refusing it (spec §7.2 step 1).
   */
  acceptReceiptDateMismatch: z.boolean().default(false),
  /** Largest `tamanhoEmBytes` a component may declare, in MB (default 5 GiB; spec §8.1 sets none). */
  maxComponentMb: z.number().int().min(1).max(1_048_576).default(5120),
  /** Bytes a system's unfinished trâmites (1–4) may declare together, in MB (default 50 GiB). */
  systemQuotaMb: z.number().int().min(1).max(104_857_600).default(51_200),
  /** Free space of the data folder, in MB, below which uploads and new trâmites are refused (default 1 GiB). */
  minFreeDiskMb: z.number().int().min(0).max(10_485_760).default(1024),
  /** Days the metadata of a cancelled trâmite (7, 10) is kept before its bytes are removed. */
  cancelledRetentionDays: z.number().positive().max(3650).default(30),
  /** Days after 5/6 or 8/9 when component bytes are removed (metadata stays); 0 keeps them forever. */
  purgeComponentsAfterDays: z.number().min(0).max(36_500).default(0),
  /** Large JSON bodies that wait while another is analysed (one at a time); more get 503. */
  maxJsonWaiting: z.number().int().min(0).max(100).default(2),
  /** Proxies (addresses or CIDR blocks, IPv4/IPv6) whose forwarded client certificate and address are believed. */
  trustedProxies: z.array(z.string().min(1).refine((e) => parseNetwork(e) !== null, 'endereço ou bloco CIDR inválido')).default([]),
  /** Addresses or CIDR blocks that may read /metrics (the monitor/admin token is required anyway); empty: any address. */
  metricsAllow: z.array(z.string().min(1).refine((e) => parseNetwork(e) !== null, 'endereço ou bloco CIDR inválido')).default([]),
  /** The environment this hub serves, declared in the certificates its CA issues (domain/environment.ts). */
  environment: z.enum(AMBIENTES).default('homologacao'),
  /** Lowest level of the operational log written to stderr. */
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Header a trusted proxy writes the client certificate in: nginx's escaped PEM, or RFC 9440 `Client-Cert`. */
  clientCertHeader: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'nome de cabeçalho HTTP inválido').default('X-SSL-Client-Cert'),
  /** Plain-HTTP listener for the proxy (`host:port`), started only with trustedProxies; empty: none. */
  proxyListen: z.union([z.literal(''), z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9.]+|localhost):\d{1,5}$/, 'use host:porta, ex.: 127.0.0.1:8080')]).default(''),
  /**
   * PostgreSQL connection URL (postgres://…): the hub's database is that server's instead of the
   * SQLite file in the data folder, so that several hub nodes can share it. Unset: SQLite.
   */
  databaseUrl: z
    .string()
    .regex(/^postgres(?:ql)?:\/\/\S+$/, 'deve ser uma URL postgres://usuário:senha@servidor:porta/banco')
    .optional(),
  /**
   * Connections each node keeps to PostgreSQL, besides one for notifications, one for the sweep
   * lock and up to 4 for blob locks. Nodes × (this + 6) must stay under the server's
   * max_connections (100 by default).
   */
  databasePoolSize: z.number().int().min(1).max(500).default(10),
  /**
   * The smallest IDT the hub allocates (0: none): above the IDTs a SEI coming from
   * Tramita.GOV.BR already holds, so a new one never collides (README "Vindo do Tramita.GOV.BR").
   */
  idtFloor: z.number().int().min(0).max(9_000_000_000_000).default(0),
  /**
   * Minutes in a situação after which the monitor lists a trâmite as stuck, per situação
   * (`{"2": 60}`; env `2=60,3=90`). Situações not given keep their default (services/monitoring).
   */
  monitorStuckMinutes: z
    .record(z.string().regex(/^(?:[1-9]|10)$/, 'use o número da situação, de 1 a 10'), z.number().positive().max(525_600))
    .default({})
    .transform((r) => ({ ...DEFAULT_STUCK_MINUTES, ...Object.fromEntries(Object.entries(r).map(([k, v]) => [Number(k), v])) }) as Partial<Record<Situacao, number>>),
  /**
   * A separate HTTPS listener (no client certificate asked) for the administration API and the
   * dashboard, which the main port then stops serving, so they can stay on an internal network.
   * Unset: both are served on the main port.
   */
  adminPort: z.number().int().min(0).max(65535).optional(),
  /** Address of the separate administration listener (only with adminPort). */
  adminHost: z.string().min(1).default('127.0.0.1'),
  /** Webhook URLs may use http: (development only); otherwise https only (README "Notificações por webhook"). */
  webhookAllowHttp: z.boolean().default(false),
  /** Blocks (CIDR) a webhook may reach even inside loopback, link-local, private, CGNAT or ULA ranges. */
  webhookAllow: z.array(z.string().min(1).refine((e) => parseNetwork(e) !== null, 'endereço ou bloco CIDR inválido')).default([]),
  /** Extra CA certificates (PEM files) trusted for webhook receivers, besides the system's roots. */
  webhookCaFiles: z.array(z.string().min(1)).default([]),
  /** Attempts of one notification before it becomes a dead letter. */
  webhookMaxAttempts: z.number().int().min(1).max(100).default(10),
  /** First retry delay; each next one doubles (with jitter), up to webhookRetryMaxSeconds. */
  webhookRetryBaseSeconds: z.number().positive().max(3600).default(30),
  webhookRetryMaxSeconds: z.number().positive().max(86_400).default(3600),
  /** Connection plus answer of one attempt. */
  webhookTimeoutSeconds: z.number().positive().max(60).default(5),
  /** How often each node looks for notifications due. */
  webhookIntervalSeconds: z.number().positive().max(3600).default(5),
  /** Consecutive failures of a destination that open its circuit, and how long it stays open. */
  webhookBreakerFailures: z.number().int().min(1).max(1000).default(5),
  webhookBreakerSeconds: z.number().positive().max(86_400).default(60),
  /**
   * This node's audit chain (issue 11 §7): each node appends its audit events to a hash chain of
   * its own, so several nodes never wait on each other. Unset: `principal` on SQLite, the host
   * name on PostgreSQL (runtime/audit-chain.ts); with several PostgreSQL nodes, give each its own.
   */
  nodeId: z.string().regex(CHAIN_ID, 'use até 64 letras, dígitos, ponto, hífen ou sublinhado').optional(),
});

export type EloConfig = z.infer<typeof configSchema>;

/** zod's Portuguese messages, given to the configuration's own parse (loadConfig). */
const ptBR = z.locales.ptBR();

/**
 * A number written in a variable, signed and with decimals, so that the schema can say what is
 * wrong with it (negative, not whole, too large) instead of "expected a number, received text".
 */
const num = (v: string): number | string => (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);

export const envFields: Record<string, { field: keyof EloConfig; parse: (v: string) => unknown }> = {
  ELO_DATA_DIR: { field: 'dataDir', parse: (v) => v },
  ELO_HOST: { field: 'host', parse: (v) => v },
  ELO_PORT: { field: 'port', parse: num },
  ELO_AMBIENTE: { field: 'environment', parse: (v) => v },
  ELO_HOSTNAMES: { field: 'hostnames', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_TRUST_ANCHORS: { field: 'trustAnchorFiles', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_CRL_SOFT_FAIL_ANCHORS: { field: 'crlSoftFailAnchorFiles', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_CRL_FILES: { field: 'crlFiles', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_SEAL_MAX_METADATA_MB: { field: 'sealMaxMetadataMb', parse: num },
  ELO_MAX_JSON_MB: { field: 'maxJsonMb', parse: num },
  ELO_AUTO_CANCEL_DAYS: { field: 'autoCancelDays', parse: num },
  ELO_AUTO_CANCEL_WARNING_DAYS: { field: 'autoCancelWarningDays', parse: num },
  ELO_LONG_POLL_SECONDS: { field: 'longPollSeconds', parse: num },
  ELO_CERT_EXPIRY_WARNING_DAYS: { field: 'certExpiryWarningDays', parse: num },
  ELO_SWEEP_INTERVAL_SECONDS: { field: 'sweepIntervalSeconds', parse: num },
  ELO_MAX_CONNECTIONS: { field: 'maxConnections', parse: num },
  ELO_HANDSHAKE_TIMEOUT_SECONDS: { field: 'handshakeTimeoutSeconds', parse: num },
  ELO_HEADERS_TIMEOUT_SECONDS: { field: 'headersTimeoutSeconds', parse: num },
  ELO_REQUEST_TIMEOUT_SECONDS: { field: 'requestTimeoutSeconds', parse: num },
  ELO_WRITE_STALL_SECONDS: { field: 'writeStallSeconds', parse: num },
  ELO_MAX_REQUESTS_PER_SYSTEM: { field: 'maxRequestsPerSystem', parse: num },
  ELO_MAX_LONG_POLLS_PER_SYSTEM: { field: 'maxLongPollsPerSystem', parse: num },
  ELO_ACCEPT_RECEIPT_DATE_MISMATCH: { field: 'acceptReceiptDateMismatch', parse: (v) => (v === 'true' ? true : v === 'false' ? false : v) },
  ELO_MAX_COMPONENT_MB: { field: 'maxComponentMb', parse: num },
  ELO_SYSTEM_QUOTA_MB: { field: 'systemQuotaMb', parse: num },
  ELO_MIN_FREE_DISK_MB: { field: 'minFreeDiskMb', parse: num },
  ELO_CANCELLED_RETENTION_DAYS: { field: 'cancelledRetentionDays', parse: num },
  ELO_PURGE_COMPONENTS_AFTER_DAYS: { field: 'purgeComponentsAfterDays', parse: num },
  ELO_MAX_JSON_WAITING: { field: 'maxJsonWaiting', parse: num },
  ELO_TRUSTED_PROXIES: { field: 'trustedProxies', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_CLIENT_CERT_HEADER: { field: 'clientCertHeader', parse: (v) => v },
  ELO_PROXY_LISTEN: { field: 'proxyListen', parse: (v) => v },
  ELO_DATABASE_URL: { field: 'databaseUrl', parse: (v) => v },
  ELO_DATABASE_POOL_SIZE: { field: 'databasePoolSize', parse: num },
  ELO_IDT_FLOOR: { field: 'idtFloor', parse: num },
  ELO_MONITOR_STUCK_MINUTES: {
    field: 'monitorStuckMinutes',
    parse: (v) => Object.fromEntries(v.split(',').filter((e) => e.trim()).map((e) => { const [k, m] = e.split('=').map((x) => x.trim()); return [k ?? '', num(m ?? '')]; })),
  },
  ELO_METRICS_ALLOW: { field: 'metricsAllow', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_LOG_LEVEL: { field: 'logLevel', parse: (v) => v },
  ELO_ADMIN_PORT: { field: 'adminPort', parse: num },
  ELO_ADMIN_HOST: { field: 'adminHost', parse: (v) => v },
  ELO_WEBHOOK_ALLOW_HTTP: { field: 'webhookAllowHttp', parse: (v) => (v === 'true' ? true : v === 'false' ? false : v) },
  ELO_WEBHOOK_ALLOW: { field: 'webhookAllow', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_WEBHOOK_CA_FILES: { field: 'webhookCaFiles', parse: (v) => v.split(',').map((s) => s.trim()).filter(Boolean) },
  ELO_WEBHOOK_MAX_ATTEMPTS: { field: 'webhookMaxAttempts', parse: num },
  ELO_WEBHOOK_RETRY_BASE_SECONDS: { field: 'webhookRetryBaseSeconds', parse: num },
  ELO_WEBHOOK_RETRY_MAX_SECONDS: { field: 'webhookRetryMaxSeconds', parse: num },
  ELO_WEBHOOK_TIMEOUT_SECONDS: { field: 'webhookTimeoutSeconds', parse: num },
  ELO_WEBHOOK_INTERVAL_SECONDS: { field: 'webhookIntervalSeconds', parse: num },
  ELO_WEBHOOK_BREAKER_FAILURES: { field: 'webhookBreakerFailures', parse: num },
  ELO_WEBHOOK_BREAKER_SECONDS: { field: 'webhookBreakerSeconds', parse: num },
  ELO_NODE_ID: { field: 'nodeId', parse: (v) => v },
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuração inválida:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}


/**
 * Validates the configuration's raw fields (`origin` says where each came from, for the message)
 * and the rules between fields: the same checks and Portuguese messages on every runtime (Node's
 * loadConfig, the Worker's workersConfig).
 */
export function validateConfig(raw: Record<string, unknown>, origin: Record<string, string>): EloConfig {
  // zod's Portuguese messages here, whoever loads the configuration (the hub, any `elo` command)
  const result = configSchema.strict().safeParse(raw, { error: ptBR.localeError });
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const field = i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(', ') : '(raiz)');
        const where = origin[String(i.path[0])] ? ` (${origin[String(i.path[0])]})` : '';
        const value = raw[String(i.path[0])];
        const what =
          i.code === 'unrecognized_keys'
            ? 'campo desconhecido'
            : i.code === 'too_small' && typeof value === 'number' && value < 0
              ? `não pode ser negativo (recebido: ${value}); ${i.message.charAt(0).toLowerCase()}${i.message.slice(1)}`
              : i.message;
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
  if (config.systemQuotaMb < config.maxComponentMb) {
    throw new ConfigError([
      `campo "systemQuotaMb" (${origin.systemQuotaMb ?? 'padrão'}): deve ser pelo menos maxComponentMb (${config.maxComponentMb}), senão um componente do tamanho máximo nunca caberia na cota de um sistema`,
    ]);
  }
  if (config.proxyListen && config.trustedProxies.length === 0) {
    throw new ConfigError([
      `campo "proxyListen" (${origin.proxyListen ?? 'padrão'}): exige trustedProxies (o endereço do proxy), senão nenhum certificado encaminhado seria aceito nele`,
    ]);
  }
  return config;
}

/** Reads the `ELO_*` variables into raw fields, noting where each came from. */
export function fieldsFromVariables(env: Record<string, string | undefined>, raw: Record<string, unknown>, origin: Record<string, string>): void {
  for (const [name, { field, parse }] of Object.entries(envFields)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    raw[field] = parse(v);
    origin[field] = `na variável ${name}`;
  }
}
