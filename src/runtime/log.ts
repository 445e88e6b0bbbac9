import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { Log } from '../services/deps.ts';

/** What every line logged while a request runs carries (README "Operação"). */
export interface RequestLogContext {
  requisicao: string;
}

export { scrub } from './log-scrub.ts';
import { scrub } from './log-scrub.ts';

export interface HubLog {
  /** The `Log` port the services use: one JSON line per event. */
  log: Log;
  /** Runs `fn` with the request id on every line logged inside it, however deep (async context). */
  withRequest<T>(ctx: RequestLogContext, fn: () => Promise<T>): Promise<T>;
  logger: Logger;
}

/**
 * The hub's operational log (README "Operação"): pino, one JSON line per event on stderr, with
 * `level` as a word, `at` from the hub's clock, the request id (`requisicao`) of the request in
 * progress taken from the async context, then `event` and `data`. Lines go through
 * `process.stderr.write` (not a file descriptor of its own) so nothing reorders them with
 * whatever else the process writes there.
 */
export function hubLog(clock: Clock, level: 'debug' | 'info' | 'warn' | 'error' | 'silent' = 'info'): HubLog {
  const scope = new AsyncLocalStorage<RequestLogContext>();
  const logger = pino(
    {
      level,
      base: null,
      timestamp: () => `,"at":"${clock.now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = scope.getStore();
        return ctx ? { requisicao: ctx.requisicao } : {};
      },
    },
    { write: (line: string) => void process.stderr.write(line) },
  );
  return {
    logger,
    log: (entry) => logger[entry.level]({ event: entry.event, ...(entry.data === undefined ? {} : { data: scrub(entry.data) }) }),
    withRequest: (ctx, fn) => scope.run(ctx, fn),
  };
}
