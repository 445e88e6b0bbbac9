import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTramitaClient, credentialsFromFiles, type ClientCredentials } from '../../src/client/tramita-client.ts';
import type { StartBodyAnalyser } from '../../src/domain/tramita/index.ts';
import type { Clock, Timers } from '../../src/domain/clock.ts';
import type { Workflow } from '../../src/domain/situacao.ts';
import type { FreeSpace } from '../../src/services/deps.ts';
import type { WebhookTransport } from '../../src/services/webhooks.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { dataPaths } from '../../src/runtime/data-dir.ts';
import { startNodeHub } from '../../src/runtime/hub.ts';
import { seedDemo } from '../../src/runtime/seed-demo.ts';
import { freshDatabase, postgresSnapshot, testStoreKind, type StoreKind } from './stores.ts';

/**
 * A real hub for a test: its own data folder, the demo federation seeded, HTTPS with client
 * certificates on an ephemeral loopback port.
 */
export async function startTestHub(
  opts: {
    clock?: Clock;
    timers?: Timers;
    env?: Record<string, string>;
    federationFile?: string;
    freeSpace?: FreeSpace;
    startBodyAnalyser?: StartBodyAnalyser;
    workflow?: Workflow;
    /** The store kind, when a test needs one whatever the run's (e.g. an embedded hub to move to PostgreSQL). */
    store?: StoreKind;
    /** Timers of the webhook worker and parts of its network port (test/integration/webhooks.test.ts). */
    webhookTimers?: Timers;
    webhookTransport?: Partial<WebhookTransport>;
    /** Timer of the hourly audit checkpoint (test/integration/audit-log.test.ts). */
    auditTimers?: Timers;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'elo-test-'));
  // with ELO_TEST_DATABASE_URL, the hub's store is a PostgreSQL database of its own
  const database = (opts.store ?? testStoreKind()) === 'postgres' ? await freshDatabase() : null;
  // the hub's info lines (one per request) are noise in a test run: a test that reads them asks for them
  const config = loadConfig({ ELO_DATA_DIR: dir, ELO_PORT: '0', ELO_HOST: '127.0.0.1', ELO_LOG_LEVEL: 'warn', ...(database ? { ELO_DATABASE_URL: database.url } : {}), ...opts.env }, dir);
  const seed = await seedDemo(config, new Date(), opts.federationFile);
  const hub = await startNodeHub(config, {
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.freeSpace ? { freeSpace: opts.freeSpace } : {}),
    ...(opts.timers ? { timers: opts.timers } : {}),
    ...(opts.startBodyAnalyser ? { startBodyAnalyser: opts.startBodyAnalyser } : {}),
    ...(opts.workflow ? { workflow: opts.workflow } : {}),
    ...(opts.webhookTimers ? { webhookTimers: opts.webhookTimers } : {}),
    ...(opts.webhookTransport ? { webhookTransport: opts.webhookTransport } : {}),
    ...(opts.auditTimers ? { auditTimers: opts.auditTimers } : {}),
  });
  // The sweep at start (spec §5.4) finishes before the test begins, so it never lands between
  // a test's before/after snapshots.
  await hub.sweep();
  const creds: Record<string, ClientCredentials> = Object.fromEntries(
    seed.sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]),
  );
  const clients: { close(): Promise<void> }[] = [];
  const client = (systemId: string, credentials?: Partial<ClientCredentials> & { ca: string; ciphers?: string }) => {
    const c = createTramitaClient({ hubUrl: hub.url, credentials: credentials ?? creds[systemId]! });
    clients.push(c);
    return c;
  };
  const caPem = creds['sei-estado']!.ca;
  return {
    hub,
    config,
    seed,
    dir,
    /** What a CLI command needs to work on this hub's data: its folder and, on PostgreSQL, its database. */
    env: { ELO_DATA_DIR: dir, ...(database ? { ELO_DATABASE_URL: database.url } : {}) } as Record<string, string>,
    paths: dataPaths(dir),
    creds,
    caPem,
    client,
    /** Everything the store holds, to assert that a refusal changed nothing. */
    snapshot: () => storeSnapshot(hub, dataPaths(dir).blobs),
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await hub.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/** Tables a refusal writes by design, left out of `snapshot()`. */
const REFUSAL_LOG_TABLES = ['refused_requests'];

function storeSnapshot(hub: Awaited<ReturnType<typeof startNodeHub>>, blobsDir: string) {
  const rows = hub.config.databaseUrl ? postgresSnapshot(hub.config.databaseUrl) : sqliteRows(hub);
  // Every refusal of a system is logged there by design (README "Monitorando"): it is the record
  // of the refusal, not a change the refusal made; test/integration/monitor-api.test.ts reads it.
  for (const t of REFUSAL_LOG_TABLES) delete rows[t];
  const files: string[] = [];
  const walk = (d: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p.slice(blobsDir.length));
    }
  };
  walk(blobsDir);
  return { rows, files: files.sort() };
}

function sqliteRows(hub: Awaited<ReturnType<typeof startNodeHub>>): Record<string, unknown[]> {
  const db = (hub.store as unknown as { db: import('better-sqlite3').Database }).db;
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map(
    (t) => t.name,
  );
  const rows: Record<string, unknown[]> = {};
  for (const t of tables) rows[t] = db.prepare(`SELECT * FROM "${t}"`).all();
  return rows;
}
