CREATE TABLE nre_documents (
  nre TEXT NOT NULL REFERENCES nres(nre), protocolo TEXT NOT NULL, ordem INTEGER NOT NULL,
  especie INTEGER NOT NULL, retirado INTEGER NOT NULL, anexado TEXT,
  components_json TEXT NOT NULL, registered_idt INTEGER NOT NULL,
  PRIMARY KEY (nre, protocolo, ordem)
) STRICT;
CREATE TABLE pendencia_deliveries (
  system_id TEXT NOT NULL, idt INTEGER NOT NULL, situacao INTEGER NOT NULL,
  PRIMARY KEY (system_id, idt, situacao)
) STRICT;
ALTER TABLE tramites ADD COLUMN replay_of INTEGER;
CREATE INDEX tramites_last_transition ON tramites(situacao, last_transition_at);
