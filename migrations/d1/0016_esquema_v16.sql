CREATE TABLE local_units (
  system_id TEXT NOT NULL REFERENCES systems(id), codigo TEXT NOT NULL, nome TEXT NOT NULL, sigla TEXT NOT NULL,
  repository_id INTEGER, numero TEXT, mapped_at TEXT, mapped_by TEXT,
  PRIMARY KEY (system_id, codigo)
) STRICT;
CREATE UNIQUE INDEX local_units_one_to_one ON local_units(system_id, repository_id, numero) WHERE numero IS NOT NULL;
CREATE TABLE local_unit_mapping_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, system_id TEXT NOT NULL, codigo TEXT NOT NULL,
  repository_id INTEGER, numero TEXT, at TEXT NOT NULL, actor TEXT NOT NULL
) STRICT;
