import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { D1_MIGRATIONS_DIR } from '../../cli/workers/d1-migration-files.ts';
import { d1MigrationFiles, splitStatements } from './migrations.ts';

const schemaOf = (db: Database.Database) =>
  db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();

describe('D1 migrations', () => {
  it('keeps migrations/d1 equal to the store list, file by file (npm run d1:migracoes writes them)', () => {
    const onDisk = readdirSync(D1_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    const files = d1MigrationFiles();
    expect(onDisk).toEqual(files.map((f) => f.name));
    for (const f of files) expect(readFileSync(join(D1_MIGRATIONS_DIR, f.name), 'utf8'), f.name).toBe(f.sql);
  });

  it('names the files so that wrangler, which applies them by name, applies them in the list order', () => {
    const names = d1MigrationFiles().map((f) => f.name);
    expect([...names].sort()).toEqual(names);
  });

  it("splits each migration into statements that build the same schema as SQLite's own parser of the whole text", () => {
    const whole = new Database(':memory:');
    const split = new Database(':memory:');
    for (const f of d1MigrationFiles()) {
      whole.exec(f.sql);
      for (const s of splitStatements(f.sql)) split.prepare(s).run();
      expect(schemaOf(split), f.name).toEqual(schemaOf(whole));
    }
    whole.close();
    split.close();
  });

  it('keeps semicolons inside quotes, comments and a trigger body within their statement', () => {
    const sql = `
      -- a comment; with a semicolon
      CREATE TABLE t (a TEXT DEFAULT 'x;y', "b;c" INTEGER); /* block; comment */
      CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET a = 'it''s;'; SELECT 1;
      END;
      INSERT INTO t (a) VALUES ('--not a comment')`;
    expect(splitStatements(sql)).toEqual([
      `CREATE TABLE t (a TEXT DEFAULT 'x;y', "b;c" INTEGER)`,
      `CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n        UPDATE t SET a = 'it''s;'; SELECT 1;\n      END`,
      `INSERT INTO t (a) VALUES ('--not a comment')`,
    ]);
  });
});
