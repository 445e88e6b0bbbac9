import type { SealRecord, SealStore } from '../index.ts';
import { all, first, changed, type D1Conn } from './db.ts';
import { toSeal, type SealRow } from '../sqlite/seals-sqlite.ts';

/** Hub seals on D1 (issue 11 item 2): written once, each write one statement. */
export function d1Seals(c: D1Conn): SealStore {
  return {
    async get(idt) {
      const r = await first<SealRow>(c, 'SELECT * FROM tramite_seals WHERE idt = ?', idt);
      return r ? toSeal(r) : null;
    },
    async save(seal) {
      return (await changed(c, 'INSERT INTO tramite_seals (idt, blob_key, sha256, sealed_at) VALUES (?, ?, ?, ?) ON CONFLICT (idt) DO NOTHING', seal.idt, seal.blobKey, seal.sha256, seal.sealedAt)) === 1;
    },
    async unsealed(limit) {
      const rows = await all<{ idt: number }>(
        c,
        `SELECT t.idt FROM tramites t LEFT JOIN tramite_seals s ON s.idt = t.idt
         WHERE t.components_complete_at IS NOT NULL AND t.metadata_purged_at IS NULL AND s.idt IS NULL
         ORDER BY t.components_complete_at, t.idt LIMIT ?`,
        limit,
      );
      return rows.map((r) => r.idt);
    },
  };
}
