CREATE TABLE system_webhooks (
  system_id TEXT PRIMARY KEY REFERENCES systems(id), url TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL
) STRICT;
CREATE TABLE webhook_outbox (
  id TEXT PRIMARY KEY, system_id TEXT NOT NULL, side TEXT NOT NULL, idt INTEGER NOT NULL, nre TEXT NOT NULL,
  situacao INTEGER NOT NULL, is_replay INTEGER NOT NULL, created_at TEXT NOT NULL, state TEXT NOT NULL,
  attempts INTEGER NOT NULL, next_attempt_at TEXT NOT NULL, last_error TEXT, last_attempt_at TEXT,
  delivered_at TEXT, lease_owner TEXT, lease_until TEXT
) STRICT;
CREATE INDEX webhook_outbox_due ON webhook_outbox(state, next_attempt_at);
CREATE INDEX webhook_outbox_system ON webhook_outbox(system_id, state);
