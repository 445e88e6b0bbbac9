import { auditRowHash, type AuditChainOptions } from '../../domain/audit-chain.ts';
import type { AuditCheckpoint, AuditEntry, AuditLog } from '../index.ts';
import { toChained, toCheckpoint, type ChainRow, type CheckpointRow } from '../audit-rows.ts';
import type { Db } from './open.ts';
import { AUDIT_CHAIN_SQL } from './audit-sql.ts';

/** Each database's chain settings, given by openSqliteStore before any writer is built. */
const chains = new WeakMap<Db, AuditChainOptions>();

export function setAuditChain(db: Db, opts: AuditChainOptions): void {
  chains.set(db, opts);
}

/**
 * Appends an audit event: the one statement every writer of this adapter calls, inside its own
 * transaction, so that a change and its event are written together (ARCHITECTURE "Decisions").
 * `idt` names the trâmite when the entry itself does not.
 *
 * The event is the next link of this node's chain (domain/audit-chain.ts): the head is read and
 * moved in the same transaction as the row. SQLite has one writer at a time, so nothing else can
 * move the head in between; alone (no caller's transaction) the append takes the write lock first
 * (BEGIN IMMEDIATE), so a CLI process appending while the hub runs waits instead of forking.
 */
export function auditAppender(db: Db): (at: string, a: AuditEntry, idt?: number | null) => void {
  const opts = chains.get(db);
  if (!opts) throw new Error('auditAppender: the store was opened without its audit chain settings');
  const head = db.prepare<[string], { position: number; hash: string }>('SELECT position, hash FROM audit_chains WHERE chain = ?');
  const insert = db.prepare<[string, string, string, number | null, string, string, number, string, string]>(
    'INSERT INTO audit_events (at, kind, actor, idt, data_json, chain, position, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const moveHead = db.prepare<[string, number, string]>(
    'INSERT INTO audit_chains (chain, position, hash) VALUES (?, ?, ?) ON CONFLICT (chain) DO UPDATE SET position = excluded.position, hash = excluded.hash',
  );
  const append = (at: string, a: AuditEntry, idt: number | null) => {
    const h = head.get(opts.chain) ?? { position: 0, hash: '' };
    const link = { chain: opts.chain, position: h.position + 1, prevHash: h.hash, at, kind: a.kind, actor: a.actor, idt: a.idt ?? idt, dataJson: JSON.stringify(a.data ?? {}) };
    const hash = auditRowHash(opts.sha256, link);
    insert.run(at, link.kind, link.actor, link.idt, link.dataJson, link.chain, link.position, link.prevHash, hash);
    moveHead.run(link.chain, link.position, hash);
  };
  const alone = db.transaction(append);
  return (at, a, idt = null) => {
    if (db.inTransaction) append(at, a, idt);
    else alone.immediate(at, a, idt);
  };
}

/** The chain side of the audit log: what the verifier walks and the checkpoints the hub signs. */
export function sqliteAuditChain(db: Db): Pick<AuditLog, 'chainHeads' | 'chainRows' | 'outsideChains' | 'addCheckpoint' | 'checkpoints' | 'lastPositionsOf'> {
  const s = {
    heads: db.prepare<[], { chain: string; position: number; hash: string }>(AUDIT_CHAIN_SQL.heads),
    rows: db.prepare<[string, number, number], ChainRow>(AUDIT_CHAIN_SQL.rows),
    preChain: db.prepare<[], { n: number; last: number | null }>(AUDIT_CHAIN_SQL.preChain),
    inserted: db.prepare<[], { seq: number }>(AUDIT_CHAIN_SQL.inserted),
    addCheckpoint: db.prepare<[string, number, string, string, string, string]>(AUDIT_CHAIN_SQL.addCheckpoint),
    checkpoints: db.prepare<[], CheckpointRow>(AUDIT_CHAIN_SQL.checkpoints),
    lastPositions: db.prepare<[number], { chain: string; position: number }>(AUDIT_CHAIN_SQL.lastPositions),
  };
  return {
    async chainHeads() {
      return s.heads.all();
    },
    async chainRows(chain, after, limit) {
      return s.rows.all(chain, after, limit).map(toChained);
    },
    async outsideChains() {
      const pre = s.preChain.get()!;
      return { preChain: pre.n, lastPreChainSeq: pre.last, firstInsertedSeq: s.inserted.get()?.seq ?? null };
    },
    async addCheckpoint(c: AuditCheckpoint) {
      return s.addCheckpoint.run(c.chain, c.position, c.hash, c.at, c.signature, c.chainPem).changes === 1;
    },
    async checkpoints() {
      return s.checkpoints.all().map(toCheckpoint);
    },
    async lastPositionsOf(idt) {
      return s.lastPositions.all(idt);
    },
  };
}
