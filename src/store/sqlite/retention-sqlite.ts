import type { Situacao } from '../../domain/situacao.ts';
import type { AuditEntry, CreateResult, NewTramite, RetentionStore } from '../index.ts';
import type { Db } from './open.ts';

const list = (xs: readonly unknown[]) => xs.map(() => '?').join(', ');

const appendAudit = (db: Db, at: string, a: Omit<AuditEntry, 'idt'>, idt: number | null) =>
  db
    .prepare('INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES (?, ?, ?, ?, ?)')
    .run(at, a.kind, a.actor, idt, JSON.stringify(a.data ?? {}));

/**
 * The sender quota, run inside the creating transaction so that two starts arriving together
 * cannot both fit: bytes declared by the sender's trâmites in `quota.situacoes`, counting each
 * requested hash and each stored body once (the blob store keeps identical bytes once), and what
 * the new trâmite adds to that. Null when it fits.
 */
export function quotaRefusal(db: Db, t: NewTramite): Extract<CreateResult, { reason: 'quota_exceeded' }> | null {
  if (!t.quota) return null;
  const { maxBytes, situacoes } = t.quota;
  const open = `t.sender_system_id = ? AND t.situacao IN (${list(situacoes)})`;
  const hashes = db
    .prepare(`SELECT DISTINCT c.hash, c.size FROM tramite_components c JOIN tramites t ON t.idt = c.idt WHERE ${open} AND c.requested = 1`)
    .all(t.senderSystemId, ...situacoes) as { hash: string; size: number }[];
  const bodies = db
    .prepare(`SELECT t.metadata_blob_key AS k, max(coalesce(t.metadata_size, 0)) AS s FROM tramites t WHERE ${open} GROUP BY t.metadata_blob_key`)
    .all(t.senderSystemId, ...situacoes) as { k: string; s: number }[];
  const held = new Set(hashes.map((h) => h.hash));
  const inUseBytes = hashes.reduce((n, h) => n + h.size, 0) + bodies.reduce((n, b) => n + b.s, 0);
  let addedBytes = 0;
  for (const c of t.components) {
    if (!c.requested || held.has(c.hash)) continue;
    held.add(c.hash);
    addedBytes += c.size;
  }
  if (!bodies.some((b) => b.k === t.metadataBlobKey)) addedBytes += metadataSizeOf(db, t);
  return inUseBytes + addedBytes > maxBytes ? { ok: false, reason: 'quota_exceeded', inUseBytes, addedBytes, maxBytes } : null;
}

/** The body size given, or the one recorded for the same body (a replay reuses its trâmite's body). */
export function metadataSizeOf(db: Db, t: Pick<NewTramite, 'metadataSize' | 'metadataBlobKey'>): number {
  if (t.metadataSize !== undefined) return t.metadataSize;
  const r = db.prepare('SELECT max(metadata_size) AS s FROM tramites WHERE metadata_blob_key = ?').get(t.metadataBlobKey) as { s: number | null };
  return r.s ?? 0;
}

