import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cryptoKeySigner } from '../../src/pki/signer.ts';
import { federationDir, loadFederationSeed } from '../../src/runtime/federation-files.ts';
import { systemTimers } from '../../src/runtime/hub.ts';
import { nodeWebhookTransport } from '../../src/runtime/webhook-transport.ts';
import type { ServiceDeps } from '../../src/services/deps.ts';
import { webhookService } from '../../src/services/webhooks.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { freshDatabase, testAuditChain } from '../harness/stores.ts';

/**
 * Two hub nodes delivering from one outbox (README "Notificações por webhook"): each notification
 * is claimed in the database by the node that sends it, so with a receiver that always answers,
 * every event arrives exactly once although both nodes run their rounds at the same moments.
 */
describe('webhooks on several nodes', () => {
  it('delivers each of 60 events once when two nodes run their rounds together', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elo-webhook-nodes-'));
    const db = await freshDatabase();
    const a = await openPostgresStore(db.url, { audit: testAuditChain() });
    const b = await openPostgresStore(db.url, { audit: testAuditChain() });
    const received: string[] = [];
    let server: ReturnType<typeof createServer> | null = null;
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=receptor', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
      server = createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (req, res) => {
        received.push(String(req.headers['elo-evento']));
        req.resume().on('end', () => res.writeHead(204).end());
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const at = new Date().toISOString();
      await a.registry.applySeed(loadFederationSeed(`${federationDir}demo/federation.json`), at);
      await a.webhooks.setWebhook('sei-municipio', `https://127.0.0.1:${port}/n`, at, 'teste', { kind: 'webhook.definido', actor: 'teste' });
      // 60 new pendências of the municipio (situação 2, receiver), as the trâmite writers record them
      for (let i = 0; i < 60; i++)
        await a.pool.query(
          `INSERT INTO webhook_outbox (id, system_id, side, idt, nre, situacao, is_replay, created_at, state, attempts, next_attempt_at)
           VALUES ($1, 'sei-municipio', 'receiver', $2, '0000000000000001', 2, false, $3, 'pendente', 0, $3)`,
          [randomUUID(), 1_000_000 + i, at],
        );
      const key = (await webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
      const node = (store: typeof a) =>
        webhookService({
          store,
          clock: { now: () => new Date() },
          ids: { uuid: () => randomUUID(), randomBytes: (n: number) => new Uint8Array(randomBytes(n)) },
          hubSigner: cryptoKeySigner(key.privateKey, ''),
          log: () => undefined,
          webhooks: {
            transport: nodeWebhookTransport({ extraCaPem: [readFileSync(join(dir, 'c.pem'), 'utf8')], timers: systemTimers }),
            settings: { allowHttp: false, allow: ['127.0.0.1/32'], maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1000, timeoutMs: 5000, batch: 7, breakerFailures: 5, breakerOpenMs: 1000 },
          },
        } as unknown as ServiceDeps);
      const nodes = [node(a), node(b)];
      // rounds of both nodes at once, until nothing is left (bounded)
      for (let i = 0; i < 40; i++) {
        const rounds = await Promise.all(nodes.map((n) => n.deliverDue()));
        if (rounds.every((r) => r.entregues === 0)) break;
      }
      expect(received).toHaveLength(60);
      expect(new Set(received).size).toBe(60);
      const states = await a.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM webhook_outbox GROUP BY state');
      expect(states.rows).toEqual([{ state: 'entregue', n: 60 }]);
    } finally {
      server?.close();
      server?.closeAllConnections();
      await a.close();
      await b.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
