ALTER TABLE audit_events ADD COLUMN chain TEXT;
ALTER TABLE audit_events ADD COLUMN position INTEGER;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_events_chain ON audit_events(chain, position);
CREATE TABLE audit_chains (chain TEXT PRIMARY KEY, position INTEGER NOT NULL, hash TEXT NOT NULL) STRICT;
CREATE TABLE audit_checkpoints (
  chain TEXT NOT NULL, position INTEGER NOT NULL, hash TEXT NOT NULL, at TEXT NOT NULL,
  signature TEXT NOT NULL, chain_pem TEXT NOT NULL, PRIMARY KEY (chain, position)
) STRICT;
