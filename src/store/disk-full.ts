import { EloError } from '../domain/errors.ts';
import type { Store } from './index.ts';

/** The ports of a store whose methods read or write the database (not its locks or close). */
const PORTS = ['registry', 'tramites', 'audit', 'tokens', 'retention', 'onboarding', 'mappings', 'codeLists', 'codeMappings', 'capabilities', 'monitoring', 'webhooks', 'seals'] as const;
/** A port added to Store and not to PORTS fails to compile here, so no port escapes the wrapper. */
type Unlisted = Exclude<keyof Store, (typeof PORTS)[number] | 'locks' | 'close'>;
const everyPortListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyPortListed;

/**
 * The database refused a write for lack of disk space, as the catalogue's 507 (9020): the same
 * answer as a component that met a full disk (store/blobs/fs-blob-store.ts), instead of a 500.
 * The engine has rolled the transaction back, so nothing of the operation was kept; reads go on.
 */
export function databaseFull(reason: string): EloError {
  return new EloError(
    'insufficient_storage',
    'O banco de dados do hub ficou sem espaço em disco; nada desta operação foi gravado. Novos trâmites, envios e recibos falham até que a administração do hub libere espaço; consultas e downloads continuam. Tente de novo mais tarde.',
    { motivo: reason },
  );
}

/**
 * Every method of every port of `store`, with the errors `fullReason` recognises (SQLite's
 * SQLITE_FULL, PostgreSQL's 53100 disk_full) turned into `databaseFull`, whichever method met
 * them: a full disk can reach any write, and a new method is covered without remembering to
 * (a new port, by the compile-time check above).
 */
export function refusingWhenFull<S extends Store>(store: S, fullReason: (e: unknown) => string | null): S {
  const translate = (e: unknown) => {
    const reason = fullReason(e);
    return reason ? databaseFull(reason) : e;
  };
  const out = { ...store };
  for (const name of PORTS) {
    const port = store[name] as unknown as Record<string, unknown>;
    const wrapped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(port)) {
      if (typeof value !== 'function') continue;
      wrapped[key] = (...args: unknown[]) => {
        try {
          const r = (value as (...a: unknown[]) => unknown).apply(port, args);
          return r instanceof Promise ? r.catch((e: unknown) => Promise.reject(translate(e))) : r;
        } catch (e) {
          throw translate(e);
        }
      };
    }
    (out as Record<string, unknown>)[name] = Object.assign(Object.create(port) as object, wrapped);
  }
  return out;
}
