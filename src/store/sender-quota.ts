import type { CreateResult, NewTramite } from './index.ts';

/** What the sender's trâmites in the quota's situações hold: each requested hash and each stored body once. */
export interface QuotaUse {
  hashes: { hash: string; size: number }[];
  bodies: { k: string; s: number }[];
}

/**
 * The sender quota's verdict on a new trâmite, the same in every store: bytes in use (each
 * requested hash and stored body once, as the blob store keeps identical bytes once) plus what the
 * new trâmite adds; null when it fits. `bodySize` is the new trâmite's body size (metadataSizeOf).
 */
export function quotaVerdict(t: NewTramite, use: QuotaUse, bodySize: number): Extract<CreateResult, { reason: 'quota_exceeded' }> | null {
  const maxBytes = t.quota!.maxBytes;
  const held = new Set(use.hashes.map((h) => h.hash));
  const inUseBytes = use.hashes.reduce((n, h) => n + h.size, 0) + use.bodies.reduce((n, b) => n + b.s, 0);
  let addedBytes = 0;
  for (const c of t.components) {
    if (!c.requested || held.has(c.hash)) continue;
    held.add(c.hash);
    addedBytes += c.size;
  }
  if (!use.bodies.some((b) => b.k === t.metadataBlobKey)) addedBytes += bodySize;
  return inUseBytes + addedBytes > maxBytes ? { ok: false, reason: 'quota_exceeded', inUseBytes, addedBytes, maxBytes } : null;
}
