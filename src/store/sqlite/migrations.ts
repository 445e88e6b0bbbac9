/**
 * Schema migrations, applied in order and recorded in PRAGMA user_version. A migration is never
 * edited once released: add a new one.
 */
/*
 * Frozen workflow literals. The store takes every situação from the services (ARCHITECTURE "The
 * workflow is the domain's"), but two released migrations wrote the protocol's sets as they
 * stood, and released text is history: migration 1's partial unique index (one open trâmite per
 * NRE, `situacao BETWEEN 1 AND 4`, the domain's WORKFLOW.open) and migration 8's backfill of NRE
 * holders (`IN (5, 6)`, WORKFLOW.concluded, run once). test/store-has-no-workflow.test.ts checks
 * the index against the domain's open set; a workflow with another open set needs a new
 * migration that drops and recreates the index, not an edit here.
 */
export const migrations: readonly string[] = [
  /* 1: registry, trâmites, receipts, audit, tokens */ `
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
  `,
  /* 2: rules across trâmites of one NRE (spec §6), todas=0 bookkeeping (spec §2.14), replays */ `
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
  `,
  /* 3: long-poll deliveries, kept apart from todas=0 (spec §2.15: a pair is not offered twice in a loop) */ `
  CREATE TABLE longpoll_deliveries (
    system_id TEXT NOT NULL, idt INTEGER NOT NULL, situacao INTEGER NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (system_id, idt, situacao)
  ) STRICT;
  `,
  /* 4: audit lookups by kind (warnings raised once) */ `
  CREATE INDEX audit_events_kind ON audit_events(kind);
  `,
  /* 5: a version per NRE registration, so rule checks and creation are compare-and-set (spec §6) */ `
  ALTER TABLE nres ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
  `,
  /* 6: where the package and its propriedadesAdicionais lie in the stored body, to stream them (spec §2.16) */ `
  ALTER TABLE tramites ADD COLUMN package_ini INTEGER;
  ALTER TABLE tramites ADD COLUMN package_fim INTEGER;
  ALTER TABLE tramites ADD COLUMN props_ini INTEGER;
  ALTER TABLE tramites ADD COLUMN props_fim INTEGER;
  `,
  /* 7: the hub's situação-4 date beside the posted dataDeRecebimento (spec §7.2 step 1: both kept when they differ) */ `
  ALTER TABLE completion_receipts ADD COLUMN situacao4_date TEXT;
  `,
  /* 8: systems bound to an NRE: the parties of a trâmite that reached 5, imported holdings, administrative reassignment (spec §4.1, §6) */ `
  CREATE TABLE nre_holders (
    nre TEXT NOT NULL REFERENCES nres(nre), system_id TEXT NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (nre, system_id)
  ) STRICT;
  INSERT OR IGNORE INTO nre_holders (nre, system_id, source, at)
    SELECT nre, sender_system_id, 'tramite', last_transition_at FROM tramites WHERE situacao IN (5, 6);
  INSERT OR IGNORE INTO nre_holders (nre, system_id, source, at)
    SELECT nre, receiver_system_id, 'tramite', last_transition_at FROM tramites WHERE situacao IN (5, 6);
  `,
  /* 9: retention: when component bytes and metadata were removed, the metadata size for quotas, hash lookups */ `
  ALTER TABLE tramites ADD COLUMN components_purged_at TEXT;
  ALTER TABLE tramites ADD COLUMN metadata_purged_at TEXT;
  ALTER TABLE tramites ADD COLUMN metadata_size INTEGER;
  CREATE INDEX tramite_components_hash ON tramite_components(hash);
  CREATE INDEX tramites_metadata_blob ON tramites(metadata_blob_key);
  `,
  /* 10: participants as administrators register them: sigla, poder, UF, IBGE, contacts, a status with its history (registry issue) */ `
  ALTER TABLE participants ADD COLUMN sigla TEXT NOT NULL DEFAULT '';
  ALTER TABLE participants ADD COLUMN poder TEXT NOT NULL DEFAULT 'executivo';
  ALTER TABLE participants ADD COLUMN uf TEXT;
  ALTER TABLE participants ADD COLUMN ibge TEXT;
  ALTER TABLE participants ADD COLUMN contatos_json TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE participants ADD COLUMN status TEXT NOT NULL DEFAULT 'ativo';
  ALTER TABLE participants ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
  ALTER TABLE participants ADD COLUMN status_changed_at TEXT NOT NULL DEFAULT '';
  UPDATE participants SET status = CASE WHEN ativo = 1 THEN 'ativo' ELSE 'suspenso' END;
  ALTER TABLE participants DROP COLUMN ativo;
  CREATE TABLE participant_status_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, participant_id TEXT NOT NULL REFERENCES participants(id),
    from_status TEXT, to_status TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL
  ) STRICT;
  CREATE INDEX participant_status_changes_participant ON participant_status_changes(participant_id, seq);
  `,
  /* 11: a system's binding to a structure says whether it sends from it, receives for it, or both (registry issue) */ `
  ALTER TABLE system_bindings ADD COLUMN sends INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE system_bindings ADD COLUMN receives INTEGER NOT NULL DEFAULT 1;
  `,
  /* 12: administration tokens of a participant's administrator, and revocation (registry issue) */ `
  ALTER TABLE admin_tokens ADD COLUMN participant_id TEXT REFERENCES participants(id);
  ALTER TABLE admin_tokens ADD COLUMN revoked_at TEXT;
  `,
  /* 13: whose tree a unit belongs to, its successor, and the versions of each participant's imported tree (registry issue) */ `
  ALTER TABLE structures ADD COLUMN participant_id TEXT REFERENCES participants(id);
  ALTER TABLE structures ADD COLUMN successor_numero TEXT;
  UPDATE structures SET participant_id = (SELECT participant_id FROM repositories r WHERE r.id = structures.repository_id);
  CREATE INDEX structures_participant ON structures(repository_id, participant_id);
  CREATE TABLE structure_imports (
    repository_id INTEGER NOT NULL, participant_id TEXT NOT NULL REFERENCES participants(id), version INTEGER NOT NULL,
    effective_at TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, file_sha256 TEXT NOT NULL,
    created INTEGER NOT NULL, updated INTEGER NOT NULL, deactivated INTEGER NOT NULL,
    PRIMARY KEY (repository_id, participant_id, version)
  ) STRICT;
  `,
  /* 14: directory search at national scale: trigram index on nome and sigla (case and accents ignored), children by parent (registry issue) */ `
  CREATE INDEX structures_parent ON structures(repository_id, parent_numero);
  CREATE VIRTUAL TABLE structures_busca USING fts5(nome, sigla, content='structures', content_rowid='rowid', tokenize='trigram remove_diacritics 1');
  INSERT INTO structures_busca(structures_busca) VALUES ('rebuild');
  -- new units are indexed by the store in bulk after each write (4× faster than a row trigger on
  -- a national import); changed names and removals are kept in step by triggers
  CREATE TRIGGER structures_busca_ad AFTER DELETE ON structures BEGIN
    INSERT INTO structures_busca(structures_busca, rowid, nome, sigla) VALUES ('delete', old.rowid, old.nome, old.sigla);
  END;
  CREATE TRIGGER structures_busca_au AFTER UPDATE OF nome, sigla ON structures BEGIN
    INSERT INTO structures_busca(structures_busca, rowid, nome, sigla) VALUES ('delete', old.rowid, old.nome, old.sigla);
    INSERT INTO structures_busca(rowid, nome, sigla) VALUES (new.rowid, new.nome, new.sigla);
  END;
  `,
  /* 15: onboarding in one approval: one-time invitations and the partners' requests (registry issue) */ `
  CREATE TABLE invitations (
    code_sha256 TEXT PRIMARY KEY, created_at TEXT NOT NULL, expires_at TEXT NOT NULL, created_by TEXT NOT NULL,
    note TEXT NOT NULL, used_at TEXT
  ) STRICT;
  CREATE TABLE onboarding_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT, invitation_sha256 TEXT NOT NULL UNIQUE REFERENCES invitations(code_sha256),
    submitted_at TEXT NOT NULL, status TEXT NOT NULL, request_json TEXT NOT NULL,
    decided_at TEXT, decided_by TEXT, reason TEXT NOT NULL DEFAULT '', certificate_pem TEXT
  ) STRICT;
  `,
  /* 16: each system's own unit codes and their one-to-one mapping to federation structures, with history (registry issue) */ `
  CREATE TABLE local_units (
    system_id TEXT NOT NULL REFERENCES systems(id), codigo TEXT NOT NULL, nome TEXT NOT NULL, sigla TEXT NOT NULL,
    repository_id INTEGER, numero TEXT, mapped_at TEXT, mapped_by TEXT,
    PRIMARY KEY (system_id, codigo)
  ) STRICT;
  CREATE UNIQUE INDEX local_units_one_to_one ON local_units(system_id, repository_id, numero) WHERE numero IS NOT NULL;
  CREATE TABLE local_unit_mapping_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, system_id TEXT NOT NULL, codigo TEXT NOT NULL,
    repository_id INTEGER, numero TEXT, at TEXT NOT NULL, actor TEXT NOT NULL
  ) STRICT;
  `,
  /* 17: a counter every change to the directory (units, repositories, participants) moves, so caches of directory reads know when they are stale, whichever process wrote */ `
  CREATE TABLE directory_version (id INTEGER PRIMARY KEY CHECK (id = 1), v INTEGER NOT NULL) STRICT;
  INSERT INTO directory_version VALUES (1, 0);
  CREATE TRIGGER directory_version_si AFTER INSERT ON structures BEGIN UPDATE directory_version SET v = v + 1; END;
  CREATE TRIGGER directory_version_su AFTER UPDATE ON structures BEGIN UPDATE directory_version SET v = v + 1; END;
  CREATE TRIGGER directory_version_sd AFTER DELETE ON structures BEGIN UPDATE directory_version SET v = v + 1; END;
  CREATE TRIGGER directory_version_ri AFTER INSERT ON repositories BEGIN UPDATE directory_version SET v = v + 1; END;
  CREATE TRIGGER directory_version_ru AFTER UPDATE ON repositories BEGIN UPDATE directory_version SET v = v + 1; END;
  CREATE TRIGGER directory_version_rd AFTER DELETE ON repositories BEGIN UPDATE directory_version SET v = v + 1; END;
  CREATE TRIGGER directory_version_pu AFTER UPDATE ON participants BEGIN UPDATE directory_version SET v = v + 1; END;
  `,
  /* 18: the federation's code lists, editable with history; codes are never removed nor reused (registry issue) */ `
  CREATE TABLE code_list_entries (
    kind TEXT NOT NULL, codigo INTEGER NOT NULL, nome TEXT NOT NULL, ativo INTEGER NOT NULL,
    PRIMARY KEY (kind, codigo)
  ) STRICT;
  CREATE TABLE code_list_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, codigo INTEGER NOT NULL, at TEXT NOT NULL,
    actor TEXT NOT NULL, reason TEXT NOT NULL, before_json TEXT, after_json TEXT NOT NULL
  ) STRICT;
  CREATE INDEX code_list_changes_entry ON code_list_changes(kind, codigo, seq);
  -- spec §2.5: SEI deletes its mappings of a code that disappears; a code, once listed, stays
  CREATE TRIGGER code_list_entries_kept BEFORE DELETE ON code_list_entries BEGIN
    SELECT RAISE(ABORT, 'code list entries are never removed (spec 2.5)');
  END;
  CREATE TRIGGER code_list_entries_code_kept BEFORE UPDATE OF kind, codigo ON code_list_entries BEGIN
    SELECT RAISE(ABORT, 'a code list entry keeps its code (spec 2.5)');
  END;
  CREATE TRIGGER code_list_changes_kept BEFORE DELETE ON code_list_changes BEGIN
    SELECT RAISE(ABORT, 'code list history is append-only');
  END;
  CREATE TRIGGER code_list_changes_unchanged BEFORE UPDATE ON code_list_changes BEGIN
    SELECT RAISE(ABORT, 'code list history is append-only');
  END;
  `,
  /* 19: each system's declared capabilities (preflight only) and its code lists mapped to espécies and hipóteses, with history (registry issue) */ `
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
  `,
  /* 20: monitoring: search of trâmites by unit and period, transitions by time, and the log of refused transfer-face requests (monitoring issue) */ `
  CREATE INDEX tramites_rem_unit ON tramites(rem_num, idt);
  CREATE INDEX tramites_dest_unit ON tramites(dest_num, idt);
  CREATE INDEX tramites_created ON tramites(created_at, idt);
  CREATE INDEX tramites_sender_idt ON tramites(sender_system_id, idt);
  CREATE INDEX tramites_receiver_idt ON tramites(receiver_system_id, idt);
  CREATE INDEX tramite_history_at ON tramite_history(at);
  -- refused requests of systems, kept apart from the trâmites: most never got an IDT (0001, 0047, 0044)
  CREATE TABLE refused_requests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, system_key TEXT NOT NULL, system_id TEXT, participant_id TEXT,
    method TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL, code TEXT NOT NULL, codigo_erro TEXT NOT NULL,
    nre TEXT, idt INTEGER, mensagem TEXT NOT NULL, details_json TEXT NOT NULL
  ) STRICT;
  CREATE INDEX refused_requests_system ON refused_requests(system_key, seq);
  CREATE INDEX refused_requests_participant ON refused_requests(participant_id, seq);
  CREATE INDEX refused_requests_at ON refused_requests(at);
  CREATE INDEX refused_requests_nre ON refused_requests(nre, seq);
  `,
  /* 21: webhooks: each system's notification URL and the outbox of new-pendência events, written in the transaction of the transition (README "Notificações por webhook") */ `
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
  `,
  /* tamper-evident audit log: each event a link of its node's hash chain, the chain heads, the hub's signed checkpoints (domain/audit-chain.ts; issue 11 §7). Events written before stay outside any chain. */ `
  ALTER TABLE audit_events ADD COLUMN chain TEXT;
  ALTER TABLE audit_events ADD COLUMN position INTEGER;
  ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
  ALTER TABLE audit_events ADD COLUMN hash TEXT;
  CREATE UNIQUE INDEX audit_events_chain ON audit_events(chain, position);
  CREATE TABLE audit_chains (chain TEXT PRIMARY KEY, position INTEGER NOT NULL, hash TEXT NOT NULL) STRICT;
  CREATE TABLE audit_checkpoints (
    chain TEXT NOT NULL, position INTEGER NOT NULL, hash TEXT NOT NULL, at TEXT NOT NULL,
    signature TEXT NOT NULL, chain_pem TEXT NOT NULL, PRIMARY KEY (chain, position)
  ) STRICT;
  `,
  /* metadata_format: 'xml-assinado' when the metadata blob is a sender-signed package XML (native face); NULL is the Tramita JSON body */ `
  ALTER TABLE tramites ADD COLUMN metadata_format TEXT;
  `,
  /* 24: hub seals: the package XML of each trâmite whose components are complete, signed by the hub, kept as a blob (issue 11 item 2) */ `
  CREATE TABLE tramite_seals (
    idt INTEGER PRIMARY KEY REFERENCES tramites(idt), blob_key TEXT NOT NULL, sha256 TEXT NOT NULL, sealed_at TEXT NOT NULL
  ) STRICT;
  `,
  /* 25: a counter every change to who may call moves (participants, systems, their bindings and certificates), so the identity cache of each request knows when it is stale, whichever process wrote (issue 12 item 2) */ `
  CREATE TABLE identity_version (id INTEGER PRIMARY KEY CHECK (id = 1), v INTEGER NOT NULL) STRICT;
  INSERT INTO identity_version VALUES (1, 0);
  CREATE TRIGGER identity_version_pi AFTER INSERT ON participants BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_pu AFTER UPDATE ON participants BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_pd AFTER DELETE ON participants BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_si AFTER INSERT ON systems BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_su AFTER UPDATE ON systems BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_sd AFTER DELETE ON systems BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_bi AFTER INSERT ON system_bindings BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_bu AFTER UPDATE ON system_bindings BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_bd AFTER DELETE ON system_bindings BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_ci AFTER INSERT ON system_certificates BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_cu AFTER UPDATE ON system_certificates BEGIN UPDATE identity_version SET v = v + 1; END;
  CREATE TRIGGER identity_version_cd AFTER DELETE ON system_certificates BEGIN UPDATE identity_version SET v = v + 1; END;
  `,
  /* 26: a word index of unit names, with prefixes of 4 to 6 letters, whose count bounds a broad name search's from below (registry issue; registry-sql.ts wordBound) */ `
  CREATE VIRTUAL TABLE structures_palavras USING fts5(nome, content='structures', content_rowid='rowid', tokenize='unicode61 remove_diacritics 1', detail=none, prefix='4 5 6');
  INSERT INTO structures_palavras(structures_palavras) VALUES ('rebuild');
  -- new units are indexed by the store in bulk after each write, as structures_busca's
  CREATE TRIGGER structures_palavras_ad AFTER DELETE ON structures BEGIN
    INSERT INTO structures_palavras(structures_palavras, rowid, nome) VALUES ('delete', old.rowid, old.nome);
  END;
  CREATE TRIGGER structures_palavras_au AFTER UPDATE OF nome ON structures BEGIN
    INSERT INTO structures_palavras(structures_palavras, rowid, nome) VALUES ('delete', old.rowid, old.nome);
    INSERT INTO structures_palavras(rowid, nome) VALUES (new.rowid, new.nome);
  END;
  `,
];
