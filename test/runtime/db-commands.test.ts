import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { DataDirAccessError, openDataDirStore } from '../../src/runtime/data-dir-access.ts';
import { assertOwnDatabaseFile } from '../../src/runtime/database-admin.ts';
import { migrations } from '../../src/store/sqlite/migrations.ts';

/**
 * `elo migrate` and the refusals of `elo db copy` that need no PostgreSQL server (the copy itself
 * is proven in test/postgres/db-copy.pg-test.ts).
 */
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'elo-db-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function elo(args: string[], env: Record<string, string> = {}, cwd = tempDir()) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), env, cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A data folder whose database stopped at `version` (an Elo released before the newer migrations), with one participant. */
function oldHub(version: number): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, 'elo.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (let v = 0; v < version; v++) {
    db.exec(migrations[v]!);
    // the participant as migration 1 made the table; later migrations carry it along
    if (v === 0) db.prepare(`INSERT INTO participants (id, cnpj, nome, esfera, ativo) VALUES ('p1', '00000000000191', 'Estado', 'estadual', 1)`).run();
  }
  db.pragma(`user_version = ${version}`);
  db.close();
  return { dir, file };
}

const UNREACHABLE = 'postgres://elo:segredo-do-banco@127.0.0.1:1/elo';

describe('elo migrate', () => {
  it('applies the pending migrations of the data folder SQLite file, names them, keeps the rows, and finds nothing to do the second time', async () => {
    const { dir, file } = oldHub(migrations.length - 1);
    const first = await elo(['migrate', '--json'], { ELO_DATA_DIR: dir });
    expect(first.code, first.err).toBe(0);
    const all = migrations.map((_, i) => i + 1);
    expect(JSON.parse(first.out)).toEqual({ banco: `sqlite:${file}`, aplicadas: [migrations.length], jaAplicadas: all.slice(0, -1), desconhecidas: [] });
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT id FROM participants').all()).toEqual([{ id: 'p1' }]);
    db.close();

    const second = await elo(['migrate'], { ELO_DATA_DIR: dir });
    expect(second.code, second.err).toBe(0);
    expect(second.out).toContain('Migrações aplicadas agora: nenhuma.');
    expect(second.out).toContain(`Migrações que já estavam aplicadas: 1–${migrations.length}.`);
  });

  it('migrates a file named with --banco sqlite:CAMINHO', async () => {
    const { file } = oldHub(migrations.length - 2);
    const r = await elo(['migrate', '--banco', `sqlite:${file}`]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`Migrações aplicadas agora: ${migrations.length - 1}–${migrations.length}.`);
  });

  it('runs while the hub has the database open, applying nothing twice', async () => {
    const dir = tempDir();
    const store = openDataDirStore(dir);
    try {
      await store.tokens.addToken('a'.repeat(64), 'admin', '2026-01-01T00:00:00Z', 'teste');
      const r = await elo(['migrate', '--json'], { ELO_DATA_DIR: dir });
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).aplicadas).toEqual([]);
      expect(await store.tokens.countTokens()).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('refuses a data folder without a database and creates none (a mistyped ELO_DATA_DIR must not become a new hub)', async () => {
    const dir = tempDir();
    const r = await elo(['migrate'], { ELO_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`Não há banco de dados em ${join(dir, 'elo.sqlite')}. Confira ELO_DATA_DIR (a pasta de dados do hub) ou o caminho de --banco.`);
    expect(existsSync(join(dir, 'elo.sqlite'))).toBe(false);
  });

  it('refuses a file that is not an Elo database and leaves it as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'outro.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x INTEGER)');
    db.close();
    const r = await elo(['migrate', '--banco', `sqlite:${file}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('não é um banco do Elo');
    const again = new Database(file, { readonly: true });
    expect(again.prepare(`SELECT name FROM sqlite_master`).all()).toEqual([{ name: 't' }]);
    again.close();
  });

  it('reports a database migrated by a newer Elo and exits 1', async () => {
    const { dir, file } = oldHub(migrations.length);
    const db = new Database(file);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    const r = await elo(['migrate'], { ELO_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`migrações que este Elo não conhece (${migrations.length + 1})`);
  });

  it('answers a wrong --banco with usage (exit 2), and a PostgreSQL it cannot reach without showing the password', async () => {
    const wrong = await elo(['migrate', '--banco', 'mysql://x@y/z']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('--banco deve ser sqlite:CAMINHO ou uma URL postgres://');
    const down = await elo(['migrate', '--banco', UNREACHABLE]);
    expect(down.code).toBe(1);
    expect(down.err).toContain('postgres://elo:***@127.0.0.1:1/elo');
    expect(down.err).not.toContain('segredo-do-banco');
  });
});

describe('elo db copy (refusals that need no server)', () => {
  it('asks for the target when neither --to nor ELO_DATABASE_URL name one, and for one mode at a time', async () => {
    const dir = tempDir();
    const r = await elo(['db', 'copy'], { ELO_DATA_DIR: dir });
    expect(r.code).toBe(2);
    expect(r.err).toContain('Informe o destino com --to postgres://');
    const both = await elo(['db', 'copy', '--to', UNREACHABLE, '--simular', '--verificar'], { ELO_DATA_DIR: dir });
    expect(both.code).toBe(2);
    expect(both.err).toContain('Use --simular ou --verificar, não os dois.');
    const pgSource = await elo(['db', 'copy', '--from', UNREACHABLE, '--to', UNREACHABLE]);
    expect(pgSource.code).toBe(2);
    expect(pgSource.err).toContain('--from deve ser um banco SQLite');
    const unknown = await elo(['db', 'copy', '--para', UNREACHABLE]);
    expect(unknown.code).toBe(2);
  });

  it('refuses a source that does not exist, naming it, and creates nothing', async () => {
    const dir = tempDir();
    const r = await elo(['db', 'copy', '--to', UNREACHABLE], { ELO_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`O banco de origem ${join(dir, 'elo.sqlite')} não existe.`);
    expect(existsSync(join(dir, 'elo.sqlite'))).toBe(false);
  });

  it('refuses a source that is not an Elo database', async () => {
    const dir = tempDir();
    const text = join(dir, 'notas.txt');
    writeFileSync(text, 'isto não é um banco de dados SQLite, só texto comum, com mais de cem bytes para o cabeçalho ser lido por inteiro.');
    const r = await elo(['db', 'copy', '--from', `sqlite:${text}`, '--to', UNREACHABLE]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${text} não é um banco SQLite do Elo`);
  });

  it('refuses a source with pending migrations without changing it, and tells to run elo migrate on it first', async () => {
    const { file } = oldHub(migrations.length - 1);
    const r = await elo(['db', 'copy', '--from', `sqlite:${file}`, '--to', UNREACHABLE]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('há migrações pendentes');
    expect(r.err).toContain(`elo migrate --banco sqlite:${file}`);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length - 1);
    db.close();
  });

  it('refuses a target it cannot reach without showing its password', async () => {
    const dir = tempDir();
    await openDataDirStore(dir).close();
    const r = await elo(['db', 'copy', '--to', UNREACHABLE], { ELO_DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.err).toContain('Não foi possível conectar ao PostgreSQL de destino (postgres://elo:***@127.0.0.1:1/elo)');
    expect(r.err).not.toContain('segredo-do-banco');
  });
});

describe('a SQLite file of another user', () => {
  it('is refused before it is opened: even a read-only connection creates -wal and -shm files the hub could not open', async () => {
    const dir = tempDir();
    await openDataDirStore(dir).close();
    const file = join(dir, 'elo.sqlite');
    const other = (process.getuid?.() ?? 0) + 1;
    expect(() => assertOwnDatabaseFile(file, other)).toThrow(DataDirAccessError);
    expect(() => assertOwnDatabaseFile(file, other)).toThrow(/pertence a outro usuário/);
    expect(() => assertOwnDatabaseFile(file)).not.toThrow();
  });
});
