import type pg from 'pg';
import type { SealRecord, SealStore } from '../index.ts';
import { one, rows, run, stmt } from './db.ts';

interface SealRow {
  idt: string | number;
  blob_key: string;
  sha256: string;
  sealed_at: string;
}

const toSeal = (r: SealRow): SealRecord => ({ idt: Number(r.idt), blobKey: r.blob_key, sha256: r.sha256, sealedAt: r.sealed_at });

const s = {
  get: stmt<[number], SealRow>('SELECT * FROM tramite_seals WHERE idt = $1'),
  save: stmt<[number, string, string, string]>(
    'INSERT INTO tramite_seals (idt, blob_key, sha256, sealed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (idt) DO NOTHING',
  ),
  unsealed: stmt<[number], { idt: string | number }>(
    `SELECT t.idt FROM tramites t LEFT JOIN tramite_seals s ON s.idt = t.idt
     WHERE t.components_complete_at IS NOT NULL AND t.metadata_purged_at IS NULL AND s.idt IS NULL
     ORDER BY t.components_complete_at, t.idt LIMIT $1`,
  ),
};

/** Hub seals on PostgreSQL, shared by every node (issue 11 item 2). */
export function postgresSeals(pool: pg.Pool): SealStore {
  return {
    async get(idt) {
      const r = await one(pool, s.get, idt);
      return r ? toSeal(r) : null;
    },
    async save(seal) {
      return (await run(pool, s.save, seal.idt, seal.blobKey, seal.sha256, seal.sealedAt)) === 1;
    },
    async unsealed(limit) {
      return (await rows(pool, s.unsealed, limit)).map((r) => Number(r.idt));
    },
  };
}
