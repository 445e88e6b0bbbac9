import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { maskDatabaseUrl } from '../store/copy-sqlite-to-postgres.ts';
import { createPool, migrate as migratePostgres, type MigrationReport } from '../store/postgres/db.ts';
import { migrate as migrateSqlite } from '../store/sqlite/open.ts';
import type { EloConfig } from './config.ts';
import { DataDirAccessError } from './data-dir-access.ts';
import { dataPaths } from './data-dir.ts';

/** A database named on the command line: `sqlite:CAMINHO` (or a bare path) or `postgres://…`. */
export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** A refusal of `elo migrate`, in Portuguese; nothing was changed. */
export class DatabaseAdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseAdminError';
  }
}

export function parseDatabaseTarget(value: string, cwd: string): DatabaseTarget | null {
  if (/^postgres(?:ql)?:\/\/\S+$/.test(value)) return { kind: 'postgres', url: value };
  const path = value.startsWith('sqlite:') ? value.slice('sqlite:'.length) : value;
  if (!path || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return null;
  return { kind: 'sqlite', file: resolve(cwd, path) };
}

/**
 * Refuses a SQLite file (its folder, -wal or -shm) owned by another user. Even a read-only
 * connection creates the -wal and -shm files beside a WAL database; made by root in the hub
 * user's folder, they would lock the hub out of its own database (see assertDataDirOwner).
 */
export function assertOwnDatabaseFile(file: string, uid: number | undefined = process.getuid?.()): void {
  if (uid === undefined) return;
  for (const path of [dirname(file), file, `${file}-wal`, `${file}-shm`]) {
    let owner: number;
    try {
      owner = statSync(path).uid;
    } catch {
      continue;
    }
    if (owner !== uid) {
      throw new DataDirAccessError(
        `${path} pertence a outro usuário (uid ${owner}) e este comando roda como uid ${uid}: arquivos do SQLite criados agora ficariam inacessíveis ao hub. ` +
          'Rode o comando como o dono da pasta de dados (por exemplo: sudo -u <usuário do hub> npx elo …).',
      );
    }
  }
}

/** The store the hub itself would open: ELO_DATABASE_URL, or the data folder's SQLite file. */
export const configuredDatabase = (config: Pick<EloConfig, 'dataDir' | 'databaseUrl'>): DatabaseTarget =>
  config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'sqlite', file: dataPaths(config.dataDir).database };

/** How a database is named to the operator: the file, or the URL with its password masked. */
export const describeDatabase = (t: DatabaseTarget): string => (t.kind === 'sqlite' ? `sqlite:${t.file}` : maskDatabaseUrl(t.url));

/**
 * Applies the pending schema migrations of one database, as a hub node does at start. Safe while
 * nodes run: on PostgreSQL each migration takes the migration advisory lock; on SQLite each runs
 * in an immediate transaction that re-reads the version (a running hub waits on busy_timeout).
 * A SQLite file must already exist: a mistyped path must not become a new, empty hub.
 */
export async function migrateDatabase(t: DatabaseTarget): Promise<MigrationReport> {
  if (t.kind === 'sqlite') {
    if (!existsSync(t.file) || !statSync(t.file).isFile()) {
      throw new DatabaseAdminError(`Não há banco de dados em ${t.file}. Confira ELO_DATA_DIR (a pasta de dados do hub) ou o caminho de --banco.`);
    }
    assertOwnDatabaseFile(t.file);
    let db: Database.Database | undefined;
    try {
      db = new Database(t.file, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      const version = Number(db.pragma('user_version', { simple: true }));
      const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'`).get() as { n: number };
      if (version === 0 && tables.n > 0) throw new DatabaseAdminError(`${t.file} não é um banco do Elo (tem tabelas, mas não o esquema do hub). Nada foi alterado.`);
      if (version === 0) throw new DatabaseAdminError(`${t.file} está vazio: não é um banco do Elo. Nada foi alterado.`);
      db.pragma('journal_mode = WAL');
      return migrateSqlite(db);
    } catch (e) {
      if (e instanceof DatabaseAdminError) throw e;
      throw new DatabaseAdminError(`Não foi possível migrar ${t.file}: ${e instanceof Error ? e.message : String(e)}. Confira se é o banco do hub.`);
    } finally {
      db?.close();
    }
  }
  const pool = createPool(t.url, 1);
  try {
    return await migratePostgres(pool);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split(t.url).join(maskDatabaseUrl(t.url));
    throw new DatabaseAdminError(
      `Não foi possível migrar o banco PostgreSQL ${maskDatabaseUrl(t.url)}: ${message}. ` +
        'Confira a URL, se o servidor aceita conexões deste computador e se o usuário pode criar tabelas no banco.',
    );
  } finally {
    await pool.end();
  }
}
