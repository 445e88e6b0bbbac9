import { quotaVerdict } from '../sender-quota.ts';
import type pg from 'pg';
import type { Situacao } from '../../domain/situacao.ts';
import type { CreateResult, NewTramite, RetentionStore } from '../index.ts';
import { one, rows, run, stmt, tx, type Conn } from './db.ts';
import { situacaoOf, situacaoSet } from './rows.ts';
import { appendAudit } from './audit.ts';

const q = {
  /** Serialises the quota checks of one sender across nodes until the creating transaction ends. */
  senderLock: stmt<[string]>("SELECT pg_advisory_xact_lock(hashtextextended('elo.quota:' || $1, 0))"),
  hashes: stmt<[string, number[]], { hash: string; size: number }>(
    `SELECT DISTINCT c.hash, c.size FROM tramite_components c JOIN tramites t ON t.idt = c.idt
     WHERE t.sender_system_id = $1 AND t.situacao = ANY($2::int[]) AND c.requested`,
  ),
  bodies: stmt<[string, number[]], { k: string; s: number }>(
    `SELECT t.metadata_blob_key AS k, max(coalesce(t.metadata_size, 0)) AS s FROM tramites t
     WHERE t.sender_system_id = $1 AND t.situacao = ANY($2::int[]) GROUP BY t.metadata_blob_key`,
  ),
  bodySize: stmt<[string], { s: number | null }>('SELECT max(metadata_size) AS s FROM tramites WHERE metadata_blob_key = $1'),
};

/**
 * The sender quota and the body size it counts. Checked inside the creating transaction under an
 * advisory lock per sender: SQLite's single writer made two starts of one sender take turns;
 * here the lock does, so two nodes' starts arriving together cannot both fit.
 */
export function postgresQuota() {
  /** The body size given, or the one recorded for the same body (a replay reuses its trâmite's body). */
  async function metadataSizeOf(c: Conn, t: Pick<NewTramite, 'metadataSize' | 'metadataBlobKey'>): Promise<number> {
    if (t.metadataSize !== undefined) return t.metadataSize;
    return (await one(c, q.bodySize, t.metadataBlobKey))?.s ?? 0;
  }

  /** Bytes declared by the sender's trâmites in `quota.situacoes`, each hash and body once, and what the new one adds. Null when it fits. */
  async function quotaRefusal(c: Conn, t: NewTramite): Promise<Extract<CreateResult, { reason: 'quota_exceeded' }> | null> {
    if (!t.quota) return null;
    const { situacoes } = t.quota;
    await rows(c, q.senderLock, t.senderSystemId);
    const hashes = await rows(c, q.hashes, t.senderSystemId, situacaoSet(situacoes));
    const bodies = await rows(c, q.bodies, t.senderSystemId, situacaoSet(situacoes));
    return quotaVerdict(t, { hashes, bodies }, bodies.some((b) => b.k === t.metadataBlobKey) ? 0 : await metadataSizeOf(c, t));
  }

  return { quotaRefusal, metadataSizeOf };
}

