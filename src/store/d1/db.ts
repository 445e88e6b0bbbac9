/**
 * Statements and units of work on D1.
 *
 * D1 has no transaction a Worker can hold open across calls: its one atomic unit is `batch()`,
 * a list of statements run in order as one SQL transaction, all or nothing. A store method that
 * must read, decide and then write (a compare-and-set move and its follow-ups, a start under the
 * one-open-trâmite-per-NRE rule, an audit link) is therefore run as an optimistic unit of work:
 *
 *  1. `lock(keys)` reads the revision of each key the decision depends on (a trâmite `t:<idt>`, an
 *     NRE `nre:<nre>`, a counter …), before reading the data those keys cover;
 *  2. the method reads what it needs and queues its writes (`write`), deciding in TypeScript
 *     exactly as the SQLite adapter does inside its transaction;
 *  3. `commit` sends one batch: first every locked key's revision moved on from the value read
 *     (`UPDATE d1_locks … WHERE rev = ?`, whose changes() must be 1, or the key's first row),
 *     then the writes, then the audit links; a guard row that only a CHECK of 1 accepts turns a
 *     lost revision into the failure of the whole batch, which D1 rolls back.
 *
 * Every writer of a key's data moves its revision in the same batch as the data, so a unit whose
 * reads were overtaken by another writer's batch finds its revision moved and fails as a whole; it
 * is then run again from step 1 on the new state (a bounded number of times). Units of one store
 * (one isolate) take turns on their keys first (`holdLocally`), so only other isolates cause retries. This is the
 * serialisation PostgreSQL gives with `FOR UPDATE` on the same rows (postgres/tramites-postgres.ts),
 * done optimistically: the result equals some serial order of the units, as in SQLite.
 */
import { auditRowHash, type AuditChainOptions } from '../../domain/audit-chain.ts';
import type { AuditEntry } from '../index.ts';
import type { D1Database, D1PreparedStatement, D1Result, D1Value } from './d1-types.ts';

export type { D1Database };

/** A D1 database with the chain this store links its audit events into. */
export interface D1Conn {
  db: D1Database;
  audit: AuditChainOptions;
  /** This store's chain head, once read; only this store appends to its chain (see `commitAudited`). */
  head: { position: number; hash: string } | null;
  /** Commits that link audit events run one at a time in this store, in chain order. */
  linking: Promise<unknown>;
  /** Keys held by this store's running units, and what resolves when each is given back (see `lock`). */
  held: Map<string, Promise<void>>;
}

export function d1Conn(db: D1Database, audit: AuditChainOptions): D1Conn {
  return { db, audit, head: null, linking: Promise.resolve(), held: new Map() };
}

/** What a bound value may be on the way in: booleans become 0/1, undefined null. */
export type Bindable = D1Value | boolean | undefined;

const bound = (values: readonly Bindable[]): D1Value[] =>
  values.map((v) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v));

/**
 * The values of a statement written with named parameters (`@name`, as the SQLite adapter's
 * shared texts are) in the order D1 binds them: SQLite numbers named parameters by their first
 * appearance, and D1 binds by number.
 */
export function byName(sql: string, values: Record<string, Bindable>): Bindable[] {
  const names: string[] = [];
  for (const m of sql.matchAll(/@([A-Za-z_]\w*)/g)) if (!names.includes(m[1]!)) names.push(m[1]!);
  return names.map((n) => {
    if (!(n in values)) throw new Error(`D1: parâmetro @${n} sem valor`);
    return values[n];
  });
}

/**
 * D1's limits on one statement (developers.cloudflare.com/d1/platform/limits/): 100 bound
 * parameters, 100 KB of SQL text, 2 MB in a string or BLOB. Miniflare's local D1 is plain SQLite
 * and enforces none of them, so every statement of this adapter is checked here, where a test on
 * workerd fails as Cloudflare's D1 would; a statement whose size depends on the input (an IN list,
 * a multi-row insert) is chunked by its caller to stay within them.
 */
export const D1_LIMITS = { boundParameters: 100, statementBytes: 100_000, valueBytes: 2_000_000 } as const;

