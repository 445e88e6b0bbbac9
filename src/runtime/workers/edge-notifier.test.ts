import { describe, expect, it } from 'vitest';
import type { Log } from '../../services/deps.ts';
import type { DurableObjectNamespace, EdgeWebSocket } from './durable-object-types.ts';
import { durableObjectNotifier } from './edge-notifier.ts';

/**
 * The notifier's behaviour when its Durable Object fails, which the runtime cannot be made to do
 * on demand: a namespace whose objects the test scripts. Signalling through a real object, in
 * workerd and across isolates, is test/workers/worker-long-poll.test.ts.
 */
function scriptedNamespace(answer: (url: string) => Promise<Response & { webSocket?: EdgeWebSocket | null }>) {
  const calls: string[] = [];
  const ns: DurableObjectNamespace = {
    idFromName: (name) => ({ toString: () => name }),
    get: (id) => ({
      fetch: (url) => {
        calls.push(`${id.toString()} ${url}`);
        return answer(url);
      },
    }),
  };
  return { ns, calls };
}

class ScriptedSocket implements EdgeWebSocket {
  listeners = new Map<string, (() => void)[]>();
  closed = false;
  accept() {}
  send() {}
  close() {
    this.closed = true;
  }
  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string) {
    for (const l of this.listeners.get(type) ?? []) l();
  }
}

const logged = () => {
  const events: string[] = [];
  const log: Log = (e) => void events.push(e.event);
  return { log, events };
};
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('the Worker’s transition notifier (a Durable Object per system)', () => {
  it('signals each named system once, and resolves after the objects answered', async () => {
    const { ns, calls } = scriptedNamespace(async () => Response.json({ aguardando: 0 }));
    await durableObjectNotifier(ns, logged().log).notify(['a', 'b', 'a']);
    expect(calls.sort()).toEqual(['a https://pendencias/sinal', 'b https://pendencias/sinal']);
  });

  it('logs a signal its object refused or could not take, and resolves anyway: the write that committed is not failed by it', async () => {
    const { log, events } = logged();
    const { ns } = scriptedNamespace(async (url) => (url.endsWith('/sinal') ? new Response('x', { status: 500 }) : Promise.reject(new Error('rede'))));
    await expect(durableObjectNotifier(ns, log).notify(['a'])).resolves.toBeUndefined();
    const down = scriptedNamespace(async () => Promise.reject(new Error('objeto indisponível')));
    await expect(durableObjectNotifier(down.ns, log).notify(['a'])).resolves.toBeUndefined();
    expect(events).toEqual(['pendencias.sinal_falhou', 'pendencias.sinal_falhou']);
  });

  it('does not hold the write on an object that never answers: the signal is given up after its timeout and logged', async () => {
    const { log, events } = logged();
    const { ns } = scriptedNamespace(() => new Promise(() => {}));
    await expect(durableObjectNotifier(ns, log, { signalTimeoutMs: 50 }).notify(['a'])).resolves.toBeUndefined();
    expect(events).toEqual(['pendencias.sinal_falhou']);
  });

  it('wakes the waiter once its socket is open (a change committed before the object knew it is read), then on each message', async () => {
    const socket = new ScriptedSocket();
    const { ns } = scriptedNamespace(async () => Object.assign(new Response(null), { webSocket: socket }));
    let woken = 0;
    const unsubscribe = durableObjectNotifier(ns, logged().log).subscribe('a', () => woken++);
    await tick();
    expect(woken).toBe(1);
    socket.emit('message');
    socket.emit('message');
    expect(woken).toBe(3);
    unsubscribe();
    expect(socket.closed).toBe(true);
    socket.emit('message');
    expect(woken).toBe(3);
  });

  it('with its object unreachable, wakes the waiter and tries again after a growing pause — never a loop of reads', async () => {
    const { log, events } = logged();
    const { ns, calls } = scriptedNamespace(async () => Promise.reject(new Error('objeto indisponível')));
    let woken = 0;
    const unsubscribe = durableObjectNotifier(ns, log, { retryMs: 20, maxRetryMs: 40 }).subscribe('a', () => woken++);
    await tick(150);
    unsubscribe();
    const attempts = calls.length;
    // 0, 20, 60, 100, 140 ms: the pause doubles to its bound
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(6);
    expect(woken).toBe(attempts);
    expect(new Set(events)).toEqual(new Set(['pendencias.espera_falhou']));
    await tick(100);
    expect(calls.length).toBe(attempts);
  });

  it('reconnects when its socket closes, waking the waiter to read what it may have missed', async () => {
    const sockets: ScriptedSocket[] = [];
    const { ns } = scriptedNamespace(async () => {
      const s = new ScriptedSocket();
      sockets.push(s);
      return Object.assign(new Response(null), { webSocket: s });
    });
    let woken = 0;
    const unsubscribe = durableObjectNotifier(ns, logged().log, { retryMs: 10 }).subscribe('a', () => woken++);
    await tick();
    sockets[0]!.emit('close');
    expect(woken).toBe(2);
    await tick(40);
    expect(sockets).toHaveLength(2);
    expect(woken).toBe(3);
    // the old socket's late events are ignored
    sockets[0]!.emit('message');
    expect(woken).toBe(3);
    unsubscribe();
    expect(sockets[1]!.closed).toBe(true);
  });
});
