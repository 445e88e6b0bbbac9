import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer } from '../bench/child-server.ts';
import { runCycleLoad } from '../bench/cycle-client.ts';
import { answerLength, keepAliveLoad } from '../bench/keep-alive-load.ts';
import { seededFolder, type SystemFiles } from '../bench/seeded-folder.ts';

/** The bench's baselines and load clients measure nothing if they are wrong: each is checked here. */
describe('bench tools', () => {
  it('frames HTTP/1.1 answers by Content-Length and by chunks, and waits for what is missing', () => {
    const cl = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]HTTP/1.1 200');
    expect(answerLength(cl)).toEqual({ length: cl.indexOf('HTTP/1.1 200', 5), status: 200 });
    expect(answerLength(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n[]'))).toBeNull();
    expect(answerLength(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'))).toBeNull();
    const chunked = Buffer.from('HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n');
    expect(answerLength(chunked)).toEqual({ length: chunked.length, status: 403 });
    expect(answerLength(chunked.subarray(0, chunked.length - 2))).toBeNull();
    expect(answerLength(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))).toEqual({ length: 27, status: 204 });
  });

  describe('against the baselines, over mTLS', () => {
    let dir: string;
    let files: (id: string) => SystemFiles;
    beforeAll(async () => {
      ({ dir, files } = await seededFolder('elo-bench-tools-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('drives the bare Hono app with kept-alive connections, every answer a 200', async () => {
      const bare = await startChildServer('bare-hono-server.ts', dir);
      try {
        const f = await keepAliveLoad({ url: bare.url, path: '/interoperabilidade/rest/v3/tramites/pendentes', files: files('sei-estado'), connections: 2, warmUpMs: 100, durationMs: 300 });
        expect(f.requests).toBeGreaterThan(10);
        expect(f.notOk).toBe(0);
        // an unknown path is counted as not ok, not as a success
        const wrong = await keepAliveLoad({ url: bare.url, path: '/nada', files: files('sei-estado'), connections: 1, warmUpMs: 50, durationMs: 200 });
        expect(wrong.notOk).toBe(wrong.requests);
      } finally {
        await bare.stop();
      }
    });

    it('completes whole cycles against the minimal hub, and refuses a caller it does not know', async () => {
      const args = join(dir, 'minimo.json');
      writeFileSync(args, JSON.stringify({ dataDir: dir, systems: ['sei-estado', 'sei-municipio'].map((id) => ({ id, cert: files(id).cert })), units: { '100/1002': 'sei-estado', '200/2002': 'sei-municipio' } }));
      const minimal = await startChildServer('minimal-hub.ts', args);
      try {
        const f = await runCycleLoad({ url: minimal.url, sender: files('sei-estado'), receiver: files('sei-municipio'), concurrency: 2, warmUpMs: 100, durationMs: 400 });
        expect(f.cycles).toBeGreaterThan(0);
        expect(f.steps.reciboDeConclusao.p50).toBeGreaterThan(0);
      } finally {
        await minimal.stop();
      }
      // a hub that knows only the sender refuses the receiver's certificate: the cycle fails, it is never counted
      const onlySender = join(dir, 'so-remetente.json');
      writeFileSync(onlySender, JSON.stringify({ dataDir: dir, systems: [{ id: 'sei-estado', cert: files('sei-estado').cert }], units: { '200/2002': 'sei-municipio' } }));
      const strict = await startChildServer('minimal-hub.ts', onlySender);
      try {
        await expect(runCycleLoad({ url: strict.url, sender: files('sei-estado'), receiver: files('sei-municipio'), concurrency: 1, warmUpMs: 0, durationMs: 50 })).rejects.toThrow(/403/);
      } finally {
        await strict.stop();
      }
    });
  });
});
