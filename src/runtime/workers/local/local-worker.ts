/**
 * Node side, never bundled into the Worker: Elo's Worker run locally, as `npm run dev:workers` and
 * the Workers test tier run it. The bundle `wrangler deploy --dry-run` builds, in workerd through
 * Miniflare, with a local D1 and R2 kept in `state`; the demo federation seeded into that D1 (a
 * federation CA and client certificates made as `elo seed demo` makes them, in `dataDir`); the
 * hub's keys and the CA given to the Worker as its secrets; and the loopback edge (edge.ts) in
 * front, asking each client for its certificate.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Miniflare } from 'miniflare';
import type { AuditChainOptions } from '../../../domain/audit-chain.ts';
import type { EloConfig } from '../../config.ts';
import { dataPaths } from '../../data-dir.ts';
import { seedDemo, type SeedReport } from '../../seed-demo.ts';
import type { R2Bucket } from '../../../store/blobs/r2-types.ts';
import { openD1Store } from '../../../store/d1/index.ts';
import type { D1Database } from '../../../store/d1/d1-types.ts';
import { applyD1Migrations } from '../../../store/d1/migrations.ts';
import { D1_BRIDGE_SCRIPT, d1ThroughBridge } from './d1-bridge.ts';
import { startEdgeEmulator } from './edge.ts';

const root = join(import.meta.dirname, '../../../..');

/** The Worker as bundled: its module's file name and text. */
export interface WorkerBundle {
  name: string;
  text: string;
}

const bundles = new Map<string, WorkerBundle>();
/**
 * The Worker as `wrangler deploy --dry-run` bundles it (built once per process): from
 * wrangler.toml's `main`, or from another entry module with the same configuration. The build's
 * folder is removed as soon as the bundle is read: a test process is ended by a signal (the
 * runner's forks), which runs no exit handler, and each left 9 MB in the temporary folder.
 */
export function workerBundle(entry?: string): WorkerBundle {
  const key = entry ?? '';
  const built = bundles.get(key);
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), 'elo-worker-'));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', ...(entry ? [entry] : []), '--dry-run', '--outdir', out], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
      stdio: 'pipe',
    });
    const name = readdirSync(out).find((f) => f.endsWith('.js'))!;
    const bundle = { name, text: readFileSync(join(out, name), 'utf8') };
    bundles.set(key, bundle);
    return bundle;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Where Miniflare is told the bundle's module lives: a name only (the text is given), under a
 * root the name does not climb out of, as workerd requires.
 */
const MODULES_ROOT = join(root, 'dist-worker');