const utf8 = new TextEncoder();
/** Throws when a statement would pass one of D1's limits (D1_LIMITS), naming which. */
export function checkD1Limits(sql: string, values: readonly D1Value[]): void {
  const problems: string[] = [];
  if (values.length > D1_LIMITS.boundParameters) problems.push(`${values.length} parâmetros (o D1 aceita ${D1_LIMITS.boundParameters})`);
  const size = utf8.encode(sql).byteLength;
  if (size > D1_LIMITS.statementBytes) problems.push(`${size} bytes de SQL (o D1 aceita ${D1_LIMITS.statementBytes})`);
  for (const v of values) {
    const bytes = typeof v === 'string' ? utf8.encode(v).byteLength : v instanceof Uint8Array || v instanceof ArrayBuffer ? v.byteLength : 0;
    if (bytes > D1_LIMITS.valueBytes) problems.push(`um valor de ${bytes} bytes (o D1 aceita ${D1_LIMITS.valueBytes} por texto ou BLOB)`);
  }
  if (problems.length) throw new Error(`D1: comando acima dos limites do D1 — ${problems.join('; ')}: ${sql.slice(0, 120)}`);
}

export function statement(c: D1Conn, sql: string, values: readonly Bindable[] = []): D1PreparedStatement {
  const v = bound(values);
  checkD1Limits(sql, v);
  const s = c.db.prepare(sql);
  return v.length ? s.bind(...v) : s;
}

export async function all<R>(c: D1Conn, sql: string, ...values: Bindable[]): Promise<R[]> {
  return (await statement(c, sql, values).all<R>()).results;
}

export async function first<R>(c: D1Conn, sql: string, ...values: Bindable[]): Promise<R | null> {
  return statement(c, sql, values).first<R>();
}

/** Runs one writing statement on its own (atomic by itself). */
export async function run(c: D1Conn, sql: string, ...values: Bindable[]): Promise<void> {
  await statement(c, sql, values).run();
}

/**
 * Runs one writing statement on its own and tells how many rows it changed itself, read as the
 * rows of its `RETURNING 1`: D1's `meta.changes` also counts the rows its triggers changed (an
 * update of a certificate moves identity_version too, and reports 2), unlike SQLite's changes().
 */
export async function changed(c: D1Conn, sql: string, ...values: Bindable[]): Promise<number> {
  return (await statement(c, `${sql} RETURNING 1`, values).all()).results.length;
}

/** The guard's CHECK constraint name: its failure, and only its failure, is a lost revision. */
const GUARD = 'elo_d1_conflito';
/** A key's first row, inserted by two units at once: the second batch fails on the primary key. */
const LOCK_TAKEN = 'UNIQUE constraint failed: d1_locks.key';
/** A link at a position another store of the same chain took first (a stale cached head). */
const LINK_TAKEN = 'UNIQUE constraint failed: audit_events.chain, audit_events.position';

const messageOf = (e: unknown): string => {
  let m = '';
  for (let x: unknown = e; x instanceof Error; x = x.cause) m += ` ${x.message}`;
  return m;
};

/** Whether a batch failed because a revision it checked had moved (retry), not for any other reason. */
export const isConflict = (e: unknown): boolean => {
  const m = messageOf(e);
  return m.includes(GUARD) || m.includes(LOCK_TAKEN) || m.includes(LINK_TAKEN);
};

/**
 * What a queued statement returned, available once its batch committed. A count of the rows a
 * write changed is read from its own `RETURNING` (see `changed`), never from D1's meta.
 */
export interface Queued<R> {
  readonly rows: R[];
}

/** A unit of work: its reads run at once, its writes wait for the one batch of its commit. */
export interface Work {
  /** Reads the revisions of `keys` (before reading what they cover); the commit moves them on. */
  lock(...keys: string[]): Promise<void>;
  all<R>(sql: string, ...values: Bindable[]): Promise<R[]>;
  first<R>(sql: string, ...values: Bindable[]): Promise<R | null>;
  /** Queues a statement for the commit's batch; its rows and changes are read after the commit. */
  write<R = Record<string, unknown>>(sql: string, ...values: Bindable[]): Queued<R>;
  /** Queues a statement that must change exactly one row, or the whole batch fails as a conflict. */
  writeOne(sql: string, ...values: Bindable[]): Queued<never>;
  /** Queues an audit event, linked into this store's chain at the commit (ARCHITECTURE "Decisions"). */
  audit(at: string, entry: AuditEntry, idt?: number | null): void;
}

