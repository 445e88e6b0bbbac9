import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../env.ts';

/**
 * Holds one of the caller's concurrent-request slots while the handler runs (services/
 * admission.ts): a partner that opens more requests than its SEI could ever need gets a 429
 * that says so, and the other partners keep being served. Runs after the identity middleware;
 * open routes (healthcheck) have no caller and take no slot.
 */
export function systemAdmission(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function systemAdmissionMiddleware(c, next) {
    const caller = c.get('caller');
    if (!caller) return next();
    const release = deps.services.admission.enterRequest(caller.system.id);
    try {
      await next();
    } finally {
      release();
    }
  };
}
