/**
 * The store the tests run against, chosen by the environment: SQLite (in memory, a file for a
 * test hub) by default, PostgreSQL when ELO_TEST_DATABASE_URL names a server (`npm run test:pg`
 * starts a throwaway one), D1 in Miniflare when ELO_TEST_STORE=d1 (`npm run test:workers`). Each PostgreSQL test store or test hub gets a database of its own,
 * created fresh and dropped when closed, so tests never see each other's rows.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { openD1Store } from '../../src/store/d1/index.ts';
import { freshD1 } from './d1-databases.ts';
import type { AuditChainOptions } from '../../src/domain/audit-chain.ts';
import { nodeSha256 } from '../../src/runtime/audit-chain.ts';

/** The audit chain a test store appends to (domain/audit-chain.ts), as the runtime gives it. */
export const testAuditChain = (chain = 'teste'): AuditChainOptions => ({ chain, sha256: nodeSha256 });

export type StoreKind = 'sqlite' | 'postgres' | 'd1';

/** The server's URL for tests, or null for SQLite. */
export const testDatabaseUrl = (): string | null => process.env.ELO_TEST_DATABASE_URL || null;

/** The one store kind of this run (see the file's comment); ELO_TEST_STORE=d1 for D1 (`npm run test:workers`). */
export const testStoreKind = (): StoreKind => (process.env.ELO_TEST_STORE === 'd1' ? 'd1' : testDatabaseUrl() ? 'postgres' : 'sqlite');

let created = 0;

/** Creates an empty database on the test server; `drop` removes it (closing what is still connected). */
export async function freshDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const server = testDatabaseUrl();
  if (!server) throw new Error('ELO_TEST_DATABASE_URL não está definida');
  const name = `elo_t_${process.pid}_${++created}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestStore extends Store {
  kind: StoreKind;
  /** The PostgreSQL database's URL (another node may open it too); null on SQLite. */
  url: string | null;
  /** Raw SQL for a test's setup and checks; `?` placeholders, written in SQL both databases accept. */
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

/** Opens an empty store of this run's kind; it is closed (and its database dropped) when the test ends. */
export async function openTestStore(kind: StoreKind = testStoreKind(), opts: { chain?: string } = {}): Promise<TestStore> {
  let store: TestStore;
  if (kind === 'sqlite') {
    const s = openSqliteStore(':memory:', { audit: testAuditChain(opts.chain) });
    store = Object.assign(s, {
      kind,
      url: null,
      async sql<R>(text: string, params: unknown[] = []): Promise<R[]> {
        const st = s.db.prepare(text);
        return st.reader ? (st.all(...params) as R[]) : (st.run(...params), []);
      },
    });
  } else if (kind === 'd1') {
    const d1 = await freshD1();
    const s = openD1Store(d1.db, { audit: testAuditChain(opts.chain) });
    store = Object.assign(s, {
      kind,
      url: null,
      async sql<R>(text: string, params: unknown[] = []): Promise<R[]> {
        const st = d1.db.prepare(text);
        return (await (params.length ? st.bind(...(params as string[])) : st).all<R>()).results;
      },
      close: d1.close,
    });
  } else {
    const db = await freshDatabase();
    const s = await openPostgresStore(db.url, { maxConnections: 4, audit: testAuditChain(opts.chain) });
    let closed: Promise<void> | null = null;
    const closePool = s.close.bind(s);
    store = Object.assign(s, {
      kind,
      url: db.url,
      async sql<R>(text: string, params: unknown[] = []): Promise<R[]> {
        let n = 0;
        return (await s.pool.query(text.replace(/\?/g, () => `$${++n}`), params)).rows as R[];
      },
      close: () => (closed ??= closePool().then(() => db.drop())),
    });
  }
  onTestFinished(() => store.close());
  return store;
}

/**
 * Every row of every table of a PostgreSQL database, read synchronously (psql), in a stable order:
 * what a test hub's `snapshot()` compares before and after a refused request.
 */
export function postgresSnapshot(url: string): Record<string, unknown[]> {
  const psql = (sql: string) => execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' }).trim();
  const tables = psql(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`).split('\n').filter(Boolean);
  if (tables.length === 0) return {};
  // rows in primary-key order (audit events by seq, as SQLite's rowid gives them), whole-row text as the tie-break
  const keys = new Map(
    psql(
      `SELECT c.relname || '|' || string_agg('x.' || quote_ident(a.attname), ', ' ORDER BY array_position(i.indkey::int2[], a.attnum))
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey::int2[])
       WHERE i.indisprimary GROUP BY c.relname`,
    )
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('|') as [string, string]),
  );
  const parts = tables.map((t) => `'${t}', (SELECT coalesce(json_agg(x ORDER BY ${keys.has(t) ? `${keys.get(t)}, ` : ''}x::text), '[]'::json) FROM "${t}" x)`);
  return JSON.parse(psql(`SELECT json_build_object(${parts.join(', ')})`));
}