interface QueuedStatement {
  sql: string;
  values: Bindable[];
  out: { rows: unknown[] };
  guarded: boolean;
}

interface PendingAudit {
  at: string;
  kind: string;
  actor: string;
  idt: number | null;
  dataJson: string;
}

/**
 * How many times a unit of work is run before a conflict is given up on and thrown. Conflicts
 * come only from other stores on the same database (other isolates): units of one store wait for
 * each other's keys first (see `holdLocally`).
 */
const ATTEMPTS = 20;

/**
 * Runs `fn` as an optimistic unit of work (see the module comment) and returns what its result
 * function gives after the commit. `fn` returns a function so that it can read the rows of its
 * queued statements (`Queued.rows`), which exist only once the batch ran.
 */
export async function atomically<T>(c: D1Conn, fn: (w: Work) => Promise<() => T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const revs = new Map<string, number>();
    const queue: QueuedStatement[] = [];
    const audits: PendingAudit[] = [];
    const mine = new Map<string, () => void>();
    const w: Work = {
      async lock(...keys) {
        await holdLocally(c, keys, mine);
        const fresh = keys.filter((k) => !revs.has(k));
        if (fresh.length === 0) return;
        const rows = await all<{ key: string; rev: number }>(c, 'SELECT key, rev FROM d1_locks WHERE key IN (SELECT value FROM json_each(?))', JSON.stringify(fresh));
        const found = new Map(rows.map((r) => [r.key, r.rev]));
        for (const k of fresh) revs.set(k, found.get(k) ?? 0);
      },
      all: (sql, ...values) => all(c, sql, ...values),
      first: (sql, ...values) => first(c, sql, ...values),
      write<R>(sql: string, ...values: Bindable[]) {
        const q: QueuedStatement = { sql, values, out: { rows: [] }, guarded: false };
        queue.push(q);
        return q.out as Queued<R>;
      },
      writeOne(sql, ...values) {
        const q: QueuedStatement = { sql, values, out: { rows: [] }, guarded: true };
        queue.push(q);
        return q.out as Queued<never>;
      },
      audit(at, entry, idt = null) {
        audits.push({ at, kind: entry.kind, actor: entry.actor, idt: entry.idt ?? idt, dataJson: JSON.stringify(entry.data ?? {}) });
      },
    };
    try {
      const result = await fn(w);
      if (queue.length === 0 && audits.length === 0) return result();
      await commit(c, revs, queue, audits);
      return result();
    } catch (e) {
      if (!isConflict(e) || attempt >= ATTEMPTS) throw e;
    } finally {
      for (const release of mine.values()) release();
    }
    // another writer's batch came between this unit's reads and its commit: back off a little
    // (randomised, so that two units retrying together part) and decide again on the new state
    await new Promise((r) => setTimeout(r, Math.random() * 2 ** Math.min(attempt, 7)));
  }
}

/**
 * Units of one store take turns on a key before reading its revision, so that they never make each
 * other's batches fail (a store's units would otherwise conflict on every shared key, the sender's
 * of concurrent starts first). Only a unit's first `lock` waits: it holds nothing yet, so no two
 * units can wait for each other. Keys asked for later are taken when free and otherwise read
 * without waiting; the revision check still decides. Correctness never rests on this turn-taking:
 * it is the batch's revision check that does (see the module comment).
 */
async function holdLocally(c: D1Conn, keys: string[], mine: Map<string, () => void>): Promise<void> {
  const wanted = [...new Set(keys)].filter((k) => !mine.has(k));
  if (mine.size === 0) {
    for (let busy = wanted.filter((k) => c.held.has(k)); busy.length; busy = wanted.filter((k) => c.held.has(k))) await Promise.all(busy.map((k) => c.held.get(k)));
  }
  for (const k of wanted) {
    if (c.held.has(k)) continue;
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    c.held.set(k, done);
    mine.set(k, () => {
      c.held.delete(k);
      release();
    });
  }
}

