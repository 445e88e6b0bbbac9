import type { RetentionStore } from '../index.ts';
import { RETENTION_SQL as S } from '../sqlite/retention-sql.ts';
import { situacaoOf, situacaoSet } from '../sqlite/rows.ts';
import { all, atomically, first, type D1Conn } from './db.ts';
import { keys } from './keys.ts';

type Out<K extends keyof RetentionStore> = RetentionStore[K] extends (...a: never[]) => Promise<infer T> ? T : never;

/**
 * Retention on D1, with the SQLite adapter's statements (sqlite/retention-sql.ts): the situações
 * that qualify arrive from the services. Marking a trâmite's bytes as no longer kept is a unit on
 * its trâmite key; forgetting a component blob is a unit on the blob's key, which every start
 * declaring that hash and every receipt of it also moves, so a blob is never forgotten while a
 * trâmite that needs it is being created.
 */
export function d1Retention(c: D1Conn): RetentionStore {
  return {
    async status(idt) {
      const r = await first<{ components_purged_at: string | null; metadata_purged_at: string | null }>(c, S.status, idt);
      return r ? { componentsPurgedAt: r.components_purged_at, metadataPurgedAt: r.metadata_purged_at } : null;
    },
    async expireComponents(situacoes, before, at, audit) {
      if (situacoes.length === 0) return [];
      return atomically<number[]>(c, async (w) => {
        // the trâmites are known only by reading them: read, lock what is new, read again, until a
        // read finds only trâmites locked before it (so what it saw is what the commit checks)
        const locked = new Set<number>();
        let rows: { idt: number; situacao: number; last_transition_at: string }[];
        for (;;) {
          rows = await w.all(S.expiringComponents, situacaoSet(situacoes), before);
          const fresh = rows.filter((r) => !locked.has(r.idt));
          if (fresh.length === 0) break;
          await w.lock(...fresh.map((r) => keys.tramite(r.idt)));
          for (const r of fresh) locked.add(r.idt);
        }
        for (const r of rows) {
          w.write(S.markComponents, at, r.idt);
          w.audit(at, { ...audit, data: { ...audit.data, situacao: situacaoOf(r.situacao), desde: r.last_transition_at } }, r.idt);
        }
        return () => rows.map((r) => r.idt);
      });
    },
    async releasableComponentBlobs(needing, limit) {
      return all<{ hash: string; key: string; size: number }>(c, S.releasable, situacaoSet(needing), limit);
    },
    async releaseComponentBlob(hash, key, needing, at, audit) {
      return atomically<boolean>(c, async (w) => {
        await w.lock(keys.blob(hash));
        const row = await w.first<{ size: number }>(S.blob, hash, key);
        if (!row || (await w.first(S.componentNeeded, hash, situacaoSet(needing))) || (await w.first(S.bodyKept, key))) return () => false;
        w.write(S.forgetBlob, hash);
        const holders = await w.all<{ idt: number }>(S.holdersOf, hash);
        const data = { ...audit.data, hash, chave: key, tamanho: row.size };
        if (holders.length === 0) w.audit(at, { ...audit, data }, null);
        for (const h of holders) w.audit(at, { ...audit, data }, h.idt);
        return () => true;
      });
    },
    async expiringMetadata(situacoes, before, limit) {
      return (await all<{ k: string }>(c, S.expiringBodies, situacaoSet(situacoes), before, limit)).map((r) => r.k);
    },
    async expireMetadata(key, situacoes, before, at, audit) {
      return atomically<Out<'expireMetadata'>>(c, async (w) => {
        await w.lock(keys.body(key));
        const rows = await w.all<{ idt: number; situacao: number }>(S.expiringBodiesOf, key, situacaoSet(situacoes), before);
        const marked = new Set(rows.map((r) => r.idt));
        for (const r of rows) w.write(S.markBody, at, r.idt);
        // kept by a trâmite not marked now, or a component with the same bytes
        const keptElsewhere = (await w.all<{ idt: number }>('SELECT idt FROM tramites WHERE metadata_blob_key = ? AND metadata_purged_at IS NULL', key)).some((r) => !marked.has(r.idt));
        const stillHeld = keptElsewhere || !!(await w.first(S.blobReferenced, key));
        for (const r of rows) w.audit(at, { ...audit, data: { ...audit.data, chave: key, situacao: situacaoOf(r.situacao), arquivoRemovido: !stillHeld } }, r.idt);
        return () => ({ idts: rows.map((r) => r.idt), release: rows.length > 0 && !stillHeld });
      });
    },
  };
}
