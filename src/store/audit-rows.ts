import type { AuditCheckpoint, ChainedAuditRow } from './index.ts';
import type { AuditRow } from './rows.ts';

/** An audit event as both stores keep it once chained (domain/audit-chain.ts). */
export interface ChainRow extends AuditRow {
  chain: string;
  position: number;
  prev_hash: string;
  hash: string;
}

export const toChained = (r: ChainRow): ChainedAuditRow => ({
  seq: r.seq,
  at: r.at,
  kind: r.kind,
  actor: r.actor,
  idt: r.idt,
  dataJson: r.data_json,
  chain: r.chain,
  position: r.position,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** A hub-signed checkpoint row of `audit_checkpoints`, the same in both stores. */
export interface CheckpointRow {
  chain: string;
  position: number;
  hash: string;
  at: string;
  signature: string;
  chain_pem: string;
}

export const toCheckpoint = (r: CheckpointRow): AuditCheckpoint => ({ chain: r.chain, position: r.position, hash: r.hash, at: r.at, signature: r.signature, chainPem: r.chain_pem });