/** The guard after a statement whose changes() must be 1. */
const GUARD_ROW = 'INSERT INTO d1_guard (ok) VALUES (changes())';

async function commit(c: D1Conn, revs: Map<string, number>, queue: QueuedStatement[], audits: PendingAudit[]): Promise<void> {
  const stmts: D1PreparedStatement[] = [];
  let guarded = false;
  for (const [key, rev] of revs) {
    if (rev === 0) stmts.push(statement(c, 'INSERT INTO d1_locks (key, rev) VALUES (?, 1)', [key]));
    else (stmts.push(statement(c, 'UPDATE d1_locks SET rev = rev + 1 WHERE key = ? AND rev = ?', [key, rev]), statement(c, GUARD_ROW)), (guarded = true));
  }
  /** Index of each queued statement's own result in the batch's results. */
  const at: number[] = [];
  for (const q of queue) {
    at.push(stmts.length);
    stmts.push(statement(c, q.sql, q.values));
    if (q.guarded) (stmts.push(statement(c, GUARD_ROW)), (guarded = true));
  }
  const send = async (links: D1PreparedStatement[]): Promise<D1Result[]> => {
    const batch = [...stmts, ...links];
    // the guard rows only ever live inside the batch that wrote them
    if (guarded || links.length) batch.push(statement(c, 'DELETE FROM d1_guard'));
    return c.db.batch(batch);
  };
  const results = audits.length === 0 ? await send([]) : await linked(c, audits, send);
  queue.forEach((q, i) => {
    const r = results[at[i]!]!;
    q.out.rows = r.results ?? [];
  });
}

/**
 * Audit links are computed from this store's chain head, so commits that carry audit events run
 * one at a time per store. The head is cached after the first read and moved on each success; the
 * batch still checks it (`WHERE position = ?`), so a second writer of the same chain (two stores
 * opened with one chain id) is a conflict, never a fork, and the head is then read again.
 */
async function linked(c: D1Conn, audits: PendingAudit[], send: (links: D1PreparedStatement[]) => Promise<D1Result[]>): Promise<D1Result[]> {
  const previous = c.linking;
  let release!: () => void;
  c.linking = new Promise<void>((r) => (release = r));
  await previous;
  try {
    c.head ??= (await first<{ position: number; hash: string }>(c, 'SELECT position, hash FROM audit_chains WHERE chain = ?', c.audit.chain)) ?? { position: 0, hash: '' };
    const links = linkStatements(c, c.head, audits);
    const results = await send(links.statements);
    c.head = links.head;
    return results;
  } catch (e) {
    c.head = null;
    throw e;
  } finally {
    release();
  }
}

/** The rows of `audits` as the next links after `head`, and the chain's move to the last one. */
function linkStatements(c: D1Conn, head: { position: number; hash: string }, audits: PendingAudit[]) {
  let { position, hash } = head;
  const statements: D1PreparedStatement[] = [];
  for (const a of audits) {
    const fields = { chain: c.audit.chain, position: position + 1, prevHash: hash, ...a };
    const h = auditRowHash(c.audit.sha256, fields);
    statements.push(
      statement(c, 'INSERT INTO audit_events (at, kind, actor, idt, data_json, chain, position, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        a.at,
        a.kind,
        a.actor,
        a.idt,
        a.dataJson,
        fields.chain,
        fields.position,
        fields.prevHash,
        h,
      ]),
    );
    (position = fields.position), (hash = h);
  }
  statements.push(
    statement(
      c,
      `INSERT INTO audit_chains (chain, position, hash) VALUES (?, ?, ?)
       ON CONFLICT (chain) DO UPDATE SET position = excluded.position, hash = excluded.hash WHERE audit_chains.position = ?`,
      [c.audit.chain, position, hash, head.position],
    ),
    statement(c, GUARD_ROW),
  );
  return { statements, head: { position, hash } };
}