export function sqliteRetention(db: Db): RetentionStore {
  /** Whether a trâmite that still needs them refers to a hash's bytes or to a file as its body. */
  const componentNeeded = (hash: string, key: string, needing: readonly Situacao[]): boolean =>
    !!(
      db
        .prepare(
          `SELECT 1 FROM tramite_components c JOIN tramites t ON t.idt = c.idt
           WHERE c.hash = ? AND t.situacao IN (${list(needing)}) AND t.components_purged_at IS NULL LIMIT 1`,
        )
        .get(hash, ...needing) ?? db.prepare('SELECT 1 FROM tramites WHERE metadata_blob_key = ? AND metadata_purged_at IS NULL LIMIT 1').get(key)
    );

  const expireComponents = db.transaction((situacoes: readonly Situacao[], before: string, at: string, audit: Omit<AuditEntry, 'idt'>) => {
    const rows = db
      .prepare(
        `SELECT idt, situacao, last_transition_at FROM tramites
         WHERE situacao IN (${list(situacoes)}) AND last_transition_at < ? AND components_purged_at IS NULL ORDER BY idt`,
      )
      .all(...situacoes, before) as { idt: number; situacao: number; last_transition_at: string }[];
    const mark = db.prepare('UPDATE tramites SET components_purged_at = ? WHERE idt = ? AND components_purged_at IS NULL');
    for (const r of rows) {
      mark.run(at, r.idt);
      appendAudit(db, at, { ...audit, data: { ...audit.data, situacao: r.situacao, desde: r.last_transition_at } }, r.idt);
    }
    return rows.map((r) => r.idt);
  });

  const releaseComponentBlob = db.transaction(
    (hash: string, key: string, needing: readonly Situacao[], at: string, audit: Omit<AuditEntry, 'idt'>): boolean => {
      const row = db.prepare('SELECT size FROM component_blobs WHERE hash = ? AND blob_key = ?').get(hash, key) as { size: number } | undefined;
      if (!row || componentNeeded(hash, key, needing)) return false;
      db.prepare('DELETE FROM component_blobs WHERE hash = ?').run(hash);
      const holders = db.prepare('SELECT DISTINCT idt FROM tramite_components WHERE hash = ? AND received = 1 ORDER BY idt').all(hash) as { idt: number }[];
      const data = { ...audit.data, hash, chave: key, tamanho: row.size };
      if (holders.length === 0) appendAudit(db, at, { ...audit, data }, null);
      for (const h of holders) appendAudit(db, at, { ...audit, data }, h.idt);
      return true;
    },
  );

  const expireMetadata = db.transaction(
    (key: string, situacoes: readonly Situacao[], before: string, at: string, audit: Omit<AuditEntry, 'idt'>) => {
      const rows = db
        .prepare(
          `SELECT idt, situacao FROM tramites WHERE metadata_blob_key = ? AND situacao IN (${list(situacoes)})
           AND last_transition_at < ? AND metadata_purged_at IS NULL ORDER BY idt`,
        )
        .all(key, ...situacoes, before) as { idt: number; situacao: number }[];
      const mark = db.prepare('UPDATE tramites SET metadata_purged_at = ? WHERE idt = ?');
      for (const r of rows) mark.run(at, r.idt);
      const stillHeld =
        !!db.prepare('SELECT 1 FROM tramites WHERE metadata_blob_key = ? AND metadata_purged_at IS NULL LIMIT 1').get(key) ||
        !!db.prepare('SELECT 1 FROM component_blobs WHERE blob_key = ? LIMIT 1').get(key);
      for (const r of rows) appendAudit(db, at, { ...audit, data: { ...audit.data, chave: key, situacao: r.situacao, arquivoRemovido: !stillHeld } }, r.idt);
      return { idts: rows.map((r) => r.idt), release: rows.length > 0 && !stillHeld };
    },
  );

  return {
    async status(idt) {
      const r = db.prepare('SELECT components_purged_at, metadata_purged_at FROM tramites WHERE idt = ?').get(idt) as
        | { components_purged_at: string | null; metadata_purged_at: string | null }
        | undefined;
      return r ? { componentsPurgedAt: r.components_purged_at, metadataPurgedAt: r.metadata_purged_at } : null;
    },
    async expireComponents(situacoes, before, at, audit) {
      return situacoes.length ? expireComponents(situacoes, before, at, audit) : [];
    },
    async releasableComponentBlobs(needing, limit) {
      return db
        .prepare(
          `SELECT b.hash, b.blob_key AS key, b.size FROM component_blobs b
           WHERE NOT EXISTS (SELECT 1 FROM tramite_components c JOIN tramites t ON t.idt = c.idt
                             WHERE c.hash = b.hash AND t.situacao IN (${list(needing)}) AND t.components_purged_at IS NULL)
             AND NOT EXISTS (SELECT 1 FROM tramites m WHERE m.metadata_blob_key = b.blob_key AND m.metadata_purged_at IS NULL)
           ORDER BY b.stored_at LIMIT ?`,
        )
        .all(...needing, limit) as { hash: string; key: string; size: number }[];
    },
    async releaseComponentBlob(hash, key, needing, at, audit) {
      return releaseComponentBlob(hash, key, needing, at, audit);
    },
    async expiringMetadata(situacoes, before, limit) {
      const rows = db
        .prepare(
          `SELECT DISTINCT metadata_blob_key AS k FROM tramites WHERE situacao IN (${list(situacoes)})
           AND last_transition_at < ? AND metadata_purged_at IS NULL LIMIT ?`,
        )
        .all(...situacoes, before, limit) as { k: string }[];
      return rows.map((r) => r.k);
    },
    async expireMetadata(key, situacoes, before, at, audit) {
      return expireMetadata(key, situacoes, before, at, audit);
    },
  };
}
