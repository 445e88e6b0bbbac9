import { X509Certificate, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { dataPaths } from '../../src/runtime/data-dir.ts';
import { releaseToMunicipio as release } from '../harness/flow.ts';
import { bytesOf } from '../harness/packages.ts';
import { startWorkerHub, type WorkerHub } from '../harness/worker-hub.ts';

interface Received {
  event: string;
  body: Record<string, unknown>;
  verified: boolean;
}

/**
 * Push notifications (README "Notificações por webhook") from the Worker: its `fetch` to a real
 * receiver on loopback, signed with the hub's key from the Worker's secrets, delivered after the
 * request that committed the transition; a failed delivery retried by the Cron Trigger. The Worker
 * is the one built with the test's clock (harness/workers/clock-entry.ts).
 */
describe('webhooks delivered by the Worker', () => {
  let hub: WorkerHub;
  let server: Server;
  let url: string;
  let failing = false;
  const received: Received[] = [];
  let agent: Agent;
  // the Worker with the test's clock: a retry comes due when the test moves it, nothing sleeps
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    hub = await startWorkerHub({ clock, env: { ELO_WEBHOOK_ALLOW_HTTP: 'true', ELO_WEBHOOK_ALLOW: '127.0.0.1/32', ELO_WEBHOOK_RETRY_BASE_SECONDS: '1', ELO_WEBHOOK_RETRY_MAX_SECONDS: '1' } });
    const hubKey = new X509Certificate(readFileSync(dataPaths(hub.config.dataDir).signingCert, 'utf8')).publicKey;
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const m = /^t=(\d+),v1=([A-Za-z0-9+/=]+)$/.exec(String(req.headers['elo-assinatura'] ?? ''));
        const verified = !!m && verify('sha256', Buffer.from(`${m[1]}.${body}`), hubKey, Buffer.from(m[2]!, 'base64'));
        received.push({ event: String(req.headers['elo-evento'] ?? ''), body: JSON.parse(body) as Record<string, unknown>, verified });
        res.writeHead(failing ? 503 : 200).end(failing ? 'fora do ar' : 'ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/elo/notificacoes`;
    agent = new Agent({ connect: { ca: hub.creds['sei-estado']!.ca } });
    const token = readFileSync(dataPaths(hub.config.dataDir).adminToken, 'utf8').trim();
    const res = await fetch(`${hub.url}/admin/api/sistemas/sei-municipio/webhook`, {
      method: 'PUT',
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    });
    expect(res.status, await res.text()).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await agent?.close();
    await new Promise((r) => server?.close(r));
    await hub?.close();
  });

  let seq = 0;
  const releaseToMunicipio = () => {
    seq++;
    return release(hub.client('sei-estado'), `00003.${String(seq).padStart(6, '0')}/2026-01`, bytesOf(1_500, 60 + seq));
  };
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 100 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const about = (idt: number) => received.filter((r) => r.body.IDT === idt);

  it('notifies the receiver of its new pendência right after the request that made it, signed with the hub’s key', async () => {
    const idt = await releaseToMunicipio();
    await until(() => about(idt).length > 0);
    const got = about(idt);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ verified: true, body: { IDT: idt, situacao: 2, sistema: 'sei-municipio' } });
    expect(got[0]!.event).toBe(got[0]!.body.evento);
  });

  it('keeps a delivery the receiver refused as pending, and delivers it at a later sweep of the Cron Trigger', async () => {
    failing = true;
    const idt = await releaseToMunicipio();
    await until(() => about(idt).length > 0);
    expect(about(idt)).toHaveLength(1);
    const [event] = await hub.store.webhooks.list({ systemIds: ['sei-municipio'], limit: 100 }).then((all) => all.filter((e) => e.idt === idt));
    expect(event).toMatchObject({ state: 'pendente', attempts: 1 });
    failing = false;
    // the retry is due within a second (ELO_WEBHOOK_RETRY_BASE_SECONDS=1)
    clock.advance(2_000);
    await hub.sweep();
    expect(about(idt)).toHaveLength(2);
    expect(about(idt)[1]).toMatchObject({ verified: true, event: about(idt)[0]!.event });
    const [after] = (await hub.store.webhooks.list({ systemIds: ['sei-municipio'], limit: 100 })).filter((e) => e.idt === idt);
    expect(after).toMatchObject({ state: 'entregue', attempts: 2 });
  });
});
