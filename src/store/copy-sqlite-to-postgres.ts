import { maskDatabaseUrl } from './database-url.ts';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createPool, migrate as migratePostgres } from './postgres/db.ts';
import { migrations as postgresMigrations } from './postgres/migrations.ts';
import { migrations as sqliteMigrations } from './sqlite/migrations.ts';

/**
 * Moves an embedded hub (the SQLite store) to PostgreSQL with nothing lost, and proves it.
 *
 * Which tables and columns to copy is read from both databases' catalogues (sqlite_master and
 * `pragma table_info` against information_schema), never from a list kept here: a table added
 * by a migration on both sides is copied without a change to this file, and a table or column
 * only one side has stops the copy before anything is written. The one mapping the schemas
 * agree on by design: a PostgreSQL identity column the SQLite table lacks holds SQLite's rowid
 * (`tramite_components.ord`, `download_ranges.id`: the order rows were written in).
 *
 * Every row is written in ONE PostgreSQL transaction; before it commits, each table is counted and
 * hashed the same way on both sides (sha256 over its rows in primary-key order, each row as the
 * same canonical JSON: booleans as true/false, integers as decimal digits, text as JSON strings),
 * and any difference rolls the whole copy back. The source is opened read-only and read in one
 * snapshot; a write to it during the copy (a hub still running) is detected and the copy undone.
 */

/** Why a copy or a check was refused, in Portuguese for the operator; nothing was written. */
export class DatabaseCopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseCopyError';
  }
}

export type CopyMode = 'copia' | 'simulacao' | 'verificacao';

export interface TableCheck {
  tabela: string;
  origem: { linhas: number; sha256: string };
  destino: { linhas: number; sha256: string };
  igual: boolean;
}

export interface CopyReport {
  modo: CopyMode;
  origem: string;
  destino: string;
  /** Schema versions applied to the target before the copy (empty in a verification). */
  migracoesAplicadasNoDestino: number[];
  tabelas: TableCheck[];
  /** Tables whose count or hash differ; with any, nothing was committed (copy) or the pair differs (verification). */
  divergentes: string[];
  /** Whether the rows are now in the target (a copy whose checks all matched). */
  gravado: boolean;
}


type Kind = 'boolean' | 'integer' | 'text';

interface Column {
  name: string;
  kind: Kind;
  /** The SQLite expression that reads it: the column, or `rowid` for an identity column SQLite keeps as its rowid. */
  source: string;
  identity: boolean;
  /** Values come from a sequence (an identity or serial column): it must continue after the copied ones. */
  sequence: boolean;
}

interface Table {
  name: string;
  /** Sorted by name: the order of values in the canonical row. */
  columns: Column[];
  /** Primary-key columns (all columns for a table without one): the order rows are hashed in. */
  key: Column[];
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** PostgreSQL type → the kind both sides must hold; SQLite's declared type that matches it. */
const POSTGRES_KINDS: Record<string, Kind> = {
  boolean: 'boolean',
  bigint: 'integer',
  integer: 'integer',
  smallint: 'integer',
  text: 'text',
  'character varying': 'text',
};
const SQLITE_TYPE: Record<Kind, string> = { boolean: 'INTEGER', integer: 'INTEGER', text: 'TEXT' };

/** PostgreSQL's bookkeeping of applied migrations: each store keeps its own (SQLite: user_version). */
const TARGET_BOOKKEEPING = new Set(['schema_migrations']);
/**
 * Tables both stores keep for themselves, never copied: `directory_version` and `identity_version`
 * are cache keys that each store's triggers move on their own (the copy's inserts move the target's).
 */
const DERIVED = new Set(['directory_version', 'identity_version']);

function openSource(file: string): Database.Database {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new DatabaseCopyError(`O banco de origem ${file} não existe. Informe o arquivo do hub embutido com --from sqlite:CAMINHO (normalmente <ELO_DATA_DIR>/elo.sqlite).`);
  }
  let db: Database.Database | undefined;
  let version: number;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    version = Number(db.pragma('user_version', { simple: true }));
  } catch (e) {
    db?.close();
    throw new DatabaseCopyError(`${file} não é um banco SQLite do Elo (${e instanceof Error ? e.message : String(e)}). Confira o caminho de --from.`);
  }
  const hasTramites = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tramites'`).get();
  if (version === 0 || !hasTramites) {
    db.close();
    throw new DatabaseCopyError(`${file} não é um banco do Elo (não tem o esquema do hub). Confira o caminho de --from.`);
  }
  if (version < sqliteMigrations.length) {
    db.close();
    throw new DatabaseCopyError(
      `O banco de origem ${file} está na versão ${version} do esquema e este Elo está na ${sqliteMigrations.length}: há migrações pendentes. ` +
        `A cópia só lê a origem e não a altera: aplique-as antes com "elo migrate --banco sqlite:${file}" (com o hub parado ou rodando) e repita a cópia.`,
    );
  }
  if (version > sqliteMigrations.length) {
    db.close();
    throw new DatabaseCopyError(
      `O banco de origem ${file} está na versão ${version} do esquema, mais nova que a deste Elo (${sqliteMigrations.length}). Use o Elo que o migrou por último.`,
    );
  }
  db.defaultSafeIntegers(true);
  return db;
}

