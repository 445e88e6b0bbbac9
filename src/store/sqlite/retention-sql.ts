import { IN_SET } from './tramite-sql.ts';

/** Retention's statements, shared by the SQLite and D1 adapters (one dialect). */
export const RETENTION_SQL = {
  componentNeeded: `SELECT 1 AS one FROM tramite_components c JOIN tramites t ON t.idt = c.idt
       WHERE c.hash = ? AND t.situacao ${IN_SET} AND t.components_purged_at IS NULL LIMIT 1`,
  bodyKept: 'SELECT 1 AS one FROM tramites WHERE metadata_blob_key = ? AND metadata_purged_at IS NULL LIMIT 1',
  blobReferenced: 'SELECT 1 AS one FROM component_blobs WHERE blob_key = ? LIMIT 1',
  expiringComponents: `SELECT idt, situacao, last_transition_at FROM tramites
       WHERE situacao ${IN_SET} AND last_transition_at < ? AND components_purged_at IS NULL ORDER BY idt`,
  markComponents: 'UPDATE tramites SET components_purged_at = ? WHERE idt = ? AND components_purged_at IS NULL',
  blob: 'SELECT size FROM component_blobs WHERE hash = ? AND blob_key = ?',
  forgetBlob: 'DELETE FROM component_blobs WHERE hash = ?',
  holdersOf: 'SELECT DISTINCT idt FROM tramite_components WHERE hash = ? AND received = 1 ORDER BY idt',
  expiringBodiesOf: `SELECT idt, situacao FROM tramites WHERE metadata_blob_key = ? AND situacao ${IN_SET}
       AND last_transition_at < ? AND metadata_purged_at IS NULL ORDER BY idt`,
  markBody: 'UPDATE tramites SET metadata_purged_at = ? WHERE idt = ?',
  status: 'SELECT components_purged_at, metadata_purged_at FROM tramites WHERE idt = ?',
  releasable: `SELECT b.hash, b.blob_key AS key, b.size FROM component_blobs b
       WHERE NOT EXISTS (SELECT 1 FROM tramite_components c JOIN tramites t ON t.idt = c.idt
                         WHERE c.hash = b.hash AND t.situacao ${IN_SET} AND t.components_purged_at IS NULL)
         AND NOT EXISTS (SELECT 1 FROM tramites m WHERE m.metadata_blob_key = b.blob_key AND m.metadata_purged_at IS NULL)
       ORDER BY b.stored_at LIMIT ?`,
  expiringBodies: `SELECT DISTINCT metadata_blob_key AS k FROM tramites WHERE situacao ${IN_SET}
       AND last_transition_at < ? AND metadata_purged_at IS NULL LIMIT ?`,
} as const;
