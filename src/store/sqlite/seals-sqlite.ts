import type { SealRecord, SealStore } from '../index.ts';
import type { Db } from './open.ts';

export interface SealRow {
  idt: number;
  blob_key: string;
  sha256: string;
  sealed_at: string;
}

export const toSeal = (r: SealRow): SealRecord => ({ idt: r.idt, blobKey: r.blob_key, sha256: r.sha256, sealedAt: r.sealed_at });

/** Hub seals on SQLite (issue 11 item 2). */
export function sqliteSeals(db: Db): SealStore {
  const s = {
    get: db.prepare<[number], SealRow>('SELECT * FROM tramite_seals WHERE idt = ?'),
    save: db.prepare<[number, string, string, string]>(
      'INSERT INTO tramite_seals (idt, blob_key, sha256, sealed_at) VALUES (?, ?, ?, ?) ON CONFLICT (idt) DO NOTHING',
    ),
    unsealed: db.prepare<[number], { idt: number }>(
      `SELECT t.idt FROM tramites t LEFT JOIN tramite_seals s ON s.idt = t.idt
       WHERE t.components_complete_at IS NOT NULL AND t.metadata_purged_at IS NULL AND s.idt IS NULL
       ORDER BY t.components_complete_at, t.idt LIMIT ?`,
    ),
  };
  return {
    async get(idt) {
      const r = s.get.get(idt);
      return r ? toSeal(r) : null;
    },
    async save(seal) {
      return s.save.run(seal.idt, seal.blobKey, seal.sha256, seal.sealedAt).changes === 1;
    },
    async unsealed(limit) {
      return s.unsealed.all(limit).map((r) => r.idt);
    },
  };
}