async function connectTarget(url: string): Promise<pg.Client> {
  // pg's default parsers keep BIGINT as a decimal string: exact, whatever its size
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new DatabaseCopyError(
      `Não foi possível conectar ao PostgreSQL de destino (${maskDatabaseUrl(url)}): ${e instanceof Error ? e.message : String(e)}. ` +
        'Confira a URL, se o servidor aceita conexões deste computador e se o banco existe (crie-o vazio com CREATE DATABASE).',
    );
  }
  return client;
}

async function targetTables(c: pg.Client): Promise<string[]> {
  const r = await c.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return r.rows.map((x) => x.table_name).filter((t) => !TARGET_BOOKKEEPING.has(t) && !DERIVED.has(t));
}

/** Tables of the target that hold rows, with a count each (the copy writes only into an empty database). */
async function nonEmptyTables(c: pg.Client, tables: string[]): Promise<{ tabela: string; linhas: number }[]> {
  const out: { tabela: string; linhas: number }[] = [];
  for (const t of tables) {
    const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${q(t)}`);
    if (Number(r.rows[0]!.n) > 0) out.push({ tabela: t, linhas: Number(r.rows[0]!.n) });
  }
  return out;
}

const notEmpty = (url: string, found: { tabela: string; linhas: number }[]) =>
  new DatabaseCopyError(
    `O banco de destino ${maskDatabaseUrl(url)} já tem dados (${found.map((f) => `${f.tabela}: ${f.linhas} linha(s)`).join(', ')}). ` +
      'A cópia só grava num banco novo e nunca mistura hubs: crie um banco vazio (CREATE DATABASE …) e repita. Nada foi alterado no destino.',
  );

async function appliedTargetVersions(c: pg.Client): Promise<number[]> {
  const exists = await c.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'`);
  if (!exists.rowCount) return [];
  return (await c.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
}

/**
 * The SQLite tables that hold data of their own: not SQLite's internal ones, and not a search
 * index (an FTS5 virtual table and its shadow tables), which is derived from a real table and
 * which PostgreSQL keeps as indexes of that table instead.
 */
export function copyableSqliteTables(db: Database.Database): string[] {
  const all = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string; sql: string }[];
  const virtual = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => t.name);
  return all.map((t) => t.name).filter((name) => !DERIVED.has(name) && !virtual.some((v) => name === v || name.startsWith(`${v}_`)));
}

