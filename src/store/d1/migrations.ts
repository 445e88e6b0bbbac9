/**
 * The D1 schema: the SQLite adapter's migrations, the same text (one dialect, one schema: every
 * later change lands on both), preceded by the two tables D1's units of work need (db.ts).
 *
 * On Cloudflare they are applied by `wrangler d1 migrations apply` from the files in
 * `migrations/d1/` (wrangler.toml `migrations_dir`), which `npm run d1:migracoes` writes from this
 * list and a test keeps equal to it. Tests and `wrangler dev` databases made by Elo itself are
 * migrated by `applyD1Migrations`, which records each file in wrangler's own table
 * (`d1_migrations`, by name), so either tool sees what the other applied.
 */
import { migrations as sqliteMigrations } from '../sqlite/migrations.ts';
import type { D1Database } from './d1-types.ts';

/** D1 only: the revision of each key a unit of work reads, and the guard row a CHECK refuses (db.ts). */
const D1_UNITS_OF_WORK = `
-- Optimistic units of work (src/store/d1/db.ts): each key a decision reads (a trâmite, an NRE,
-- a counter) has a revision, moved by every batch that writes what the key covers.
CREATE TABLE d1_locks (key TEXT PRIMARY KEY, rev INTEGER NOT NULL) STRICT;
-- A row of 0 here fails the whole batch: written as changes() after a statement that must
-- change exactly one row (a revision, a compare-and-set), and deleted at the batch's end.
CREATE TABLE d1_guard (ok INTEGER NOT NULL CONSTRAINT elo_d1_conflito CHECK (ok = 1)) STRICT;
`;

export interface MigrationFile {
  /** The file's name in migrations/d1/, also its row in `d1_migrations`. */
  name: string;
  sql: string;
}

/** Every D1 migration file, in the order wrangler applies them (by name). */
export function d1MigrationFiles(): MigrationFile[] {
  return [
    { name: '0000_unidades_de_trabalho_d1.sql', sql: D1_UNITS_OF_WORK.trimStart() },
    ...sqliteMigrations.map((sql, i) => ({ name: `${String(i + 1).padStart(4, '0')}_esquema_v${i + 1}.sql`, sql: `${dedent(sql)}\n` })),
  ];
}

/** The migration's text without the indentation it has inside the TypeScript list. */
const dedent = (sql: string): string => sql.trim().split('\n').map((l) => l.replace(/^  /, '')).join('\n');

/**
 * Splits a migration into its statements as wrangler does (`wrangler d1 migrations apply` sends
 * one statement per prepared query): at each `;` outside quotes, comments and a trigger's
 * BEGIN … END. Only what Elo's migrations contain is supported; a test checks, against SQLite's
 * own parser, that the statements build the same schema as the whole text.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  const push = () => {
    const s = current.trim().replace(/;$/, '').trim();
    if (s) out.push(s);
    current = '';
  };
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end - 1;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      // a doubled quote is the quote itself, inside the literal
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      current += sql.slice(i, j + 1);
      i = j;
      continue;
    }
    current += ch;
    // a trigger's body holds statements of its own: the trigger ends at END;
    if (ch === ';' && (!/^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(current) || /\bEND\s*;$/i.test(current))) push();
  }
  push();
  return out;
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

/** Names of the migration files this Elo has that the database has not applied. */
export async function pendingD1Migrations(db: D1Database): Promise<string[]> {
  await db.prepare(MIGRATIONS_TABLE).run();
  const applied = new Set((await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name));
  return d1MigrationFiles().map((f) => f.name).filter((n) => !applied.has(n));
}

/**
 * Applies pending migrations, each file in one batch with its row in `d1_migrations` (all or
 * nothing, as wrangler does), and tells which it applied.
 */
export async function applyD1Migrations(db: D1Database): Promise<string[]> {
  const pending = new Set(await pendingD1Migrations(db));
  const applied: string[] = [];
  for (const f of d1MigrationFiles()) {
    if (!pending.has(f.name)) continue;
    await db.batch([...splitStatements(f.sql).map((s) => db.prepare(s)), db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(f.name)]);
    applied.push(f.name);
  }
  return applied;
}