/** The bundle as Miniflare runs it: one module, its source map comment left out (workerd refuses the map's ../ sources). */
export function workerModule(entry?: string) {
  const bundle = workerBundle(entry);
  return {
    modules: [{ type: 'ESModule' as const, path: join(MODULES_ROOT, bundle.name), contents: bundle.text.replace(/^\/\/# sourceMappingURL=.*$/m, '') }],
    // module names are paths relative to this; workerd refuses a name that climbs out with ..
    modulesRoot: MODULES_ROOT,
    // wrangler.toml's compatibility settings
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat', 'enable_request_signal'],
  };
}

export interface LocalWorker {
  url: string;
  mf: Miniflare;
  seed: SeedReport;
  bucket: R2Bucket;
  /** The Worker's D1 as a store from Node, linking its audit events into `audit.chain`. */
  d1(): Promise<D1Database>;
  /** The Worker's Cron Trigger, fired now (or as if at `scheduledTime`, epoch ms). */
  sweep(scheduledTime?: number): Promise<void>;
  /** Which replica (0 … replicas − 1) the edge hands the next requests to. */
  useReplica(index: number): void;
  close(): Promise<void>;
}

/** The name and route of replica `i`: the edge picks a replica by the host it dispatches to. */
const replicaName = (i: number) => (i === 0 ? 'elo' : `elo-${i + 1}`);
const BRIDGE_HOST = 'ponte-d1.elo.local';
const replicaHost = (i: number) => (i === 0 ? 'elo.exemplo.gov.br' : `replica-${i + 1}.elo.exemplo.gov.br`);

export async function startLocalWorker(opts: {
  config: EloConfig;
  /** Where workerd keeps the local D1 and R2. */
  state: string;
  port?: number;
  forward?: 'rfc9440' | 'fingerprint';
  vars?: Record<string, string>;
  audit: AuditChainOptions;
  /**
   * Copies of the Worker, each its own isolate (no memory shared), on the same D1, R2 and Durable
   * Objects — as Cloudflare runs many isolates of one Worker. The edge sends every request to one
   * of them (`useReplica`, the first by default).
   */
  replicas?: number;
  /** Another entry module than wrangler.toml's `main` (a test's, with its clock). */
  entry?: string;
  /** Headers the edge adds to every request it hands over. */
  edgeHeaders?: () => Record<string, string>;
  /** Each line the Worker writes to its console (its log, one JSON object per line), besides this terminal. */
  log?: (line: string) => void;
}): Promise<LocalWorker> {
  const paths = dataPaths(opts.config.dataDir);
  const replicas = opts.replicas ?? 1;
  const onLine = opts.log;
  const shared = {
    d1Persist: join(opts.state, 'd1'),
    r2Persist: join(opts.state, 'r2'),
    ...(onLine
      ? {
          handleRuntimeStdio(stdout: Readable, stderr: Readable) {
            createInterface({ input: stdout }).on('line', (line) => {
              onLine(line);
              process.stdout.write(`${line}\n`);
            });
            stderr.pipe(process.stderr);
          },
        }
      : {}),
  };
  const workers = (bindings: Record<string, string>) =>
    Array.from({ length: replicas }, (_, i) => ({
      ...workerModule(opts.entry),
      name: replicaName(i),
      routes: [`${replicaHost(i)}/*`],
      d1Databases: { DB: 'elo-local' },
      r2Buckets: ['BLOBS'],
      // wrangler.toml's [[durable_objects.bindings]]: the class lives in the first copy, every copy reaches it
      durableObjects: { PENDENCIAS: { className: 'PendenciasDoSistema', scriptName: replicaName(0) } },
      bindings,
    }));
  // Node reaches the same database through the bridge Worker (d1-bridge.ts), at a route of its own
  const bridge = {
    name: 'elo-ponte-d1',
    modules: true,
    script: D1_BRIDGE_SCRIPT,
    routes: [`${BRIDGE_HOST}/*`],
    d1Databases: { DB: 'elo-local' },
    compatibilityDate: workerModule(opts.entry).compatibilityDate,
  };
  // the database is migrated and seeded before the Worker is given its secrets (made by the seeding)
  const mf = new Miniflare({ ...shared, workers: [...workers({}), bridge] });
  const first = d1ThroughBridge((body) => mf.dispatchFetch(`https://${BRIDGE_HOST}/`, { method: 'POST', body }) as unknown as Promise<Response>, 'DB');
  await applyD1Migrations(first);
  const seed = await seedDemo(opts.config, new Date(), undefined, { store: openD1Store(first, { audit: opts.audit }) });
  const pem = (f: string) => readFileSync(f, 'utf8');
  await mf.setOptions({
    ...shared,
    workers: [
      ...workers({
        ELO_SIGNING_KEY_PEM: pem(paths.signingKey),
        ELO_SIGNING_CERT_PEM: pem(paths.signingCert),
        ELO_TRUST_ANCHORS_PEM: pem(paths.caCert),
        ...(existsSync(paths.intermediateCert) ? { ELO_INTERMEDIATES_PEM: pem(paths.intermediateCert) } : {}),
        ELO_AMBIENTE: opts.config.environment,
        ELO_LOG_LEVEL: opts.config.logLevel,
        ...opts.vars,
      }),
      bridge,
    ],
  });
  // the federation's CRLs, where the Worker reads them (edge-trust.ts); none before a revocation
  const bucket = (await mf.getR2Bucket('BLOBS')) as unknown as R2Bucket;
  if (existsSync(paths.rootCrl)) await bucket.put('pki/federacao-ac.crl', readFileSync(paths.rootCrl));
  if (existsSync(paths.intermediateCrl)) await bucket.put('pki/federacao-ac-intermediaria.crl', readFileSync(paths.intermediateCrl));
  // each copy builds its hub now, as a Node hub does at start, rather than at its first request
  // (whose answer would then carry the build's time, and its code-list sync, in its own writes)
  for (let i = 0; i < replicas; i++) {
    const warm = await mf.dispatchFetch(`https://${replicaHost(i)}/healthz`);
    await warm.arrayBuffer();
    if (!warm.ok) throw new Error(`o Worker local (${replicaName(i)}) não iniciou: ${warm.status}`);
  }
  let replica = 0;
  const edge = await startEdgeEmulator(
    mf,
    { cert: pem(paths.tlsCert), key: pem(paths.tlsKey), ca: pem(paths.caCert) },
    {
      forward: opts.forward ?? 'rfc9440',
      host: () => replicaHost(replica),
      ...(opts.port ? { port: opts.port } : {}),
      ...(opts.edgeHeaders ? { headers: opts.edgeHeaders } : {}),
    },
  );
  return {
    url: edge.url,
    mf,
    seed,
    bucket,
    d1: async () => first,
    async sweep(scheduledTime) {
      const worker = await mf.getWorker();
      await (worker as unknown as { scheduled(o: { cron: string; scheduledTime?: Date }): Promise<unknown> }).scheduled({
        cron: '*/5 * * * *',
        ...(scheduledTime === undefined ? {} : { scheduledTime: new Date(scheduledTime) }),
      });
    },
    useReplica(index) {
      if (!Number.isInteger(index) || index < 0 || index >= replicas) throw new RangeError(`réplica ${index} inexistente (há ${replicas})`);
      replica = index;
    },
    async close() {
      await edge.close();
      await mf.dispose();
    },
  };
}
