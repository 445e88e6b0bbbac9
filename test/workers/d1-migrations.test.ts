import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { D1Database } from '../../src/store/d1/d1-types.ts';
import { applyD1Migrations, d1MigrationFiles, pendingD1Migrations } from '../../src/store/d1/migrations.ts';

const root = join(import.meta.dirname, '../..');
const script = 'export default { fetch() { return new Response(null, { status: 404 }) } }';
/** wrangler.toml's database_id: wrangler keeps a local D1 under a name derived from it. */
const DATABASE_ID = '00000000-0000-0000-0000-000000000000';

const schemaOf = async (db: D1Database) =>
  (
    await db
      .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY type, name")
      .all()
  ).results;

describe('the D1 schema', () => {
  it("is the same whether wrangler applies migrations/d1 (wrangler d1 migrations apply --local) or Elo's own migrator, and each sees the other's record", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elo-d1-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // wrangler reads wrangler.toml and migrations/d1 of a copy of the project's files: nothing of the project is written
    cpSync(join(root, 'wrangler.toml'), join(dir, 'wrangler.toml'));
    cpSync(join(root, 'migrations'), join(dir, 'migrations'), { recursive: true });
    execFileSync(process.execPath, [join(root, 'node_modules/wrangler/bin/wrangler.js'), 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', join(dir, 'estado')], {
      cwd: dir,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
      stdio: 'pipe',
    });
    const theirs = new Miniflare({ modules: true, script, d1Databases: { DB: DATABASE_ID }, d1Persist: join(dir, 'estado/v3/d1'), compatibilityDate: '2026-04-20' });
    const ours = new Miniflare({ modules: true, script, d1Databases: ['DB'], compatibilityDate: '2026-04-20' });
    onTestFinished(async () => {
      await theirs.dispose();
      await ours.dispose();
    });
    const applied = (await theirs.getD1Database('DB')) as unknown as D1Database;
    const mine = (await ours.getD1Database('DB')) as unknown as D1Database;
    expect(await applyD1Migrations(mine)).toEqual(d1MigrationFiles().map((f) => f.name));
    const expected = await schemaOf(mine);
    expect(expected.length).toBeGreaterThan(50);
    expect(await schemaOf(applied)).toEqual(expected);
    // wrangler's record is the one Elo reads: nothing is pending, and applying again applies nothing
    expect(await pendingD1Migrations(applied)).toEqual([]);
    expect(await applyD1Migrations(applied)).toEqual([]);
  });

  it('tells which migrations a database lacks, by name, and applies only those', async () => {
    const mf = new Miniflare({ modules: true, script, d1Databases: ['DB'], compatibilityDate: '2026-04-20' });
    onTestFinished(() => mf.dispose());
    const db = (await mf.getD1Database('DB')) as unknown as D1Database;
    const names = d1MigrationFiles().map((f) => f.name);
    expect(await pendingD1Migrations(db)).toEqual(names);
    await applyD1Migrations(db);
    await db.prepare('DELETE FROM d1_migrations WHERE name = ?').bind(names.at(-1)!).run();
    expect(await pendingD1Migrations(db)).toEqual([names.at(-1)]);
  });
});
