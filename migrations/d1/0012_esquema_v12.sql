ALTER TABLE admin_tokens ADD COLUMN participant_id TEXT REFERENCES participants(id);
ALTER TABLE admin_tokens ADD COLUMN revoked_at TEXT;
