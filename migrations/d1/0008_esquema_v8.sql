CREATE TABLE nre_holders (
  nre TEXT NOT NULL REFERENCES nres(nre), system_id TEXT NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY (nre, system_id)
) STRICT;
INSERT OR IGNORE INTO nre_holders (nre, system_id, source, at)
  SELECT nre, sender_system_id, 'tramite', last_transition_at FROM tramites WHERE situacao IN (5, 6);
INSERT OR IGNORE INTO nre_holders (nre, system_id, source, at)
  SELECT nre, receiver_system_id, 'tramite', last_transition_at FROM tramites WHERE situacao IN (5, 6);
