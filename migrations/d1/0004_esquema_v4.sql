CREATE INDEX audit_events_kind ON audit_events(kind);
