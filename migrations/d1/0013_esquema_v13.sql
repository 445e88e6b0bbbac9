ALTER TABLE structures ADD COLUMN participant_id TEXT REFERENCES participants(id);
ALTER TABLE structures ADD COLUMN successor_numero TEXT;
UPDATE structures SET participant_id = (SELECT participant_id FROM repositories r WHERE r.id = structures.repository_id);
CREATE INDEX structures_participant ON structures(repository_id, participant_id);
CREATE TABLE structure_imports (
  repository_id INTEGER NOT NULL, participant_id TEXT NOT NULL REFERENCES participants(id), version INTEGER NOT NULL,
  effective_at TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, file_sha256 TEXT NOT NULL,
  created INTEGER NOT NULL, updated INTEGER NOT NULL, deactivated INTEGER NOT NULL,
  PRIMARY KEY (repository_id, participant_id, version)
) STRICT;
