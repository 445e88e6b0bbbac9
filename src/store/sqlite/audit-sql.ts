/** The audit chain's reads and checkpoints, shared by the SQLite and D1 adapters (one dialect). */
export const AUDIT_CHAIN_SQL = {
  heads: 'SELECT chain, position, hash FROM audit_chains ORDER BY chain',
  rows: 'SELECT * FROM audit_events WHERE chain = ? AND position > ? ORDER BY position, seq LIMIT ?',
  preChain: 'SELECT count(*) AS n, max(seq) AS last FROM audit_events WHERE chain IS NULL AND seq < coalesce((SELECT min(seq) FROM audit_events WHERE chain IS NOT NULL), 9223372036854775807)',
  inserted: 'SELECT seq FROM audit_events WHERE chain IS NULL AND seq > (SELECT min(seq) FROM audit_events WHERE chain IS NOT NULL) ORDER BY seq LIMIT 1',
  addCheckpoint: 'INSERT INTO audit_checkpoints (chain, position, hash, at, signature, chain_pem) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  checkpoints: 'SELECT * FROM audit_checkpoints ORDER BY chain, position',
  lastPositions: 'SELECT chain, max(position) AS position FROM audit_events WHERE idt = ? AND chain IS NOT NULL GROUP BY chain ORDER BY max(seq) DESC',
} as const;
