/**
 * `npm run d1:migracoes`: writes migrations/d1/ from the store's migration list (store/d1/migrations.ts),
 * the files `wrangler d1 migrations apply` reads (wrangler.toml `migrations_dir`). A released
 * file is never edited: a schema change is a new migration in the list, hence a new file here.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { d1MigrationFiles } from '../../store/d1/migrations.ts';

export const D1_MIGRATIONS_DIR = join(import.meta.dirname, '../../../migrations/d1');

export function writeD1MigrationFiles(dir = D1_MIGRATIONS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const files = d1MigrationFiles();
  const names = new Set(files.map((f) => f.name));
  for (const old of readdirSync(dir)) if (old.endsWith('.sql') && !names.has(old)) rmSync(join(dir, old));
  for (const f of files) writeFileSync(join(dir, f.name), f.sql);
  return files.map((f) => f.name);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const names = writeD1MigrationFiles();
  console.log(`${names.length} migrações D1 escritas em migrations/d1/`);
}
