import type { TransitionNotifier } from '../../domain/notifier.ts';
import type { Log } from '../../services/deps.ts';
import type { DurableObjectNamespace, EdgeWebSocket } from './durable-object-types.ts';
import { PENDENCIAS_SIGNAL, PENDENCIAS_WAIT } from './pendencias-object.ts';

/**
 * The transition notifier of Elo's Worker (domain/notifier.ts): isolates share no memory, so the
 * signal goes through the Durable Object of each system (pendencias-object.ts).
 *
 * - `notify` POSTs a signal to the object of each system named and resolves once the objects
 *   answered: the write that committed the transition returns after its waiters were told, so no
 *   subrequest outlives its request. A failed signal, or one unanswered after `signalTimeoutMs`,
 *   is logged and not retried: the write goes on, and the waiters of that system answer at the
 *   end of their hold, as a SEI's next poll would find it.
 * - `subscribe` opens a WebSocket to the system's object and calls the listener on each `mudou`.
 *   It also calls it once when the socket is open: a transition committed between the call and the
 *   moment the object knew the socket was not signalled to it, and the read that follows sees it.
 *   A socket that fails or closes calls the listener (read again) and reconnects, waiting
 *   `retryMs` doubling to `maxRetryMs`: with the object unreachable, a waiter reads at most that
 *   often, never in a loop.
 */
export function durableObjectNotifier(
  ns: DurableObjectNamespace,
  log: Log,
  opts: { retryMs?: number; maxRetryMs?: number; signalTimeoutMs?: number } = {},
): TransitionNotifier {
  const firstRetry = opts.retryMs ?? 1000;
  const signalTimeout = opts.signalTimeoutMs ?? 5000;
  const maxRetry = opts.maxRetryMs ?? 30_000;
  // a stub per call: a stub, like any I/O object of a Worker, belongs to the request that made it
  const objectOf = (systemId: string) => ns.get(ns.idFromName(systemId));
  const failed = (event: string, systemId: string) => (e: unknown) =>
    log({ level: 'warn', event, data: { sistema: systemId, mensagem: e instanceof Error ? e.message : String(e) } });

  return {
    async notify(systemIds) {
      await Promise.all(
        [...new Set(systemIds)].map(async (id) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`o objeto de pendências não respondeu em ${signalTimeout} ms`)), signalTimeout);
          });
          try {
            const signalled = (async () => {
              const answer = await objectOf(id).fetch(PENDENCIAS_SIGNAL, { method: 'POST' });
              await answer.body?.cancel();
              if (!answer.ok) throw new Error(`o objeto de pendências respondeu ${answer.status}`);
            })();
            signalled.catch(() => undefined);
            await Promise.race([signalled, late]);
          } catch (e) {
            failed('pendencias.sinal_falhou', id)(e);
          } finally {
            clearTimeout(timer);
          }
        }),
      );
    },
    subscribe(systemId, listener) {
      let ended = false;
      let socket: EdgeWebSocket | null = null;
      let retry = firstRetry;
      let timer: ReturnType<typeof setTimeout> | null = null;
      const lost = (s: EdgeWebSocket | null) => {
        if (ended || s !== socket) return;
        socket = null;
        listener();
        timer = setTimeout(() => {
          timer = null;
          void connect();
        }, retry);
        retry = Math.min(retry * 2, maxRetry);
      };
      const connect = async () => {
        let s: EdgeWebSocket | null = null;
        try {
          const answer = await objectOf(systemId).fetch(PENDENCIAS_WAIT, { headers: { upgrade: 'websocket' } });
          s = answer.webSocket ?? null;
          if (!s) throw new Error(`o objeto de pendências respondeu ${answer.status} sem WebSocket`);
          s.accept();
        } catch (e) {
          failed('pendencias.espera_falhou', systemId)(e);
          socket = s = null;
          return lost(null);
        }
        if (ended) return s.close(1000, 'fim da espera');
        const mine = s;
        socket = mine;
        retry = firstRetry;
        mine.addEventListener('message', () => {
          if (!ended && socket === mine) listener();
        });
        mine.addEventListener('close', () => lost(mine));
        mine.addEventListener('error', () => lost(mine));
        listener();
      };
      void connect();
      return () => {
        ended = true;
        if (timer) clearTimeout(timer);
        try {
          socket?.close(1000, 'fim da espera');
        } catch {
          // already closed
        }
        socket = null;
      };
    },
  };
}
