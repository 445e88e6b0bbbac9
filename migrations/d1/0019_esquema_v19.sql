CREATE TABLE system_capabilities (
  system_id TEXT PRIMARY KEY REFERENCES systems(id), mime_types TEXT, max_component_bytes INTEGER, envio_parcial INTEGER,
  declared_by TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL
) STRICT;
CREATE TABLE local_codes (
  system_id TEXT NOT NULL REFERENCES systems(id), lista TEXT NOT NULL, codigo TEXT NOT NULL, nome TEXT NOT NULL,
  federation_code INTEGER, mapped_at TEXT, mapped_by TEXT,
  PRIMARY KEY (system_id, lista, codigo)
) STRICT;
CREATE UNIQUE INDEX local_codes_one_to_one ON local_codes(system_id, lista, federation_code) WHERE federation_code IS NOT NULL;
CREATE TABLE local_code_mapping_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, system_id TEXT NOT NULL, lista TEXT NOT NULL, codigo TEXT NOT NULL,
  federation_code INTEGER, at TEXT NOT NULL, actor TEXT NOT NULL
) STRICT;
