ALTER TABLE tramites ADD COLUMN metadata_format TEXT;
