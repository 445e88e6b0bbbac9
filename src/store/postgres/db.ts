import pg from 'pg';
import { migrations } from './migrations.ts';

/** A connection of the pool or the pool itself: what a statement runs on. */
export type Conn = pg.Pool | pg.PoolClient;

/**
 * A parameterised statement with its row type. It carries a name, so pg prepares it once per
 * connection (the protocol's named prepared statements) and only binds values afterwards.
 */
export interface Stmt<P extends unknown[], R> {
  readonly name: string;
  readonly text: string;
  /** Phantom types: the parameters and the row. */
  readonly _types?: (p: P) => R;
}

let statements = 0;
const names = new Map<string, string>();

/** Declares a statement once (the same text always gets the same name). */
export function stmt<P extends unknown[], R = Record<string, never>>(text: string): Stmt<P, R> {
  let name = names.get(text);
  if (!name) names.set(text, (name = `elo_${++statements}`));
  return { name, text };
}

export async function rows<P extends unknown[], R>(c: Conn, s: Stmt<P, R>, ...values: P): Promise<R[]> {
  const r = await c.query<R & pg.QueryResultRow>({ name: s.name, text: s.text, values });
  return r.rows;
}

export async function one<P extends unknown[], R>(c: Conn, s: Stmt<P, R>, ...values: P): Promise<R | null> {
  return (await rows(c, s, ...values))[0] ?? null;
}

/** Runs a writing statement and tells how many rows it touched. */
export async function run<P extends unknown[], R>(c: Conn, s: Stmt<P, R>, ...values: P): Promise<number> {
  const r = await c.query<pg.QueryResultRow>({ name: s.name, text: s.text, values: values as unknown[] });
  return r.rowCount ?? 0;
}

/** SQLSTATE of a PostgreSQL error, if it is one. */
export const pgCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

/** unique_violation: the database refused a second row where a unique index allows one (spec §5.4). */
export const UNIQUE_VIOLATION = '23505';
/** serialization_failure and deadlock_detected: the transaction may simply be run again. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * One transaction at READ COMMITTED. Every transaction that writes a trâmite first locks its row
 * (`FOR UPDATE`, in idt order), so the count checks of a move's condition see every write committed
 * before it; moves are compare-and-set updates (`WHERE situacao = ANY(from)`), which PostgreSQL
 * re-checks on the newest row version after waiting for a concurrent writer. A deadlock or
 * serialization failure is retried a bounded number of times; anything else rolls back and throws.
 */
export async function tx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const c = await pool.connect();
    let broken: Error | undefined;
    try {
      await c.query('BEGIN');
      open.set(c, { pool, beforeCommit: [] });
      const out = await fn(c);
      for (const hook of open.get(c)!.beforeCommit) await hook();
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch((err: unknown) => (broken = err instanceof Error ? err : new Error(String(err))));
      if (attempt < 5 && RETRYABLE.has(pgCode(e) ?? '')) continue;
      throw e;
    } finally {
      open.delete(c);
      c.release(broken);
    }
  }
}

/** The transactions `tx` has open: their pool and what runs just before their COMMIT. */
const open = new WeakMap<pg.PoolClient, { pool: pg.Pool; beforeCommit: (() => Promise<void>)[] }>();

/** The transaction `c` belongs to (null: `c` is a pool, or a client outside `tx`). */
export function openTransaction(c: Conn): { pool: pg.Pool; beforeCommit: (() => Promise<void>)[] } | null {
  return c instanceof pg.Pool ? null : (open.get(c as pg.PoolClient) ?? null);
}

/** Returns BIGINT (ids, sizes, counts) as numbers: every value Elo stores is below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types });
  // an idle connection that the server dropped must not crash the process
  pool.on('error', () => undefined);
  return pool;
}

/** Any 64-bit number: the advisory lock that serialises migrations of the same database. */
const MIGRATION_LOCK = 0x456c6f4d; // "EloM"

/**
 * Applies pending migrations, each in its own transaction, under a transaction-scoped advisory
 * lock: several nodes starting together against one database apply each migration once (a node
 * that waited finds it recorded in `schema_migrations` and skips it).
 */
export async function migrate(pool: pg.Pool): Promise<MigrationReport> {
  const report: MigrationReport = { applied: [], present: [], unknown: [] };
  // Created under the same lock: two nodes running CREATE TABLE IF NOT EXISTS at once can both
  // miss the table and one then fails on the catalogue ("type … already exists", 42710/23505).
  await tx(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  });
  for (let v = 1; v <= migrations.length; v++) {
    await tx(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await c.query('SELECT 1 FROM schema_migrations WHERE version = $1', [v]);
      if (done.rowCount) return void report.present.push(v);
      await c.query(migrations[v - 1]!);
      await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now()::text)', [v]);
      report.applied.push(v);
    });
  }
  const newer = await pool.query<{ version: number }>('SELECT version FROM schema_migrations WHERE version > $1 ORDER BY version', [migrations.length]);
  report.unknown.push(...newer.rows.map((r) => r.version));
  return report;
}

/** Which schema versions a migration run applied and which were there already (`elo migrate`). */
export interface MigrationReport {
  applied: number[];
  present: number[];
  /** Versions the database has that this Elo does not know (it was migrated by a newer Elo). */
  unknown: number[];
}
