CREATE TABLE participants (
  id TEXT PRIMARY KEY, cnpj TEXT NOT NULL UNIQUE, nome TEXT NOT NULL, esfera TEXT NOT NULL,
  ativo INTEGER NOT NULL
) STRICT;
CREATE TABLE repositories (
  id INTEGER PRIMARY KEY, nome TEXT NOT NULL, ativo INTEGER NOT NULL,
  participant_id TEXT REFERENCES participants(id)
) STRICT;
CREATE TABLE structures (
  repository_id INTEGER NOT NULL REFERENCES repositories(id), numero TEXT NOT NULL,
  nome TEXT NOT NULL, sigla TEXT NOT NULL, ativo INTEGER NOT NULL, parent_numero TEXT,
  unidade_receptora INTEGER NOT NULL, apto_receber INTEGER NOT NULL, apto_enviar INTEGER NOT NULL,
  codigo_no_orgao TEXT NOT NULL, codigo_unidade_receptora TEXT NOT NULL,
  PRIMARY KEY (repository_id, numero)
) STRICT;
CREATE TABLE systems (
  id TEXT PRIMARY KEY, nome TEXT NOT NULL, participant_id TEXT NOT NULL REFERENCES participants(id),
  ativo INTEGER NOT NULL
) STRICT;
CREATE TABLE system_bindings (
  system_id TEXT NOT NULL REFERENCES systems(id), repository_id INTEGER NOT NULL,
  numero TEXT NOT NULL, subtree INTEGER NOT NULL,
  PRIMARY KEY (system_id, repository_id, numero)
) STRICT;
CREATE TABLE system_certificates (
  fingerprint256 TEXT PRIMARY KEY, system_id TEXT NOT NULL REFERENCES systems(id),
  subject TEXT NOT NULL, serial TEXT NOT NULL, not_before TEXT NOT NULL, not_after TEXT NOT NULL,
  pem TEXT NOT NULL, status TEXT NOT NULL, added_at TEXT NOT NULL, revoked_at TEXT
) STRICT;
CREATE INDEX system_certificates_system ON system_certificates(system_id);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
CREATE TABLE nres (nre TEXT PRIMARY KEY, protocolo TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;
CREATE TABLE tramites (
  idt INTEGER PRIMARY KEY, nre TEXT NOT NULL REFERENCES nres(nre), kind TEXT NOT NULL,
  protocolo TEXT NOT NULL,
  rem_rep INTEGER NOT NULL, rem_num TEXT NOT NULL, dest_rep INTEGER NOT NULL, dest_num TEXT NOT NULL,
  rec_rep INTEGER, rec_num TEXT,
  sender_system_id TEXT NOT NULL, receiver_system_id TEXT NOT NULL,
  situacao INTEGER NOT NULL, ticket TEXT NOT NULL,
  is_replay INTEGER NOT NULL, envio_parcial INTEGER NOT NULL, urgente INTEGER NOT NULL,
  motivo_urgencia INTEGER, metadata_blob_key TEXT NOT NULL,
  created_at TEXT NOT NULL, last_transition_at TEXT NOT NULL, components_complete_at TEXT,
  refusal_motivo TEXT, refusal_justificativa TEXT, refusal_at TEXT
) STRICT;
-- spec §5.4: at most one open trâmite (1–4) per NRE, guaranteed by the database itself.
CREATE UNIQUE INDEX tramites_one_open_per_nre ON tramites(nre) WHERE situacao BETWEEN 1 AND 4;
CREATE INDEX tramites_nre ON tramites(nre, idt);
CREATE INDEX tramites_sender ON tramites(sender_system_id, situacao);
CREATE INDEX tramites_receiver ON tramites(receiver_system_id, situacao);
CREATE INDEX tramites_ticket ON tramites(ticket);
CREATE INDEX tramites_protocolo ON tramites(protocolo);
CREATE TABLE tramite_history (
  idt INTEGER NOT NULL REFERENCES tramites(idt), seq INTEGER NOT NULL, situacao INTEGER NOT NULL,
  at TEXT NOT NULL, PRIMARY KEY (idt, seq)
) STRICT;
CREATE TABLE tramite_components (
  idt INTEGER NOT NULL REFERENCES tramites(idt), hash TEXT NOT NULL, size INTEGER NOT NULL,
  protocolo TEXT NOT NULL, requested INTEGER NOT NULL, received INTEGER NOT NULL,
  pending_receiver INTEGER NOT NULL, delivered INTEGER NOT NULL, occurrences INTEGER NOT NULL,
  PRIMARY KEY (idt, hash)
) STRICT;
CREATE TABLE component_blobs (
  hash TEXT PRIMARY KEY, size INTEGER NOT NULL, blob_key TEXT NOT NULL, stored_at TEXT NOT NULL
) STRICT;
CREATE TABLE download_ranges (
  idt INTEGER NOT NULL, hash TEXT NOT NULL, ini INTEGER NOT NULL, fim INTEGER NOT NULL, at TEXT NOT NULL
) STRICT;
CREATE INDEX download_ranges_idt_hash ON download_ranges(idt, hash);
CREATE TABLE send_receipts (
  idt INTEGER PRIMARY KEY REFERENCES tramites(idt), data TEXT NOT NULL, hashes_json TEXT NOT NULL,
  signed_string TEXT NOT NULL, signature TEXT NOT NULL, chain_pem TEXT NOT NULL
) STRICT;
CREATE TABLE completion_receipts (
  idt INTEGER PRIMARY KEY REFERENCES tramites(idt), data_de_recebimento TEXT NOT NULL,
  hash_da_assinatura TEXT NOT NULL, hashes_json TEXT NOT NULL, signed_string TEXT NOT NULL,
  signer_chain_pem TEXT NOT NULL, received_at TEXT NOT NULL
) STRICT;
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
  idt INTEGER, data_json TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_idt ON audit_events(idt);
CREATE TABLE admin_tokens (
  token_sha256 TEXT PRIMARY KEY, role TEXT NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL
) STRICT;
