ALTER TABLE participants ADD COLUMN sigla TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN poder TEXT NOT NULL DEFAULT 'executivo';
ALTER TABLE participants ADD COLUMN uf TEXT;
ALTER TABLE participants ADD COLUMN ibge TEXT;
ALTER TABLE participants ADD COLUMN contatos_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE participants ADD COLUMN status TEXT NOT NULL DEFAULT 'ativo';
ALTER TABLE participants ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN status_changed_at TEXT NOT NULL DEFAULT '';
UPDATE participants SET status = CASE WHEN ativo = 1 THEN 'ativo' ELSE 'suspenso' END;
ALTER TABLE participants DROP COLUMN ativo;
CREATE TABLE participant_status_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, participant_id TEXT NOT NULL REFERENCES participants(id),
  from_status TEXT, to_status TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL
) STRICT;
CREATE INDEX participant_status_changes_participant ON participant_status_changes(participant_id, seq);
