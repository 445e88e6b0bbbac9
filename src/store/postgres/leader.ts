import pg from 'pg';

/** The advisory lock the sweeping node holds ("EloS"): one per database. */
const SWEEP_LOCK = 0x456c6f53;

/**
 * Which of several hub nodes sharing one database runs the periodic sweep (auto-cancellation,
 * retention, certificate warnings): the one holding a session-level advisory lock on a connection
 * of its own. The lock is held for as long as that connection lives; when the node stops or its
 * connection breaks, PostgreSQL releases it and another node takes it at its next tick. The moves
 * the sweep makes are compare-and-set anyway: a second sweeper could only repeat warnings.
 */
export function postgresSweepLeader(url: string): {
  isLeader(): Promise<boolean>;
  /** Whether some session (this node's or another's) holds the sweep lock now (`/readyz`). */
  heldBySomeone(): Promise<boolean>;
  close(): Promise<void>;
} {
  let client: pg.Client | null = null;
  let leading = false;
  let closed = false;
  const drop = () => {
    const c = client;
    client = null;
    leading = false;
    void c?.end().catch(() => undefined);
  };
  return {
    async isLeader() {
      if (closed) return false;
      if (leading && client) return true;
      try {
        if (!client) {
          const c = new pg.Client({ connectionString: url });
          // a broken connection has lost the lock with it: try again at the next tick
          c.on('error', drop);
          c.on('end', () => {
            if (client === c) drop();
          });
          await c.connect();
          client = c;
        }
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SWEEP_LOCK]);
        leading = r.rows[0]?.ok === true;
        return leading;
      } catch {
        drop();
        return false;
      }
    },
    async heldBySomeone() {
      if (leading && client) return true;
      // a short connection of its own: the leader's may be broken, and reading pg_locks takes no lock
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => undefined);
      try {
        await c.connect();
        const r = await c.query<{ held: boolean }>(
          "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid::bigint = 0 AND objid::bigint = $1 AND objsubid = 1 AND granted) AS held",
          [SWEEP_LOCK],
        );
        return r.rows[0]?.held === true;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    async close() {
      closed = true;
      const c = client;
      client = null;
      leading = false;
      await c?.end().catch(() => undefined);
    },
  };
}

/**
 * Runs `fn` while holding a session-level advisory lock named `name` on a connection of its own
 * (not the pool's, so `fn` may use the pool however small it is): what several nodes must not do
 * at the same moment, such as preparing a shared data folder on first start.
 */
export async function withPostgresLock<T>(url: string, name: string, fn: () => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    await c.query("SELECT pg_advisory_lock(hashtextextended('elo.' || $1, 0))", [name]);
    return await fn();
  } finally {
    // ending the session releases the lock, also when fn failed
    await c.end().catch(() => undefined);
  }
}
