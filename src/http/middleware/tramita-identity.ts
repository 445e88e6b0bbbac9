import type { MiddlewareHandler } from 'hono';
import { routedPath } from '../routed-path.ts';
import type { AppDeps, AppEnv } from '../env.ts';

/**
 * Tramita face credential (spec §1.4): the TLS client certificate, checked on every request
 * (not per connection), so that a revoked certificate stops working at the next request.
 * `healthcheck` is open (spec §2.1).
 */
export function tramitaIdentity(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function tramitaIdentityMiddleware(c, next) {
    // exactly the healthcheck route, not any path ending like it
    if (/^\/interoperabilidade\/rest\/v[34]\/healthcheck$/.test(routedPath(c.req.raw))) return next();
    c.set('caller', await deps.services.identity.authenticate(deps.peerCertificate(c)));
    return next();
  };
}