/** Both catalogues, compared: the tables to copy, or a refusal naming each table and column the two schemas disagree on. */
async function readSchema(source: Database.Database, target: pg.Client): Promise<Table[]> {
  const sqliteTables = copyableSqliteTables(source);
  const pgTables = await targetTables(target);
  const problems: string[] = [];
  for (const t of sqliteTables) if (!pgTables.includes(t)) problems.push(`a tabela ${t} existe só na origem`);
  for (const t of pgTables) if (!sqliteTables.includes(t)) problems.push(`a tabela ${t} existe só no destino`);

  const pgColumns = await target.query<{ table_name: string; column_name: string; data_type: string; is_identity: string; sequence: string | null }>(
    `SELECT table_name, column_name, data_type, is_identity, pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence
       FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  const pgKeys = await target.query<{ table_name: string; column_name: string }>(
    `SELECT c.relname AS table_name, a.attname AS column_name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey::int2[])
      WHERE i.indisprimary AND n.nspname = current_schema()
      ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)`,
  );
  const tables: Table[] = [];
  for (const name of sqliteTables.filter((t) => pgTables.includes(t))) {
    const sqliteCols = new Map(
      (source.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(name) as { name: string; type: string }[]).map((c) => [c.name, c.type.toUpperCase()]),
    );
    const columns: Column[] = [];
    for (const pc of pgColumns.rows.filter((r) => r.table_name === name)) {
      const kind = POSTGRES_KINDS[pc.data_type];
      const identity = pc.is_identity === 'YES';
      const sequence = pc.sequence !== null;
      if (!kind) {
        problems.push(`a coluna ${name}.${pc.column_name} tem no destino o tipo ${pc.data_type}, que a cópia não sabe comparar`);
        continue;
      }
      const sqliteType = sqliteCols.get(pc.column_name);
      if (sqliteType === undefined) {
        // SQLite keeps the order rows were written in as the rowid; PostgreSQL as an identity column
        if (identity && kind === 'integer') columns.push({ name: pc.column_name, kind, source: 'rowid', identity, sequence });
        else problems.push(`a coluna ${name}.${pc.column_name} existe só no destino`);
        continue;
      }
      if (sqliteType !== SQLITE_TYPE[kind]) {
        problems.push(`a coluna ${name}.${pc.column_name} é ${sqliteType || 'sem tipo'} na origem e ${pc.data_type} no destino`);
        continue;
      }
      columns.push({ name: pc.column_name, kind, source: q(pc.column_name), identity, sequence });
    }
    const inTarget = new Set(pgColumns.rows.filter((r) => r.table_name === name).map((r) => r.column_name));
    for (const c of sqliteCols.keys()) if (!inTarget.has(c)) problems.push(`a coluna ${name}.${c} existe só na origem`);
    columns.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const keyNames = pgKeys.rows.filter((r) => r.table_name === name).map((r) => r.column_name);
    const key = keyNames.length ? keyNames.map((k) => columns.find((c) => c.name === k)).filter((c): c is Column => c !== undefined) : columns;
    tables.push({ name, columns, key });
  }
  if (problems.length) {
    throw new DatabaseCopyError(
      `Os esquemas da origem e do destino não coincidem: ${problems.join('; ')}. ` +
        'Os dois bancos devem estar na mesma versão do Elo (rode "elo migrate" em cada um com o mesmo Elo). Nada foi copiado.',
    );
  }
  return tables;
}

/** Tables ordered so that each comes after those its foreign keys refer to. */
async function inForeignKeyOrder(target: pg.Client, tables: Table[]): Promise<Table[]> {
  const fks = await target.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = current_schema()`,
  );
  const ordered: Table[] = [];
  // PostgreSQL's own bookkeeping is not copied: a key referring to it is satisfied already
  const placed = new Set<string>(TARGET_BOOKKEEPING);
  let rest = [...tables];
  while (rest.length) {
    const ready = rest.filter((t) => fks.rows.every((f) => f.child !== t.name || f.parent === t.name || placed.has(f.parent)));
    if (!ready.length) throw new DatabaseCopyError(`As chaves estrangeiras do destino formam um ciclo entre ${rest.map((t) => t.name).join(', ')}: a cópia não sabe em que ordem gravá-las.`);
    for (const t of ready) (ordered.push(t), placed.add(t.name));
    rest = rest.filter((t) => !placed.has(t.name));
  }
  return ordered;
}

/** One value in the canonical row: the same text for the same value on either side. */
function canonical(kind: Kind, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (kind === 'boolean') {
    if (v === true || v === 1n || v === 1) return 'true';
    if (v === false || v === 0n || v === 0) return 'false';
  } else if (kind === 'integer') {
    if (typeof v === 'bigint' || typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v))) return BigInt(v).toString();
  } else if (typeof v === 'string') return JSON.stringify(v);
  // a value of another type (possible only in a non-STRICT table) never equals a well-typed one
  return JSON.stringify(`${typeof v}:${String(v)}`);
}

/** The value to write into PostgreSQL, refusing one the target column cannot hold exactly. */
function toTarget(table: string, col: Column, v: unknown): unknown {
  if (v === null) return null;
  if (col.kind === 'boolean' && (v === 0n || v === 1n)) return v === 1n;
  if (col.kind === 'integer' && typeof v === 'bigint') return v.toString();
  if (col.kind === 'text' && typeof v === 'string') return v;
  throw new DatabaseCopyError(`A linha de ${table} tem em ${col.name} o valor ${String(v)}, que não é ${col.kind === 'boolean' ? '0 ou 1' : col.kind === 'integer' ? 'um inteiro' : 'texto'}. Nada foi copiado.`);
}

const sqliteOrder = (t: Table) => t.key.map((c) => (c.kind === 'text' ? `${c.source} COLLATE BINARY` : c.source)).join(', ');
// text compares byte by byte on both sides (COLLATE "C" is code-point order, as SQLite's BINARY on UTF-8); NULLs first, as in SQLite
const postgresOrder = (t: Table) => t.key.map((c) => `${q(c.name)}${c.kind === 'text' ? ' COLLATE "C"' : ''} NULLS FIRST`).join(', ');

