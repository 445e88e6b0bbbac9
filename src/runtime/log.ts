import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type Logger } from 'pino';
import type { Clock } from '../domain/clock.ts';
import type { Log } from '../services/deps.ts';

/** What every line logged while a request runs carries (README "Operação"). */
export interface RequestLogContext {
  requisicao: string;
}

/** Keys whose values never reach a log line, whatever event carries them. */
const SECRET_KEY = /^(authorization|token|tokens|senha|password|segredo|secret|chave(privada)?|privatekey|pem|certificadopem|cpf|conteudo|documento)$/i;
/** A PEM block (certificate or key) or a bearer credential inside any string. */
const PEM = /-{5}BEGIN [A-Z0-9 ]+-{5}[\s\S]*?(?:-{5}END [A-Z0-9 ]+-{5}|$)/g;
const BEARER = /\bBearer\s+\S+/gi;
/** A punctuated CPF inside free text (a bare CPF is caught by its key, `cpf`). */
const CPF = /\b\d{3}\.\d{3}\.\d{3}-\d{2}\b/g;

/**
 * Scrubs what must never be logged (tokens, PEM, CPF, document content) from an event's data,
 * wherever a future event might put it: values under secret-looking keys are replaced, PEM
 * blocks, bearer credentials and CPFs inside strings are masked. Depth and width are bounded.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(PEM, '[pem omitido]').replace(BEARER, 'Bearer [omitido]').replace(CPF, '[cpf omitido]');
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[omitido: profundo demais]';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 100)) out[k] = SECRET_KEY.test(k) ? '[omitido]' : scrub(v, depth + 1);
  return out;
}

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
