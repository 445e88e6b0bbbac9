import type { Context, Hono, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { ROLE_LABEL } from '../../domain/admin-roles.ts';
import { EloError } from '../../domain/errors.ts';
import type { AppDeps, AppEnv } from '../env.ts';

/** One named readiness check, as `/readyz` answers it (README "Operação"). */
export interface ReadinessAnswer {
  pronto: boolean;
  verificacoes: { nome: string; ok: boolean; detalhe: string }[];
}

/**
 * What operations need from the runtime (README "Operação"): each runtime supplies its own
 * (Node: prom-client, pino and AsyncLocalStorage in src/runtime/); without them `/readyz` and
 * `/metrics` answer 404 and requests are neither timed nor scoped.
 */
export interface OpsPorts {
  readiness(): Promise<ReadinessAnswer>;
  /** The Prometheus exposition text. */
  metricsText(): Promise<{ contentType: string; body: string }>;
  /** Whether an address may read `/metrics` (ELO_METRICS_ALLOW); absent: any address, token still required. */
  metricsAllowed?(address: string | null): boolean;
  /** Runs the rest of a request with its id on every log line written inside it. */
  withRequest?<T>(ctx: { requisicao: string }, fn: () => Promise<T>): Promise<T>;
  /** Starts a stopwatch; the function it returns gives the seconds since. */
  stopwatch?(): () => number;
}

/** Methods logged by name; anything else a client invents is logged as 'outro'. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template that answered (Hono's matched route path, e.g.
 * `/interoperabilidade/rest/v3/tramites/:idt{[0-9]+}`), never the raw URL: a bounded set, so
 * neither metrics labels nor log lines grow with what clients put in paths.
 */
export function routeTemplate(c: Context): string {
  try {
    return routePath(c, -1) || '*';
  } catch {
    return '*';
  }
}

/**
 * One log line per request (method, route template, status, duration, the calling system when
 * known) and its count and duration in the metrics; every line logged while the request runs
 * carries its id (`requisicao`) through the runtime's async context.
 */
export function observeRequests(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function observeRequestsMiddleware(c, next) {
    const elapsed = deps.ops?.stopwatch?.() ?? (() => 0);
    const run = async () => {
      await next();
      const seconds = elapsed();
      const rota = routeTemplate(c);
      const metodo = METHODS.has(c.req.method) ? c.req.method : 'outro';
      const status = c.res.status;
      deps.services.metrics.httpRequest(rota, metodo, status, seconds);
      const caller = c.get('caller');
      deps.services.log({
        level: status >= 500 ? 'error' : 'info',
        event: 'http.requisicao',
        data: { metodo, rota, status, duracaoMs: Math.round(seconds * 1000), ...(caller ? { sistema: caller.system.id } : {}) },
      });
    };
    const ctx = { requisicao: c.get('requestId') };
    await (deps.ops?.withRequest ? deps.ops.withRequest(ctx, run) : run());
  };
}

/** `/readyz` and `/metrics` (README "Operação"). */
export function registerOps(app: Hono<AppEnv>, deps: AppDeps): void {
  const ops = deps.ops;
  const absent = (c: Context) => new EloError('not_found', `Recurso não encontrado: ${c.req.method} ${c.req.path}. Este hub não expõe operação.`);

  // Open like /healthz: a load balancer asks it. 200 when every check passes, 503 otherwise.
  app.get('/readyz', async (c) => {
    if (!ops) throw absent(c);
    const answer = await ops.readiness();
    return c.json(answer, answer.pronto ? 200 : 503, { 'cache-control': 'no-store' });
  });

  // A monitor or administrator token always; the address list (ELO_METRICS_ALLOW) only narrows,
  // and is checked first, so a token is never even looked at from an address outside it.
  app.get('/metrics', async (c) => {
    if (!ops) throw absent(c);
    const address = deps.peerAddress?.(c) ?? null;
    if (ops.metricsAllowed && !ops.metricsAllowed(address)) {
      throw new EloError(
        'not_authorised',
        `O endereço ${address ?? 'desconhecido'} não está entre os que podem ler /metrics (ELO_METRICS_ALLOW). Leia as métricas de um endereço da lista ou peça para incluí-lo.`,
      );
    }
    const who = await deps.services.identity.authenticateToken(c.req.header('authorization'), address ?? undefined);
    if (who.role !== 'admin' && who.role !== 'monitor') {
      throw new EloError(
        'not_authorised',
        `O token "${who.label}" é de ${ROLE_LABEL[who.role]}: /metrics pede um token de ${ROLE_LABEL.monitor} ou ${ROLE_LABEL.admin}.`,
        { papel: who.role, papeisAceitos: ['monitor', 'admin'] },
      );
    }
    const { contentType, body } = await ops.metricsText();
    return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
  });
}