function hashSource(db: Database.Database, t: Table): { linhas: number; sha256: string } {
  const h = createHash('sha256');
  let n = 0;
  const st = db.prepare(`SELECT ${t.columns.map((c) => c.source).join(', ')} FROM ${q(t.name)} ORDER BY ${sqliteOrder(t)}`).raw(true);
  for (const row of st.iterate() as Iterable<unknown[]>) {
    h.update(`[${row.map((v, i) => canonical(t.columns[i]!.kind, v)).join(',')}]\n`);
    n++;
  }
  return { linhas: n, sha256: h.digest('hex') };
}

/** Hashes a target table through a cursor (bounded memory), inside the caller's transaction. */
async function hashTarget(c: pg.Client, t: Table): Promise<{ linhas: number; sha256: string }> {
  const h = createHash('sha256');
  let n = 0;
  await c.query(`DECLARE elo_hash NO SCROLL CURSOR FOR SELECT ${t.columns.map((x) => q(x.name)).join(', ')} FROM ${q(t.name)} ORDER BY ${postgresOrder(t)}`);
  for (;;) {
    const r = await c.query({ text: 'FETCH 2000 FROM elo_hash', rowMode: 'array' });
    for (const row of r.rows as unknown[][]) h.update(`[${row.map((v, i) => canonical(t.columns[i]!.kind, v)).join(',')}]\n`);
    n += r.rows.length;
    if (r.rows.length < 2000) break;
  }
  await c.query('CLOSE elo_hash');
  return { linhas: n, sha256: h.digest('hex') };
}

/** Writes one table's rows in batches (identity values taken from the source). */
async function copyTable(db: Database.Database, c: pg.Client, t: Table): Promise<number> {
  const cols = t.columns;
  const perBatch = Math.max(1, Math.min(1000, Math.floor(60_000 / cols.length)));
  const head = `INSERT INTO ${q(t.name)} (${cols.map((x) => q(x.name)).join(', ')})${cols.some((x) => x.identity) ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES `;
  const send = async (batch: unknown[][]) => {
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${row.map((v, i) => (values.push(toTarget(t.name, cols[i]!, v)), `$${values.length}`)).join(', ')})`);
    await c.query(head + tuples.join(', '), values);
  };
  // The iterator stays open across the awaits: nothing else runs on the source connection meanwhile.
  const st = db.prepare(`SELECT ${cols.map((x) => x.source).join(', ')} FROM ${q(t.name)} ORDER BY ${sqliteOrder(t)}`).raw(true);
  let batch: unknown[][] = [];
  let n = 0;
  for (const row of st.iterate() as Iterable<unknown[]>) {
    batch.push(row);
    n++;
    if (batch.length === perBatch) (await send(batch), (batch = []));
  }
  if (batch.length) await send(batch);
  return n;
}

/**
 * Identity (and serial) columns continue after the copied values; for a SQLite AUTOINCREMENT
 * table, after the highest value it ever gave (sqlite_sequence), so an id is never reused, as
 * SQLite promised.
 */
async function advanceIdentities(db: Database.Database, c: pg.Client, tables: Table[]): Promise<void> {
  const hasSequence = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'`).get();
  const sequences = new Map(
    hasSequence ? (db.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string; seq: bigint }[]).map((r) => [r.name, r.seq]) : [],
  );
  for (const t of tables)
    for (const col of t.columns.filter((x) => x.sequence)) {
      const max = await c.query<{ m: string | null }>(`SELECT max(${q(col.name)}) AS m FROM ${q(t.name)}`);
      let next = BigInt(max.rows[0]!.m ?? 0);
      const seq = sequences.get(t.name);
      if (seq !== undefined && seq > next) next = seq;
      await c.query(`SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)`, [q(t.name), col.name, next > 0n ? next.toString() : '1', next > 0n]);
    }
}

function compare(tables: Table[], source: Map<string, TableCheck['origem']>, target: Map<string, TableCheck['destino']>): TableCheck[] {
  return tables
    .map((t) => {
      const origem = source.get(t.name)!;
      const destino = target.get(t.name)!;
      return { tabela: t.name, origem, destino, igual: origem.linhas === destino.linhas && origem.sha256 === destino.sha256 };
    })
    .sort((a, b) => (a.tabela < b.tabela ? -1 : 1));
}

