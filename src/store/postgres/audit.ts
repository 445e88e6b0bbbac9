import { toChained, toCheckpoint, type ChainRow, type CheckpointRow } from '../audit-rows.ts';
import type pg from 'pg';
import { auditRowHash, type AuditChainOptions, type AuditLinkFields } from '../../domain/audit-chain.ts';
import type { AuditEntry, AuditLog } from '../index.ts';
import { one, openTransaction, rows, run, stmt, tx, type Conn } from './db.ts';

/** Each pool's chain settings, given by openPostgresStore. */
const chains = new WeakMap<pg.Pool, AuditChainOptions>();

export function setAuditChain(pool: pg.Pool, opts: AuditChainOptions): void {
  chains.set(pool, opts);
}

type Pending = Omit<AuditLinkFields, 'chain' | 'position' | 'prevHash'>;

/** Events appended in each open transaction, linked just before it commits. */
const pending = new WeakMap<object, Pending[]>();

/**
 * Locks the chain's head row (creating it at position 0) and reads it: INSERT … ON CONFLICT DO
 * UPDATE takes the row lock even when the row exists, and returns the newest committed head after
 * waiting for another transaction that held it. Held until COMMIT, it serialises the appends of one
 * chain; another chain's head is another row, so different nodes never wait on each other.
 */
const lockHead = stmt<[string], { position: number; hash: string }>(
  `INSERT INTO audit_chains (chain, position, hash) VALUES ($1, 0, '') ON CONFLICT (chain) DO UPDATE SET chain = excluded.chain RETURNING position, hash`,
);
/** The linked rows and the head's move, in one statement. */
const insertLinks = stmt<[string, string[], string[], string[], (number | null)[], string[], number[], string[], string[], number, string]>(
  `WITH ins AS (
     INSERT INTO audit_events (chain, at, kind, actor, idt, data_json, position, prev_hash, hash)
     SELECT $1, u.at, u.kind, u.actor, u.idt, u.data_json, u.position, u.prev_hash, u.hash
     FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::bigint[], $8::text[], $9::text[]) WITH ORDINALITY
       AS u(at, kind, actor, idt, data_json, position, prev_hash, hash, n)
     ORDER BY u.n
   )
   UPDATE audit_chains SET position = $10, hash = $11 WHERE chain = $1`,
);

/**
 * Appends an audit event on `c`: the one call every writer of this adapter makes, inside its own
 * transaction, so that a change and its event commit together (ARCHITECTURE "Decisions").
 * `idt` names the trâmite when the entry itself does not.
 *
 * The event becomes the next link of this node's chain (domain/audit-chain.ts) just before the
 * transaction commits: the head is locked last, after every row the transaction locks for its
 * change, so the chain's lock is held only for the commit and never takes part in a deadlock
 * with the trâmite locks. On the pool itself (no transaction) the event gets a transaction of its own.
 */
export async function appendAudit(c: Conn, at: string, a: AuditEntry, idt: number | null = null): Promise<void> {
  const t = openTransaction(c);
  if (!t) return tx(c as pg.Pool, (client) => appendAudit(client, at, a, idt));
  let events = pending.get(t);
  if (!events) {
    const list: Pending[] = (events = []);
    pending.set(t, list);
    t.beforeCommit.push(() => link(c, t.pool, list));
  }
  events.push({ at, kind: a.kind, actor: a.actor, idt: a.idt ?? idt, dataJson: JSON.stringify(a.data ?? {}) });
}

async function link(c: Conn, pool: pg.Pool, events: Pending[]): Promise<void> {
  const opts = chains.get(pool);
  if (!opts) throw new Error('appendAudit: the store was opened without its audit chain settings');
  const head = (await one(c, lockHead, opts.chain))!;
  let { position, hash } = head;
  const cols = { at: [] as string[], kind: [] as string[], actor: [] as string[], idt: [] as (number | null)[], data: [] as string[], position: [] as number[], prev: [] as string[], hash: [] as string[] };
  for (const e of events) {
    const fields = { ...e, chain: opts.chain, position: position + 1, prevHash: hash };
    const h = auditRowHash(opts.sha256, fields);
    cols.at.push(e.at), cols.kind.push(e.kind), cols.actor.push(e.actor), cols.idt.push(e.idt), cols.data.push(e.dataJson);
    cols.position.push(fields.position), cols.prev.push(hash), cols.hash.push(h);
    (position = fields.position), (hash = h);
  }
  await run(c, insertLinks, opts.chain, cols.at, cols.kind, cols.actor, cols.idt, cols.data, cols.position, cols.prev, cols.hash, position, hash);
}

const s = {
  heads: stmt<[], { chain: string; position: number; hash: string }>('SELECT chain, position, hash FROM audit_chains ORDER BY chain'),
  rows: stmt<[string, number, number], ChainRow>('SELECT * FROM audit_events WHERE chain = $1 AND position > $2 ORDER BY position, seq LIMIT $3'),
  preChain: stmt<[], { n: number; last: number | null }>(
    'SELECT count(*) AS n, max(seq) AS last FROM audit_events WHERE chain IS NULL AND seq < coalesce((SELECT min(seq) FROM audit_events WHERE chain IS NOT NULL), 9223372036854775807)',
  ),
  inserted: stmt<[], { seq: number }>(
    'SELECT seq FROM audit_events WHERE chain IS NULL AND seq > (SELECT min(seq) FROM audit_events WHERE chain IS NOT NULL) ORDER BY seq LIMIT 1',
  ),
  addCheckpoint: stmt<[string, number, string, string, string, string]>(
    'INSERT INTO audit_checkpoints (chain, position, hash, at, signature, chain_pem) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
  ),
  checkpoints: stmt<[], CheckpointRow>(
    'SELECT * FROM audit_checkpoints ORDER BY chain, position',
  ),
  lastPositions: stmt<[number], { chain: string; position: number }>(
    'SELECT chain, max(position) AS position FROM audit_events WHERE idt = $1 AND chain IS NOT NULL GROUP BY chain ORDER BY max(seq) DESC',
  ),
};

/** The chain side of the audit log: what the verifier walks and the checkpoints the hub signs. */
export function postgresAuditChain(pool: pg.Pool): Pick<AuditLog, 'chainHeads' | 'chainRows' | 'outsideChains' | 'addCheckpoint' | 'checkpoints' | 'lastPositionsOf'> {
  return {
    chainHeads: () => rows(pool, s.heads),
    async chainRows(chain, after, limit) {
      return (await rows(pool, s.rows, chain, after, limit)).map(toChained);
    },
    async outsideChains() {
      const pre = (await one(pool, s.preChain))!;
      return { preChain: pre.n, lastPreChainSeq: pre.last, firstInsertedSeq: (await one(pool, s.inserted))?.seq ?? null };
    },
    async addCheckpoint(c) {
      return (await run(pool, s.addCheckpoint, c.chain, c.position, c.hash, c.at, c.signature, c.chainPem)) === 1;
    },
    async checkpoints() {
      return (await rows(pool, s.checkpoints)).map(toCheckpoint);
    },
    lastPositionsOf: (idt) => rows(pool, s.lastPositions, idt),
  };
}
