CREATE TABLE invitations (
  code_sha256 TEXT PRIMARY KEY, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, created_by TEXT NOT NULL,
  note TEXT NOT NULL, used_at TEXT
) STRICT;
CREATE TABLE onboarding_requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT, invitation_sha256 TEXT NOT NULL UNIQUE REFERENCES invitations(code_sha256),
  submitted_at TEXT NOT NULL, status TEXT NOT NULL, request_json TEXT NOT NULL,
  decided_at TEXT, decided_by TEXT, reason TEXT NOT NULL DEFAULT '', certificate_pem TEXT
) STRICT;