/**
 * Copies the SQLite store in `sqliteFile` into the PostgreSQL database at `postgresUrl`
 * (`copia`), does the same and rolls it back (`simulacao`), or only compares a pair already
 * copied (`verificacao`). Refusals throw DatabaseCopyError; a difference found by the comparison
 * is returned in `divergentes` (the copy then committed nothing).
 */
export async function copySqliteToPostgres(input: {
  sqliteFile: string;
  postgresUrl: string;
  mode: CopyMode;
  /** Told after each table is written (a large hub takes a while), before the comparison. */
  progress?: (p: { tabela: string; linhas: number }) => void | Promise<void>;
}): Promise<CopyReport> {
  const { sqliteFile, postgresUrl, mode } = input;
  const source = openSource(sqliteFile);
  let target: pg.Client | undefined;
  try {
    target = await connectTarget(postgresUrl);
    const report: CopyReport = {
      modo: mode,
      origem: `sqlite:${sqliteFile}`,
      destino: maskDatabaseUrl(postgresUrl),
      migracoesAplicadasNoDestino: [],
      tabelas: [],
      divergentes: [],
      gravado: false,
    };
    const versions = await appliedTargetVersions(target);
    const newer = versions.filter((v) => v > postgresMigrations.length);
    if (newer.length) {
      throw new DatabaseCopyError(`O banco de destino ${report.destino} tem migrações mais novas que as deste Elo (${newer.join(', ')}). Use o Elo que o migrou por último.`);
    }
    if (mode === 'verificacao') {
      if (versions.length < postgresMigrations.length) {
        throw new DatabaseCopyError(`O banco de destino ${report.destino} não tem o esquema completo do Elo: não há cópia a verificar ali. Confira --to.`);
      }
    } else {
      // refused before the schema is created, so a database with someone's data is left exactly as it was
      const found = await nonEmptyTables(target, await targetTables(target));
      if (found.length) throw notEmpty(postgresUrl, found);
      const pool = createPool(postgresUrl, 1);
      try {
        report.migracoesAplicadasNoDestino = (await migratePostgres(pool)).applied;
      } finally {
        await pool.end();
      }
    }
    const tables = await inForeignKeyOrder(target, await readSchema(source, target));

    const before = Number(source.pragma('data_version', { simple: true }));
    source.exec('BEGIN');
    try {
      await target.query(mode === 'verificacao' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
      try {
        if (mode !== 'verificacao') {
          // no hub node may write while the copy runs, and the tables must still be empty now
          await target.query(`LOCK TABLE ${tables.map((t) => q(t.name)).join(', ')} IN EXCLUSIVE MODE`);
          const found = await nonEmptyTables(target, tables.map((t) => t.name));
          if (found.length) throw notEmpty(postgresUrl, found);
          for (const t of tables) {
            const linhas = await copyTable(source, target, t);
            await input.progress?.({ tabela: t.name, linhas });
          }
          await advanceIdentities(source, target, tables);
        }
        const sourceHashes = new Map(tables.map((t) => [t.name, hashSource(source, t)]));
        const targetHashes = new Map<string, TableCheck['destino']>();
        for (const t of tables) targetHashes.set(t.name, await hashTarget(target, t));
        report.tabelas = compare(tables, sourceHashes, targetHashes);
        report.divergentes = report.tabelas.filter((t) => !t.igual).map((t) => t.tabela);
        source.exec('COMMIT');
        if (mode !== 'verificacao' && Number(source.pragma('data_version', { simple: true })) !== before) {
          throw new DatabaseCopyError(
            `O banco de origem ${sqliteFile} foi alterado durante a cópia (o hub ainda está rodando?). Pare o hub e repita a cópia. Nada foi gravado no destino.`,
          );
        }
        if (mode === 'copia' && report.divergentes.length === 0) {
          await target.query('COMMIT');
          report.gravado = true;
        } else await target.query('ROLLBACK');
      } catch (e) {
        await target.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      if (source.inTransaction) source.exec('ROLLBACK');
    }
    return report;
  } catch (e) {
    if (e instanceof DatabaseCopyError) throw e;
    // the driver's message may quote the URL; the password never reaches the terminal
    const message = (e instanceof Error ? e.message : String(e)).split(postgresUrl).join(maskDatabaseUrl(postgresUrl));
    throw new DatabaseCopyError(`A cópia falhou e nada foi gravado no destino: ${message}`);
  } finally {
    await target?.end().catch(() => undefined);
    source.close();
  }
}

export { maskDatabaseUrl };
