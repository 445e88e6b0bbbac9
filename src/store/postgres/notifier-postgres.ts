import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inProcessNotifier, type TransitionNotifier } from '../../domain/notifier.ts';

/** One channel per database: every node of one hub listens on it. */
export const TRANSITIONS_CHANNEL = 'elo_transicoes';

/**
 * NOTIFY payloads must stay under 8000 bytes (PostgreSQL's limit); a signal naming more systems
 * than fit is sent as several notifications.
 */
const MAX_PAYLOAD = 7_000;

export interface NotifierEvent {
  event: 'notificador.conectado' | 'notificador.desconectado' | 'notificador.envio_falhou';
  data: Record<string, unknown>;
}

/**
 * The transition notifier of several hub nodes on one PostgreSQL database (spec §2.15: a held
 * long-poll answers as soon as something is pending, whichever node the change went through).
 *
 * Each node keeps one connection of its own that LISTENs on the hub's channel and also sends the
 * NOTIFYs: a signal wakes this node's waiters at once and the other nodes' waiters when they
 * receive it (PostgreSQL delivers a notification to every listening session, once). A node ignores
 * the echo of its own signals. Listeners are woken, never handed data: a waiter always re-reads
 * the store, so a duplicate signal costs one read and nothing else.
 *
 * When the connection breaks, signals sent meanwhile are lost for this node: it reconnects (1 s,
 * doubling to 30 s) and then wakes every local waiter once, so none waits for a signal it missed.
 */
export function postgresNotifier(
  url: string,
  opts: { onEvent?: (e: NotifierEvent) => void; retryMs?: number; maxRetryMs?: number } = {},
): TransitionNotifier & { ready: Promise<void>; close(): Promise<void>; connected(): boolean } {
  const local = inProcessNotifier();
  const node = randomUUID();
  const firstRetry = opts.retryMs ?? 1000;
  const maxRetry = opts.maxRetryMs ?? 30_000;
  let client: pg.Client | null = null;
  let closed = false;
  let retry = firstRetry;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let everConnected = false;

  const onNotification = (m: pg.Notification) => {
    if (m.channel !== TRANSITIONS_CHANNEL || !m.payload) return;
    let signal: { n?: unknown; s?: unknown };
    // Elo's payload: {"n": sending node, "s": [system ids] or "*" for every system}
    try {
      signal = JSON.parse(m.payload) as { n?: unknown; s?: unknown };
    } catch {
      return; // not Elo's: something else NOTIFYing on the channel
    }
    if (signal.n === node) return;
    if (signal.s === '*') return local.notifyEveryone();
    if (!Array.isArray(signal.s)) return;
    local.notify(signal.s.filter((x): x is string => typeof x === 'string'));
  };

  const lost = (c: pg.Client, reason: string) => {
    if (client !== c) return;
    client = null;
    void c.end().catch(() => undefined);
    opts.onEvent?.({ event: 'notificador.desconectado', data: { motivo: reason, novaTentativaEmMs: retry } });
    schedule();
  };

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect().catch(() => {
        retry = Math.min(retry * 2, maxRetry);
        schedule();
      });
    }, retry);
    timer.unref?.();
  };

  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on('error', (e) => lost(c, e.message));
    c.on('end', () => lost(c, 'conexão encerrada'));
    c.on('notification', onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${TRANSITIONS_CHANNEL}`);
    } catch (e) {
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
      throw e;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    retry = firstRetry;
    opts.onEvent?.({ event: 'notificador.conectado', data: { canal: TRANSITIONS_CHANNEL, reconexao: everConnected } });
    // Signals sent while this node was not listening are gone, and so are those it could not
    // send: every waiter, here and on the other nodes, reads again.
    if (everConnected) {
      local.notifyEveryone();
      askEveryone = true;
      if (!sending) void flush();
    }
    everConnected = true;
  };

  // Signals are coalesced: while one NOTIFY is in flight, the next ones gather in a set and leave
  // together, so a burst of transitions costs a few round trips and a bounded amount of memory
  // (one entry per distinct system), and queries on the connection never overlap.
  const pending = new Set<string>();
  let askEveryone = false;
  let sending = false;
  const flush = async () => {
    sending = true;
    try {
      while ((pending.size || askEveryone) && client) {
        const c = client;
        const batch = askEveryone ? [JSON.stringify({ n: node, s: '*' })] : payloads(node, [...pending]);
        if (askEveryone) askEveryone = false;
        else pending.clear();
        for (const payload of batch) {
          try {
            await c.query('SELECT pg_notify($1, $2)', [TRANSITIONS_CHANNEL, payload]);
          } catch (e) {
            opts.onEvent?.({ event: 'notificador.envio_falhou', data: { mensagem: e instanceof Error ? e.message : String(e) } });
          }
        }
      }
    } finally {
      sending = false;
      askEveryone = false;
      // not connected: what could not be sent is dropped; on reconnecting this node asks every
      // node to read again (below), so no waiter elsewhere waits for a signal lost here
      pending.clear();
    }
  };
  const send = (ids: string[]) => {
    if (!client || ids.length === 0) return;
    for (const id of ids) pending.add(id);
    if (!sending) void flush();
  };

  const ready = connect();
  // a failed first connection is reported by `ready`; meanwhile the node keeps trying
  ready.catch(() => schedule());

  return {
    ready,
    connected: () => client !== null,
    notify(systemIds) {
      const ids = [...new Set(systemIds)];
      local.notify(ids);
      send(ids);
    },
    subscribe: (systemId, listener) => local.subscribe(systemId, listener),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
      }
    },
  };
}

/** The signal as one or more JSON payloads, each under PostgreSQL's size limit. */
function payloads(node: string, ids: string[]): string[] {
  const out: string[] = [];
  let batch: string[] = [];
  let size = 0;
  for (const id of ids) {
    const add = JSON.stringify(id).length + 1;
    if (batch.length && size + add > MAX_PAYLOAD) {
      out.push(JSON.stringify({ n: node, s: batch }));
      batch = [];
      size = 0;
    }
    batch.push(id);
    size += add;
  }
  if (batch.length) out.push(JSON.stringify({ n: node, s: batch }));
  return out;
}
