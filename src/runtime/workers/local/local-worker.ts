/**
 * Node side, never bundled into the Worker: Elo's Worker run locally, as `npm run dev:workers` and
 * the Workers test tier run it. The bundle `wrangler deploy --dry-run` builds, in workerd through
 * Miniflare, with a local D1 and R2 kept in `state`; the demo federation seeded into that D1 (a
 * federation CA and client certificates made as `elo seed demo` makes them, in `dataDir`); the
 * hub's keys and the CA given to the Worker as its secrets; and the loopback edge (edge.ts) in
 * front, asking each client for its certificate.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Miniflare } from 'miniflare';
import type { AuditChainOptions } from '../../../domain/audit-chain.ts';
import type { EloConfig } from '../../config.ts';
import { dataPaths } from '../../data-dir.ts';
import { seedDemo, type SeedReport } from '../../seed-demo.ts';
import type { R2Bucket } from '../../../store/blobs/r2-types.ts';
import { openD1Store } from '../../../store/d1/index.ts';
import type { D1Database } from '../../../store/d1/d1-types.ts';
import { applyD1Migrations } from '../../../store/d1/migrations.ts';
import { startEdgeEmulator } from './edge.ts';

const root = join(import.meta.dirname, '../../../..');

let bundle: string | null = null;
/** The Worker as `wrangler deploy --dry-run` bundles it (built once per process). */
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

/** The bundle as Miniflare runs it: one module, its source map comment left out (workerd refuses the map's ../ sources). */
export function workerModule() {
  const path = workerBundle();
  return {
    modules: [{ type: 'ESModule' as const, path, contents: readFileSync(path, 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '') }],
    // module names are paths relative to this; workerd refuses a name that climbs out with ..
    modulesRoot: dirname(path),
    // wrangler.toml's compatibility settings
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_compat'],
  };
}

export interface LocalWorker {
  url: string;
  mf: Miniflare;
  seed: SeedReport;
  bucket: R2Bucket;
  /** The Worker's D1 as a store from Node, linking its audit events into `audit.chain`. */
  d1(): Promise<D1Database>;
  /** The Worker's Cron Trigger, fired now. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalWorker(opts: {
  config: EloConfig;
  /** Where workerd keeps the local D1 and R2. */
  state: string;
  port?: number;
  forward?: 'rfc9440' | 'fingerprint';
  vars?: Record<string, string>;
  audit: AuditChainOptions;
}): Promise<LocalWorker> {
  const paths = dataPaths(opts.config.dataDir);
  const options = {
    ...workerModule(),
    d1Databases: { DB: 'elo-local' },
    r2Buckets: ['BLOBS'],
    d1Persist: join(opts.state, 'd1'),
    r2Persist: join(opts.state, 'r2'),
  };
  // the database is migrated and seeded before the Worker is given its secrets (made by the seeding)
  const mf = new Miniflare({ ...options, bindings: {} });
  const first = (await mf.getD1Database('DB')) as unknown as D1Database;
  await applyD1Migrations(first);
  const seed = await seedDemo(opts.config, new Date(), undefined, { store: openD1Store(first, { audit: opts.audit }) });
  const pem = (f: string) => readFileSync(f, 'utf8');
  await mf.setOptions({
    ...options,
    bindings: {
      ELO_SIGNING_KEY_PEM: pem(paths.signingKey),
      ELO_SIGNING_CERT_PEM: pem(paths.signingCert),
      ELO_TRUST_ANCHORS_PEM: pem(paths.caCert),
      ...(existsSync(paths.intermediateCert) ? { ELO_INTERMEDIATES_PEM: pem(paths.intermediateCert) } : {}),
      ELO_AMBIENTE: opts.config.environment,
      ELO_LOG_LEVEL: opts.config.logLevel,
      ...opts.vars,
    },
  });
  // the federation's CRLs, where the Worker reads them (edge-trust.ts); none before a revocation
  const bucket = (await mf.getR2Bucket('BLOBS')) as unknown as R2Bucket;
  if (existsSync(paths.rootCrl)) await bucket.put('pki/federacao-ac.crl', readFileSync(paths.rootCrl));
  if (existsSync(paths.intermediateCrl)) await bucket.put('pki/federacao-ac-intermediaria.crl', readFileSync(paths.intermediateCrl));
  const edge = await startEdgeEmulator(mf, { cert: pem(paths.tlsCert), key: pem(paths.tlsKey), ca: pem(paths.caCert) }, { forward: opts.forward ?? 'rfc9440', ...(opts.port ? { port: opts.port } : {}) });
  return {
    url: edge.url,
    mf,
    seed,
    bucket,
    // the proxies of the first options went with them: asked again
    d1: async () => (await mf.getD1Database('DB')) as unknown as D1Database,
    async sweep() {
      const worker = await mf.getWorker();
      await (worker as unknown as { scheduled(o: { cron: string }): Promise<unknown> }).scheduled({ cron: '*/5 * * * *' });
    },
    async close() {
      await edge.close();
      await mf.dispose();
    },
  };
}
