CREATE TABLE tramite_seals (
  idt INTEGER PRIMARY KEY REFERENCES tramites(idt), blob_key TEXT NOT NULL, sha256 TEXT NOT NULL, sealed_at TEXT NOT NULL
) STRICT;
