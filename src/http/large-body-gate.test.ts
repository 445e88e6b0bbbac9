import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { EloError } from '../domain/errors.ts';
import { readStartBody } from './body.ts';
import { largeBodyGate } from './large-body-gate.ts';

describe('largeBodyGate: one large body at a time, a bounded line waiting', () => {
  it('gives the turn at once when free, then in arrival order, and refuses past the waiting line', async () => {
    const gate = largeBodyGate({ maxWaiting: 2 });
    const order: string[] = [];
    const first = await gate.enter()!;
    const second = gate.enter()!.then((leave) => (order.push('second'), leave));
    const third = gate.enter()!.then((leave) => (order.push('third'), leave));
    expect(gate.enter()).toBeNull();
    expect(gate.waiting).toBe(2);
    first();
    const leaveSecond = await second;
    expect(order).toEqual(['second']);
    expect(gate.waiting).toBe(1);
    leaveSecond();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(gate.busy).toBe(false);
  });

  it('ignores a second release of the same turn', async () => {
    const gate = largeBodyGate({ maxWaiting: 1 });
    const leave = await gate.enter()!;
    const next = gate.enter()!;
    leave();
    leave(); // must not free the turn `next` now holds
    const leaveNext = await next;
    expect(gate.busy).toBe(true);
    leaveNext();
    expect(gate.busy).toBe(false);
  });
});

/** A body whose bytes are produced only when read, recording that they were. */
function recordedBody(bytes: Uint8Array, log: string[], name: string): ReadableStream<Uint8Array> {
  return new ReadableStream(
    {
      pull(c) {
        log.push(`read ${name}`);
        c.enqueue(bytes);
        c.close();
      },
    },
    { highWaterMark: 0 }, // pulled only when read
  );
}

describe('readStartBody: a large body waits for its turn before a byte of it is read', () => {
  const small = 16;
  const gate = largeBodyGate({ maxWaiting: 1 });
  const log: string[] = [];
  const work = new Map<string, () => void>();
  const app = new Hono();
  app.onError((e) => (e instanceof EloError ? Response.json({ codigoErro: e.codigoErro, mensagem: e.mensagem }, { status: e.status }) : new Response(String(e), { status: 500 })));
  app.post('/:name', async (c) => {
    const name = c.req.param('name');
    const { raw, done } = await readStartBody(c, { limit: 1000, smallBytes: small, gate });
    log.push(`got ${name} ${raw.byteLength}`);
    // the work on the body ends when the test says so
    await new Promise<void>((resolve) => work.set(name, resolve));
    done();
    return c.text('ok');
  });
  const post = (name: string, size: number, announce = true) =>
    app.request(`/${name}`, {
      method: 'POST',
      body: recordedBody(new Uint8Array(size), log, name),
      headers: announce ? { 'content-length': String(size) } : {},
      duplex: 'half',
    } as RequestInit);
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 1000 && !what(); i++) await new Promise((r) => setImmediate(r));
    expect(what()).toBe(true);
  };

  it('reads a small body at once, holds a large or unannounced one, and refuses one more with 503 9016', async () => {
    const a = post('a', 100);
    await until(() => work.has('a'));
    const b = post('b', 100, false); // no Content-Length: counts as large
    const s = post('s', 10); // announced small: never waits
    await until(() => work.has('s'));
    const refused = await post('c', 100);
    expect(refused.status).toBe(503);
    const answer = (await refused.json()) as { codigoErro: string; mensagem: string };
    expect(answer.codigoErro).toBe('9016');
    expect(answer.mensagem).toContain('Tente novamente');
    expect(log).toEqual(['read a', 'got a 100', 'read s', 'got s 10']);
    work.get('s')!();
    work.get('a')!();
    await until(() => work.has('b'));
    expect(log.slice(4)).toEqual(['read b', 'got b 100']);
    work.get('b')!();
    expect([(await a).status, (await b).status, (await s).status]).toEqual([200, 200, 200]);
    expect(gate.busy).toBe(false);
  });

  it('refuses an announced body past the limit with 413 before reading it, without taking a turn', async () => {
    log.length = 0;
    const r = await post('big', 2000);
    expect(r.status).toBe(413);
    expect(log).toEqual([]);
    expect(gate.busy).toBe(false);
  });
});
