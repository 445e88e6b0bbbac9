/**
 * The handlers of Elo's Worker (index.ts exports them; a test entry builds them with its clock):
 * the hub built once per isolate on the Worker's bindings (edge-hub.ts), and the answer of a
 * Worker that cannot start.
 */
import { isEloError } from '../../domain/errors.ts';
import { ConfigError } from '../config-schema.ts';
import { openEdgeHub, type EdgeHub } from './edge-hub.ts';
import type { WorkerEnv } from './env.ts';
import { edgeLog } from './edge-log.ts';

/** The log before the configuration (and its level) could be read. */
const startLog = edgeLog('info', () => new Date());

export interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * A Worker that cannot start says why, in Portuguese, to whoever calls it (as the Node hub does on
 * its terminal): a missing secret, binding or migration, or a bad variable, each named.
 */
function cannotStart(e: unknown): Response {
  const mensagem =
    e instanceof ConfigError ? `Configuração inválida do Worker: ${e.problems.join('; ')}` : isEloError(e) ? e.message : 'O hub não pôde iniciar; veja o log do Worker (wrangler tail).';
  startLog({ level: 'error', event: 'worker.inicio_falhou', data: { mensagem: e instanceof Error ? e.message : String(e) } });
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Hub indisponível', status: 503, code: 'unavailable', codigoErro: '9998', detail: mensagem, mensagem }), {
    status: 503,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', 'retry-after': '30' },
  });
}

/**
 * Elo's Worker: the isolate's hub, built at its first event (a failed build is tried again at
 * the next), answering requests and the Cron Trigger. `now` is the hub's clock, the runtime's
 * own unless a test entry gives another, as the Node hub's composition root takes one.
 */
export function eloWorker(opts: { now?: () => Date } = {}) {
  let hub: Promise<EdgeHub> | null = null;
  const hubOf = (env: WorkerEnv): Promise<EdgeHub> => {
    hub ??= openEdgeHub(env, opts).catch((e: unknown) => {
      hub = null;
      throw e;
    });
    return hub;
  };
  return {
    hubOf,
    async fetch(request: Request, env: WorkerEnv, ctx?: ExecutionContext): Promise<Response> {
      let h: EdgeHub;
      try {
        h = await hubOf(env);
      } catch (e) {
        return cannotStart(e);
      }
      return h.fetch(request, ctx);
    },
    async scheduled(_controller: unknown, env: WorkerEnv, ctx: ExecutionContext): Promise<void> {
      ctx.waitUntil(hubOf(env).then((h) => h.sweep()));
    },
  };
}