const s = {
  componentNeeded: stmt<[string, number[]], { one: number }>(
    `SELECT 1 AS one FROM tramite_components c JOIN tramites t ON t.idt = c.idt
     WHERE c.hash = $1 AND t.situacao = ANY($2::int[]) AND t.components_purged_at IS NULL LIMIT 1`,
  ),
  bodyKept: stmt<[string], { one: number }>('SELECT 1 AS one FROM tramites WHERE metadata_blob_key = $1 AND metadata_purged_at IS NULL LIMIT 1'),
  blobReferenced: stmt<[string], { one: number }>('SELECT 1 AS one FROM component_blobs WHERE blob_key = $1 LIMIT 1'),
  /** Marks and returns in one statement: a trâmite another node marked meanwhile is not returned twice. */
  expireComponents: stmt<[string, number[], string], { idt: number; situacao: number; last_transition_at: string }>(
    `UPDATE tramites SET components_purged_at = $1
     WHERE situacao = ANY($2::int[]) AND last_transition_at < $3 AND components_purged_at IS NULL
     RETURNING idt, situacao, last_transition_at`,
  ),
  /** The blob row, locked: a concurrent upload of the same hash waits for the release to finish. */
  blob: stmt<[string, string], { size: number }>('SELECT size FROM component_blobs WHERE hash = $1 AND blob_key = $2 FOR UPDATE'),
  forgetBlob: stmt<[string]>('DELETE FROM component_blobs WHERE hash = $1'),
  holdersOf: stmt<[string], { idt: number }>('SELECT DISTINCT idt FROM tramite_components WHERE hash = $1 AND received ORDER BY idt'),
  expireBody: stmt<[string, string, number[], string], { idt: number; situacao: number }>(
    `UPDATE tramites SET metadata_purged_at = $1
     WHERE metadata_blob_key = $2 AND situacao = ANY($3::int[]) AND last_transition_at < $4 AND metadata_purged_at IS NULL
     RETURNING idt, situacao`,
  ),
  status: stmt<[number], { components_purged_at: string | null; metadata_purged_at: string | null }>(
    'SELECT components_purged_at, metadata_purged_at FROM tramites WHERE idt = $1',
  ),
  releasable: stmt<[number[], number], { hash: string; key: string; size: number }>(
    `SELECT b.hash, b.blob_key AS key, b.size FROM component_blobs b
     WHERE NOT EXISTS (SELECT 1 FROM tramite_components c JOIN tramites t ON t.idt = c.idt
                       WHERE c.hash = b.hash AND t.situacao = ANY($1::int[]) AND t.components_purged_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM tramites m WHERE m.metadata_blob_key = b.blob_key AND m.metadata_purged_at IS NULL)
     ORDER BY b.stored_at, b.hash LIMIT $2`,
  ),
  expiringBodies: stmt<[number[], string, number], { k: string }>(
    `SELECT DISTINCT metadata_blob_key AS k FROM tramites WHERE situacao = ANY($1::int[])
     AND last_transition_at < $2 AND metadata_purged_at IS NULL LIMIT $3`,
  ),
};

/** Retention on PostgreSQL: the situações that qualify arrive from the services, never written here. */
export function postgresRetention(pool: pg.Pool): RetentionStore {
  return {
    async status(idt) {
      const r = await one(pool, s.status, idt);
      return r ? { componentsPurgedAt: r.components_purged_at, metadataPurgedAt: r.metadata_purged_at } : null;
    },
    async expireComponents(situacoes, before, at, audit) {
      if (!situacoes.length) return [];
      return tx(pool, async (c) => {
        const marked = (await rows(c, s.expireComponents, at, situacaoSet(situacoes), before)).sort((a, b) => a.idt - b.idt);
        for (const r of marked)
          await appendAudit(c, at, { ...audit, data: { ...audit.data, situacao: situacaoOf(r.situacao), desde: r.last_transition_at } }, r.idt);
        return marked.map((r) => r.idt);
      });
    },
    async releasableComponentBlobs(needing, limit) {
      return rows(pool, s.releasable, situacaoSet(needing), limit);
    },
    async releaseComponentBlob(hash, key, needing: readonly Situacao[], at, audit) {
      return tx(pool, async (c) => {
        const row = await one(c, s.blob, hash, key);
        if (!row) return false;
        if ((await one(c, s.componentNeeded, hash, situacaoSet(needing))) ?? (await one(c, s.bodyKept, key))) return false;
        await run(c, s.forgetBlob, hash);
        const holders = await rows(c, s.holdersOf, hash);
        const data = { ...audit.data, hash, chave: key, tamanho: row.size };
        if (holders.length === 0) await appendAudit(c, at, { ...audit, data }, null);
        for (const h of holders) await appendAudit(c, at, { ...audit, data }, h.idt);
        return true;
      });
    },
    async expiringMetadata(situacoes, before, limit) {
      return (await rows(pool, s.expiringBodies, situacaoSet(situacoes), before, limit)).map((r) => r.k);
    },
    async expireMetadata(key, situacoes, before, at, audit) {
      return tx(pool, async (c) => {
        const marked = (await rows(c, s.expireBody, at, key, situacaoSet(situacoes), before)).sort((a, b) => a.idt - b.idt);
        const stillHeld = !!(await one(c, s.bodyKept, key)) || !!(await one(c, s.blobReferenced, key));
        for (const r of marked)
          await appendAudit(c, at, { ...audit, data: { ...audit.data, chave: key, situacao: situacaoOf(r.situacao), arquivoRemovido: !stillHeld } }, r.idt);
        return { idts: marked.map((r) => r.idt), release: marked.length > 0 && !stillHeld };
      });
    },
  };
}
