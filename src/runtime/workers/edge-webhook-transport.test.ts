import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeWebhookTransport } from './edge-webhook-transport.ts';

/**
 * The Worker's webhook port. `resolve` reads Cloudflare's DNS-over-HTTPS JSON, which this machine
 * cannot reach: its answers are scripted here in the documented shape. `post` is the runtime's
 * `fetch`, the same API on Node, against a real server on loopback (and in workerd,
 * test/workers/worker-webhooks.test.ts).
 */
const doh = (answers: Record<string, unknown>) => async (input: RequestInfo | URL) => {
  const type = new URL(String(input)).searchParams.get('type')!;
  const a = answers[type];
  return a instanceof Response ? a : Response.json(a);
};

describe('the Worker’s webhook transport', () => {
  it('resolves a name to its A and AAAA records, leaving out the CNAMEs on the way', async () => {
    const t = edgeWebhookTransport({
      fetch: doh({
        A: { Status: 0, Answer: [{ type: 5, data: 'outro.exemplo.' }, { type: 1, data: '203.0.113.7' }] },
        AAAA: { Status: 0, Answer: [{ type: 28, data: '2001:db8::7' }] },
      }) as typeof fetch,
    });
    expect(await t.resolve('sei.exemplo.gov.br')).toEqual(['203.0.113.7', '2001:db8::7']);
  });

  it('answers no address for a name that does not exist, and fails a lookup the resolver could not make', async () => {
    expect(await edgeWebhookTransport({ fetch: doh({ A: { Status: 3 }, AAAA: { Status: 3 } }) as typeof fetch }).resolve('nao.existe')).toEqual([]);
    await expect(edgeWebhookTransport({ fetch: doh({ A: { Status: 2 }, AAAA: { Status: 0 } }) as typeof fetch }).resolve('x')).rejects.toThrow(/código 2/);
    await expect(edgeWebhookTransport({ fetch: doh({ A: new Response('', { status: 502 }) }) as typeof fetch }).resolve('x')).rejects.toThrow(/502/);
  });

  describe('post', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/longe') return void res.writeHead(302, { location: 'https://outro.exemplo/' }).end();
        if (req.url === '/mudo') return; // never answers
        if (req.url === '/sem-fim') {
          res.writeHead(200);
          const more = () => !res.destroyed && res.write(Buffer.alloc(16 * 1024, 0x61), () => setImmediate(more));
          return void more();
        }
        req.resume();
        req.on('end', () => res.writeHead(202).end('recebido\n'));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    const post = (path: string, timeoutMs = 2_000) =>
      edgeWebhookTransport().post({ url: new URL(`${base}${path}`), address: '127.0.0.1', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{}'), timeoutMs, maxResponseBytes: 64 });

    it('posts and reports the status and the start of the answer', async () => {
      expect(await post('/ok')).toEqual({ status: 202, location: null, bodyStart: 'recebido' });
    });

    it('never follows a redirect: the status and where it pointed are reported', async () => {
      expect(await post('/longe')).toMatchObject({ status: 302, location: 'https://outro.exemplo/' });
    });

    it('reads an endless answer only up to its bound', async () => {
      const r = await post('/sem-fim');
      expect(r).toMatchObject({ status: 200 });
      expect((r as { bodyStart: string }).bodyStart).toHaveLength(64);
    });

    it('gives up on a receiver that does not answer within the attempt’s timeout', async () => {
      expect(await post('/mudo', 200)).toEqual({ error: 'sem resposta em 200 ms' });
    });
  });
});
