import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';

export type Db = Database.Database;

/**
 * Opens (creating if needed) a SQLite database in WAL mode and applies pending migrations.
 * `busy_timeout` lets a second process (the CLI while the hub runs) wait instead of failing.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Durable before acknowledged: an IDT, an accepted component or a receipt is answered only after
  // its commit is on disk. In WAL mode `synchronous = NORMAL` syncs the WAL only at checkpoints, so
  // "a transaction committed in WAL mode with synchronous=NORMAL might roll back following a power
  // loss"; `FULL` syncs the WAL at every commit ("WAL mode with synchronous=FULL" is durable).
  // https://www.sqlite.org/pragma.html#pragma_synchronous and https://www.sqlite.org/wal.html
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // SQLite's page cache defaults to 2 MiB per connection; a national directory's search index is
  // some hundreds of MiB, and each search then re-reads its hot pages from the OS. 64 MiB took
  // the directory searches of bench/registry.ts from 0.50 to 0.43 ms on average (the store alone,
  // 1,000,000 units). It is a ceiling, filled only as pages are read: a small federation's hub
  // stays as small as before.
  db.pragma('cache_size = -65536');
  migrate(db);
  return db;
}

/** Which schema versions a migration run applied and which were there already (`elo migrate`). */
export interface MigrationReport {
  applied: number[];
  present: number[];
  /** Versions the database has that this Elo does not know (it was migrated by a newer Elo). */
  unknown: number[];
}

export function migrate(db: Db): MigrationReport {
  const report: MigrationReport = { applied: [], present: [], unknown: [] };
  const version = () => Number(db.pragma('user_version', { simple: true }));
  const upToDate = version() >= migrations.length;
  for (let v = 1; v <= migrations.length; v++) {
    // read again under the write lock, so two processes migrating together never apply one twice
    const done = upToDate || db.transaction(() => {
      if (version() >= v) return true;
      db.exec(migrations[v - 1]!);
      db.pragma(`user_version = ${v}`);
      return false;
    }).immediate();
    (done ? report.present : report.applied).push(v);
  }
  for (let v = migrations.length + 1, current = version(); v <= current; v++) report.unknown.push(v);
  return report;
}
