import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';

/** Gives every request an id, echoed in `x-request-id`, quoted in internal-error messages. */
export function requestId(next: () => string): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, proceed) {
    const id = c.req.header('x-request-id')?.slice(0, 64) || next();
    c.set('requestId', id);
    await proceed();
    // On the response's own headers: Hono's `c.header()` after the handler wraps the finished
    // response in a new one whose body is a stream, and the Node adapter then reads that stream
    // chunk by chunk instead of writing the string it was given (a tenth of a directory search's
    // CPU). A response whose headers cannot change (one passed through from `fetch`) gets the copy.
    try {
      c.res.headers.set('x-request-id', id);
    } catch {
      c.header('x-request-id', id);
    }
  };
}
