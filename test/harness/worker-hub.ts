/**
 * Elo's Worker for a test: the bundle `wrangler deploy --dry-run` builds, run by Miniflare in
 * workerd with a local D1 and R2, the demo federation seeded into that D1 (with a federation CA
 * and client certificates made as `elo seed demo` makes them), and the edge emulator in front
 * (edge-emulator.ts), so a Tramita client with a system's certificate reaches it over real mTLS.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Miniflare } from 'miniflare';
import { createTramitaClient, credentialsFromFiles, type ClientCredentials } from '../../src/client/tramita-client.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { dataPaths } from '../../src/runtime/data-dir.ts';
import { seedDemo } from '../../src/runtime/seed-demo.ts';
import type { R2Bucket } from '../../src/store/blobs/r2-types.ts';
import { openD1Store } from '../../src/store/d1/index.ts';
import type { D1Database } from '../../src/store/d1/d1-types.ts';
import { applyD1Migrations } from '../../src/store/d1/migrations.ts';
import { startEdgeEmulator } from './edge-emulator.ts';
import { testAuditChain } from './stores.ts';

const root = join(import.meta.dirname, '../..');

let bundle: string | null = null;
/** The Worker as `wrangler deploy --dry-run` bundles it (built once per test process). */
export function workerBundle(): string {
  if (bundle) return bundle;
  const out = mkdtempSync(join(tmpdir(), 'elo-worker-'));
  process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  execFileSync(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', out], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    stdio: 'pipe',
  });
  bundle = join(out, 'index.js');
  return bundle;
}

/** wrangler.toml's compatibility settings, as Miniflare must be given them. */
const COMPATIBILITY = { compatibilityDate: '2026-04-20', compatibilityFlags: ['nodejs_compat'] };

export async function startWorkerHub(opts: { forward?: 'rfc9440' | 'fingerprint'; env?: Record<string, string> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'elo-worker-hub-'));
  const config = loadConfig({ ELO_DATA_DIR: dir, ELO_LOG_LEVEL: 'warn', ...opts.env }, dir);
  const paths = dataPaths(dir);
  const options = {
    // the bundle as one module, without its source map comment: workerd refuses the map's
    // sources, which point outside the bundle's folder (../../src/…)
    modules: [{ type: 'ESModule' as const, path: workerBundle(), contents: readFileSync(workerBundle(), 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '') }],
    // module names are paths relative to this; workerd refuses a name that climbs out with ..
    modulesRoot: dirname(workerBundle()),
    ...COMPATIBILITY,
    d1Databases: { DB: 'elo-teste' },
    r2Buckets: ['BLOBS'],
    d1Persist: join(dir, 'd1'),
    r2Persist: join(dir, 'r2'),
  };
  // the database is migrated and seeded before the Worker is given its secrets (made by the seeding)
  const mf = new Miniflare({ ...options, bindings: {} });
  const db = (await mf.getD1Database('DB')) as unknown as D1Database;
  await applyD1Migrations(db);
  const seed = await seedDemo(config, new Date(), undefined, { store: openD1Store(db, { audit: testAuditChain('semeadura') }) });
  const pem = (f: string) => readFileSync(f, 'utf8');
  await mf.setOptions({
    ...options,
    bindings: {
      ELO_SIGNING_KEY_PEM: pem(paths.signingKey),
      ELO_SIGNING_CERT_PEM: pem(paths.signingCert),
      ELO_TRUST_ANCHORS_PEM: pem(paths.caCert),
      ...(existsSync(paths.intermediateCert) ? { ELO_INTERMEDIATES_PEM: pem(paths.intermediateCert) } : {}),
      ELO_LOG_LEVEL: 'warn',
      ...opts.env,
    },
  });
  // the proxies of the first options are gone with them: made again
  const store = openD1Store((await mf.getD1Database('DB')) as unknown as D1Database, { audit: testAuditChain('teste') });
  // the federation's CRLs, where the Worker reads them (runtime/workers/edge-trust.ts); none before a revocation
  const bucket = (await mf.getR2Bucket('BLOBS')) as unknown as R2Bucket;
  if (existsSync(paths.rootCrl)) await bucket.put('pki/federacao-ac.crl', readFileSync(paths.rootCrl));
  if (existsSync(paths.intermediateCrl)) await bucket.put('pki/federacao-ac-intermediaria.crl', readFileSync(paths.intermediateCrl));
  const edge = await startEdgeEmulator(mf, { cert: pem(paths.tlsCert), key: pem(paths.tlsKey), ca: pem(paths.caCert) }, { forward: opts.forward ?? 'rfc9440' });
  const creds: Record<string, ClientCredentials> = Object.fromEntries(
    seed.sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]),
  );
  const clients: { close(): Promise<void> }[] = [];
  return {
    url: edge.url,
    mf,
    /** The Worker's D1 store as seen from Node (an audit chain of its own: `teste`). */
    store,
    bucket,
    seed,
    config,
    creds,
    client(systemId: string, credentials?: ClientCredentials) {
      const c = createTramitaClient({ hubUrl: edge.url, credentials: credentials ?? creds[systemId]! });
      clients.push(c);
      return c;
    },
    /** The Worker's Cron Trigger, fired now. */
    async sweep() {
      const worker = await mf.getWorker();
      await (worker as unknown as { scheduled(o: { cron: string }): Promise<unknown> }).scheduled({ cron: '*/5 * * * *' });
    },
    async close() {
      for (const c of clients) await c.close();
      await edge.close();
      await mf.dispose();
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
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'structures_busca%' ORDER BY name")
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
 * blobs (R2, from Node), the sweep (the Cron Trigger) and the snapshot. What only a Node hub has —
 * an injected clock or timers, the data folder's files — is absent: the files that need it run on
 * Node only (vitest.workers.config.ts says which).
 */
export async function workerTestHub(opts: { env?: Record<string, string> } = {}) {
  const w = await startWorkerHub(opts);
  const { r2BlobStore } = await import('../../src/store/blobs/r2-blob-store.ts');
  return {
    hub: {
      url: w.url,
      store: w.store,
      blobs: r2BlobStore(w.bucket),
      services: { autoCancel: { sweep: () => w.sweep() } },
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
