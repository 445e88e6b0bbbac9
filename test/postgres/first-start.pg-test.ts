import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Agent, fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { x509 } from '../../src/pki/x509.ts';
import { dataPaths } from '../../src/runtime/data-dir.ts';
import { spawnHub, type SpawnedHub } from '../harness/spawn-hub.ts';
import { freshDatabase } from '../harness/stores.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/**
 * README "Mais de uma máquina": nodes sharing one data folder and one PostgreSQL database may be
 * started together on an empty folder; they must end up with one federation CA, one set of hub
 * keys and one administrator token, not one each overwriting the others' files.
 */
describe('several nodes started together on an empty shared data folder', () => {
  it('prepare one CA, one pair of hub certificates and one administrator token, which every node serves', async () => {
    const db = await freshDatabase();
    cleanup.push(() => db.drop());
    const dir = mkdtempSync(join(tmpdir(), 'elo-first-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const started = await Promise.allSettled([1, 2, 3].map(() => spawnHub(dir, { ELO_DATABASE_URL: db.url })));
    const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    cleanup.push(() => Promise.all(nodes.map((n: SpawnedHub) => n.stop())).then(() => undefined));
    expect(started.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);

    const p = dataPaths(dir);
    const ca = new x509.X509Certificate(readFileSync(p.caCert, 'utf8'));
    for (const file of [p.tlsCert, p.signingCert]) {
      const leaf = new x509.X509Certificate(readFileSync(file, 'utf8'));
      expect(await leaf.verify({ publicKey: ca.publicKey, signatureOnly: true }), `${file} issued by the CA on disk`).toBe(true);
    }
    // every node answers TLS with the certificate on disk, trusted through the one CA
    const onDisk = new x509.X509Certificate(readFileSync(p.tlsCert, 'utf8'));
    for (const n of nodes) {
      const agent = new Agent({ connect: { ca: readFileSync(p.caCert, 'utf8') } });
      cleanup.push(() => agent.close());
      const res = await fetch(`${n.url}/healthz`, { dispatcher: agent });
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(onDisk.issuer).toBe(ca.subject);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanup.push(() => client.end());
    const tokens = await client.query<{ token_sha256: string }>('SELECT token_sha256 FROM admin_tokens');
    expect(tokens.rows).toHaveLength(1);
    const token = readFileSync(p.adminToken, 'utf8').trim();
    expect(createHash('sha256').update(token).digest('hex')).toBe(tokens.rows[0]!.token_sha256);
  });
});
