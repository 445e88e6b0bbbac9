import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';

/** Gives every request an id, echoed in `x-request-id`, quoted in internal-error messages. */
export function requestId(next: () => string): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, proceed) {
    const id = c.req.header('x-request-id')?.slice(0, 64) || next();
    c.set('requestId', id);
    await proceed();
    c.header('x-request-id', id);
  };
}
