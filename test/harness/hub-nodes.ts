import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialsFromFiles, type ClientCredentials } from '../../src/client/tramita-client.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { seedDemo } from '../../src/runtime/seed-demo.ts';
import { spawnHub, type SpawnedHub } from './spawn-hub.ts';

export interface HubNodes {
  /** The one data folder every node shares (blobs, PKI files), as on NFS in production. */
  dataDir: string;
  databaseUrl: string;
  nodes: SpawnedHub[];
  /** Client credentials of the demo federation's systems, by system id. */
  creds: Record<string, ClientCredentials>;
  /** Stops every node still running (SIGTERM) and removes the data folder. */
  close(): Promise<void>;
}

/**
 * Several `elo start` processes on one PostgreSQL database and one shared data folder: the
 * deployment of README "Mais de uma máquina", on loopback. The demo federation is seeded once
 * (through the database, as `elo seed demo` does), then the nodes start together.
 */
export async function startHubNodes(o: {
  count: number;
  databaseUrl: string;
  env?: Record<string, string>;
  captureStderr?: boolean;
}): Promise<HubNodes> {
  const dataDir = mkdtempSync(join(tmpdir(), 'elo-nodes-'));
  const env = { ELO_DATABASE_URL: o.databaseUrl, ...o.env };
  const nodes: SpawnedHub[] = [];
  try {
    const seed = await seedDemo(loadConfig({ ELO_DATA_DIR: dataDir, ...env }, dataDir), new Date());
    const creds = Object.fromEntries(seed.sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]));
    const started = await Promise.allSettled(
      Array.from({ length: o.count }, () => spawnHub(dataDir, env, { captureStderr: o.captureStderr ?? false })),
    );
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return {
      dataDir,
      databaseUrl: o.databaseUrl,
      nodes,
      creds,
      async close() {
        await Promise.all(nodes.map((n) => n.stop()));
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}
