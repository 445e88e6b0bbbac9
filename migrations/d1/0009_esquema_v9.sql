ALTER TABLE tramites ADD COLUMN components_purged_at TEXT;
ALTER TABLE tramites ADD COLUMN metadata_purged_at TEXT;
ALTER TABLE tramites ADD COLUMN metadata_size INTEGER;
CREATE INDEX tramite_components_hash ON tramite_components(hash);
CREATE INDEX tramites_metadata_blob ON tramites(metadata_blob_key);
