/**
 * Elo's Worker for a test, run locally as `npm run dev:workers` runs it
 * (src/runtime/workers/local/local-worker.ts: the bundle in workerd, local D1 and R2, the demo
 * federation, the loopback edge with mTLS), in a folder of its own, with typed clients for its
 * systems, its store seen from Node and snapshots of everything it holds.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTramitaClient, credentialsFromFiles, type ClientCredentials } from '../../src/client/tramita-client.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { dataPaths } from '../../src/runtime/data-dir.ts';
import { startLocalWorker } from '../../src/runtime/workers/local/local-worker.ts';
import { openD1Store } from '../../src/store/d1/index.ts';
import { r2BlobStore } from '../../src/store/blobs/r2-blob-store.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { testAuditChain } from './stores.ts';
import { AUTO_CANCEL_PATH, TEST_CLOCK_HEADER } from './workers/test-clock.ts';

export { workerBundle, workerModule } from '../../src/runtime/workers/local/local-worker.ts';

/** The Worker built from the test entry that takes the test's clock (workers/clock-entry.ts). */
const CLOCK_ENTRY = join(import.meta.dirname, 'workers', 'clock-entry.ts');

export async function startWorkerHub(
  opts: {
    forward?: 'rfc9440' | 'fingerprint';
    env?: Record<string, string>;
    replicas?: number;
    /** The hub's clock: the Worker is then built from the test entry that reads it (as the Node test hub takes one). */
    clock?: Clock;
  } = {},
) {
  const { clock } = opts;
  const logs: string[] = [];
  const clockHeaders = (): Record<string, string> => (clock ? { [TEST_CLOCK_HEADER]: String(clock.now().getTime()) } : {});
  const dir = mkdtempSync(join(tmpdir(), 'elo-worker-hub-'));
  const config = loadConfig({ ELO_DATA_DIR: dir, ELO_LOG_LEVEL: 'warn', ...opts.env }, dir);
  const local = await startLocalWorker({
    config,
    state: dir,
    ...(opts.forward ? { forward: opts.forward } : {}),
    ...(opts.env ? { vars: opts.env } : {}),
    ...(opts.replicas ? { replicas: opts.replicas } : {}),
    ...(clock ? { entry: CLOCK_ENTRY, edgeHeaders: clockHeaders } : {}),
    log: (line: string) => void logs.push(line),
    audit: testAuditChain('semeadura'),
  });
  const store = openD1Store(await local.d1(), { audit: testAuditChain('teste') });
  const creds: Record<string, ClientCredentials> = Object.fromEntries(
    local.seed.sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]),
  );
  const clients: { close(): Promise<void> }[] = [];
  return {
    url: local.url,
    mf: local.mf,
    /** The Worker's D1 store as seen from Node (an audit chain of its own: `teste`). */
    store,
    bucket: local.bucket,
    seed: local.seed,
    config,
    creds,
    client(systemId: string, credentials?: ClientCredentials) {
      const c = createTramitaClient({ hubUrl: local.url, credentials: credentials ?? creds[systemId]! });
      clients.push(c);
      return c;
    },
    /** Every line the Worker wrote to its console so far (its log), in order. */
    logs,
    sweep: () => local.sweep(clock?.now().getTime()),
    /** The automatic-cancel sweep and its count (the Worker with the test's clock only; a Cron Trigger returns nothing). */
    async autoCancel(): Promise<number> {
      if (!clock) throw new Error('a contagem da varredura só existe no Worker com o relógio do teste (opção clock)');
      const r = await local.mf.dispatchFetch(`https://elo.exemplo.gov.br${AUTO_CANCEL_PATH}`, { method: 'POST', headers: clockHeaders() });
      if (!r.ok) throw new Error(`varredura: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { cancelados: number }).cancelados;
    },
    useReplica: (i: number) => local.useReplica(i),
    async close() {
      for (const c of clients) await c.close();
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type WorkerHub = Awaited<ReturnType<typeof startWorkerHub>>;

/** Tables a refusal writes by design (its record), left out of `snapshot()` as on Node (harness/hub.ts). */
const REFUSAL_LOG_TABLES = ['refused_requests'];

/**
 * Everything the Worker's stores hold — every D1 table's rows and every R2 key — to assert that a
 * refusal changed nothing, as `TestHub.snapshot()` does for the Node hub's database and folder.
 */
export async function workerSnapshot(hub: WorkerHub): Promise<{ rows: Record<string, unknown[]>; files: string[] }> {
  // the database file workerd keeps for the local D1, read directly: hundreds of statements
  // through Miniflare's proxy per snapshot are slow, and its synchronous calls are fragile
  const folder = join(hub.config.dataDir, 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(folder).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  const db = new Database(join(folder, file!), { readonly: true, fileMustExist: true });
  const rows: Record<string, unknown[]> = {};
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'structures_busca%' AND name NOT LIKE 'structures_palavras%' ORDER BY name")
      .all() as { name: string }[];
    for (const { name } of tables) if (!REFUSAL_LOG_TABLES.includes(name)) rows[name] = db.prepare(`SELECT * FROM "${name}"`).all();
  } finally {
    db.close();
  }
  const files: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await hub.bucket.list({ ...(cursor ? { cursor } : {}) });
    files.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { rows, files: files.sort() };
}

/**
 * The Worker behind the surface the conformance suite uses of a Node test hub (harness/hub.ts
 * TestHub): its address, its systems' credentials and clients, its store (D1, from Node), its
 * blobs (R2, from Node), the sweep (the Cron Trigger) and the snapshot; given a clock, the Worker
 * built from the test entry that reads it. What only a Node hub has — injected timers, free
 * space, a data folder — is absent: the tests that need it are skipped on the Worker, saying why.
 */
export async function workerTestHub(opts: { env?: Record<string, string>; clock?: Clock } = {}) {
  const w = await startWorkerHub(opts);
  return {
    hub: {
      url: w.url,
      store: w.store,
      blobs: r2BlobStore(w.bucket),
      services: { autoCancel: { sweep: () => (opts.clock ? w.autoCancel() : w.sweep()) } },
      sweep: () => w.sweep(),
    },
    config: w.config,
    paths: dataPaths(w.config.dataDir),
    seed: w.seed,
    creds: w.creds,
    caPem: w.creds['sei-estado']!.ca,
    client: (systemId: string, credentials?: ClientCredentials) => w.client(systemId, credentials),
    snapshot: () => workerSnapshot(w),
    close: () => w.close(),
    worker: w,
  };
}
