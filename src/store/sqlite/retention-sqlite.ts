import type { Situacao } from '../../domain/situacao.ts';
import type { AuditEntry, CreateResult, NewTramite, RetentionStore } from '../index.ts';
import type { Db } from './open.ts';
import { situacaoOf, situacaoSet } from './rows.ts';
import { auditAppender } from './audit.ts';
import { quotaVerdict } from '../sender-quota.ts';
import { QUOTA_SQL } from './tramite-sql.ts';
import { RETENTION_SQL } from './retention-sql.ts';

/**
 * The sender quota and the body size it counts, with their statements prepared once. Run inside
 * the creating transaction so that two starts arriving together cannot both fit.
 */
export function sqliteQuota(db: Db) {
  const s = {
    hashes: db.prepare<[string, string], { hash: string; size: number }>(QUOTA_SQL.hashes),
    bodies: db.prepare<[string, string], { k: string; s: number }>(QUOTA_SQL.bodies),
    bodySize: db.prepare<[string], { s: number | null }>(QUOTA_SQL.bodySize),
  };

  /** The body size given, or the one recorded for the same body (a replay reuses its trâmite's body). */
  function metadataSizeOf(t: Pick<NewTramite, 'metadataSize' | 'metadataBlobKey'>): number {
    if (t.metadataSize !== undefined) return t.metadataSize;
    return s.bodySize.get(t.metadataBlobKey)?.s ?? 0;
  }

  /**
   * Bytes declared by the sender's trâmites in `quota.situacoes`, counting each requested hash
   * and each stored body once (the blob store keeps identical bytes once), and what the new
   * trâmite adds to that. Null when it fits.
   */
  function quotaRefusal(t: NewTramite): Extract<CreateResult, { reason: 'quota_exceeded' }> | null {
    if (!t.quota) return null;
    const set = situacaoSet(t.quota.situacoes);
    const use = { hashes: s.hashes.all(t.senderSystemId, set), bodies: s.bodies.all(t.senderSystemId, set) };
    return quotaVerdict(t, use, use.bodies.some((b) => b.k === t.metadataBlobKey) ? 0 : metadataSizeOf(t));
  }

  return { quotaRefusal, metadataSizeOf };
}

/** Retention on SQLite: the situações that qualify arrive from the services, never written here. */
export function sqliteRetention(db: Db): RetentionStore {
  const s = {
    componentNeeded: db.prepare<[string, string], { one: number }>(RETENTION_SQL.componentNeeded),
    bodyKept: db.prepare<[string], { one: number }>(RETENTION_SQL.bodyKept),
    blobReferenced: db.prepare<[string], { one: number }>(RETENTION_SQL.blobReferenced),
    expiringComponents: db.prepare<[string, string], { idt: number; situacao: number; last_transition_at: string }>(RETENTION_SQL.expiringComponents),
    markComponents: db.prepare<[string, number]>(RETENTION_SQL.markComponents),
    blob: db.prepare<[string, string], { size: number }>(RETENTION_SQL.blob),
    forgetBlob: db.prepare<[string]>(RETENTION_SQL.forgetBlob),
    holdersOf: db.prepare<[string], { idt: number }>(RETENTION_SQL.holdersOf),
    expiringBodiesOf: db.prepare<[string, string, string], { idt: number; situacao: number }>(RETENTION_SQL.expiringBodiesOf),
    markBody: db.prepare<[string, number]>(RETENTION_SQL.markBody),
    status: db.prepare<[number], { components_purged_at: string | null; metadata_purged_at: string | null }>(RETENTION_SQL.status),
    releasable: db.prepare<[string, number], { hash: string; key: string; size: number }>(RETENTION_SQL.releasable),
    expiringBodies: db.prepare<[string, string, number], { k: string }>(RETENTION_SQL.expiringBodies),
  };
  const appendAudit = auditAppender(db);

  /** Whether a trâmite that still needs them refers to a hash's bytes or to a file as its body. */
  const componentNeeded = (hash: string, key: string, needing: readonly Situacao[]): boolean =>
    !!(s.componentNeeded.get(hash, situacaoSet(needing)) ?? s.bodyKept.get(key));

  const expireComponents = db.transaction((situacoes: readonly Situacao[], before: string, at: string, audit: Omit<AuditEntry, 'idt'>) => {
    const rows = s.expiringComponents.all(situacaoSet(situacoes), before);
    for (const r of rows) {
      s.markComponents.run(at, r.idt);
      appendAudit(at, { ...audit, data: { ...audit.data, situacao: situacaoOf(r.situacao), desde: r.last_transition_at } }, r.idt);
    }
    return rows.map((r) => r.idt);
  });

  const releaseComponentBlob = db.transaction(
    (hash: string, key: string, needing: readonly Situacao[], at: string, audit: Omit<AuditEntry, 'idt'>): boolean => {
      const row = s.blob.get(hash, key);
      if (!row || componentNeeded(hash, key, needing)) return false;
      s.forgetBlob.run(hash);
      const holders = s.holdersOf.all(hash);
      const data = { ...audit.data, hash, chave: key, tamanho: row.size };
      if (holders.length === 0) appendAudit(at, { ...audit, data }, null);
      for (const h of holders) appendAudit(at, { ...audit, data }, h.idt);
      return true;
    },
  );

  const expireMetadata = db.transaction(
    (key: string, situacoes: readonly Situacao[], before: string, at: string, audit: Omit<AuditEntry, 'idt'>) => {
      const rows = s.expiringBodiesOf.all(key, situacaoSet(situacoes), before);
      for (const r of rows) s.markBody.run(at, r.idt);
      const stillHeld = !!s.bodyKept.get(key) || !!s.blobReferenced.get(key);
      for (const r of rows)
        appendAudit(at, { ...audit, data: { ...audit.data, chave: key, situacao: situacaoOf(r.situacao), arquivoRemovido: !stillHeld } }, r.idt);
      return { idts: rows.map((r) => r.idt), release: rows.length > 0 && !stillHeld };
    },
  );

  return {
    async status(idt) {
      const r = s.status.get(idt);
      return r ? { componentsPurgedAt: r.components_purged_at, metadataPurgedAt: r.metadata_purged_at } : null;
    },
    async expireComponents(situacoes, before, at, audit) {
      return situacoes.length ? expireComponents(situacoes, before, at, audit) : [];
    },
    async releasableComponentBlobs(needing, limit) {
      return s.releasable.all(situacaoSet(needing), limit);
    },
    async releaseComponentBlob(hash, key, needing, at, audit) {
      return releaseComponentBlob(hash, key, needing, at, audit);
    },
    async expiringMetadata(situacoes, before, limit) {
      return s.expiringBodies.all(situacaoSet(situacoes), before, limit).map((r) => r.k);
    },
    async expireMetadata(key, situacoes, before, at, audit) {
      return expireMetadata(key, situacoes, before, at, audit);
    },
  };
}
