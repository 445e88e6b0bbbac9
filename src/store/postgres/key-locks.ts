import pg from 'pg';
import type { KeyLocks } from '../index.ts';

/**
 * Locks per key across every node on one PostgreSQL database: a session-level advisory lock,
 * taken on a connection of a small pool of its own (not the store's), so that the work done
 * under the lock can use the store's pool however busy it is. The lock lives as long as that
 * session: a node that dies releases its locks with its connections.
 */
export function postgresKeyLocks(url: string, max = 4): KeyLocks & { close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max });
  // an idle connection the server dropped must not crash the process
  pool.on('error', () => undefined);
  const lockId = "hashtextextended('elo.chave:' || $1, 0)";
  return {
    async run(key, fn) {
      const c = await pool.connect();
      let broken: Error | undefined;
      // A session the server ends while held loses its lock with it (another node may then enter
      // while `fn` still runs here: the moves made under these locks are compare-and-set in the
      // database anyway); the client is discarded, never returned to the pool.
      const lost = (e: Error) => (broken = e);
      c.on('error', lost);
      try {
        await c.query(`SELECT pg_advisory_lock(${lockId})`, [key]);
        try {
          return await fn();
        } finally {
          await c.query(`SELECT pg_advisory_unlock(${lockId})`, [key]).catch((e: unknown) => {
            // a connection that cannot unlock is discarded: ending the session releases the lock
            broken = e instanceof Error ? e : new Error(String(e));
          });
        }
      } finally {
        c.off('error', lost);
        c.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
