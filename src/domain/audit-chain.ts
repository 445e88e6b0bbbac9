/**
 * The tamper-evident audit log (issue 11 §7): every audit event is a link of a hash chain, and
 * the hub signs checkpoints of each chain's head. This module defines the bytes that are hashed
 * and signed, so that every store (SQLite, PostgreSQL, later D1) and the offline verifier compute
 * the same thing in TypeScript. Pure: the SHA-256 function is passed in.
 *
 * Encoding of a row (version 1): the ASCII tag `elo.auditoria.v1` followed by eight netstrings
 * (`<byte length in decimal>:<UTF-8 bytes>,`, D. J. Bernstein's netstrings), in this order:
 *
 *   chain, position (decimal), previous hash (lower-case hex; empty for position 1), at (the
 *   stored ISO text), kind, actor, idt (decimal; empty when null), data (the stored JSON text)
 *
 * Each field is length-prefixed, so no choice of values can make two different rows encode
 * alike (an actor `a,b` cannot borrow bytes from the next field). The data is hashed as the
 * exact JSON text stored, never re-serialised (ARCHITECTURE "Byte stability"). The row's hash is
 * the lower-case hex SHA-256 of that encoding.
 *
 * Encoding of a checkpoint (version 1): the tag `elo.auditoria.ponto.v1` followed by the
 * netstrings of chain, position, hash and at. The hub signs these bytes (RSA-SHA256).
 */

/** A synchronous SHA-256 (runtime passes node:crypto's; the offline verifier the same). */
export type Sha256 = (bytes: Uint8Array) => Uint8Array;

/** How a store links its audit events: which chain this node appends to, and the hash function. */
export interface AuditChainOptions {
  /** This node's chain (ELO_NODE_ID): several nodes append to their own chains without waiting on each other. */
  chain: string;
  sha256: Sha256;
}

/** A chain id: what ELO_NODE_ID may be. */
export const CHAIN_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The fields of an audit row that its hash covers. */
export interface AuditLinkFields {
  chain: string;
  position: number;
  /** The hash of the previous row of the chain; '' for the first. */
  prevHash: string;
  at: string;
  kind: string;
  actor: string;
  idt: number | null;
  /** The data as stored (JSON text). */
  dataJson: string;
}

/** A checkpoint's signed fields: the chain's head at `at`. */
export interface CheckpointFields {
  chain: string;
  position: number;
  hash: string;
  at: string;
}

const encoder = new TextEncoder();

function netstrings(tag: string, fields: string[]): Uint8Array {
  const parts = [encoder.encode(tag)];
  for (const f of fields) {
    const bytes = encoder.encode(f);
    parts.push(encoder.encode(`${bytes.length}:`), bytes, encoder.encode(','));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

/** The bytes a row's hash is computed over (see the module comment). */
export const auditRowBytes = (r: AuditLinkFields): Uint8Array =>
  netstrings('elo.auditoria.v1', [r.chain, String(r.position), r.prevHash, r.at, r.kind, r.actor, r.idt === null ? '' : String(r.idt), r.dataJson]);

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** The row's hash: lower-case hex SHA-256 of its encoding. */
export const auditRowHash = (sha256: Sha256, r: AuditLinkFields): string => toHex(sha256(auditRowBytes(r)));

/** The bytes the hub signs for a checkpoint (see the module comment). */
export const checkpointBytes = (c: CheckpointFields): Uint8Array =>
  netstrings('elo.auditoria.ponto.v1', [c.chain, String(c.position), c.hash, c.at]);
