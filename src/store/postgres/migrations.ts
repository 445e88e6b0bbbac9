/**
 * PostgreSQL schema migrations, applied in order and recorded in `schema_migrations` (see
 * migrate.ts). A migration is never edited once released: add a new one at the end.
 *
 * Migration 1 is the schema the SQLite store reached with its migrations 1–9, in PostgreSQL's
 * types: booleans are BOOLEAN, ids and sizes BIGINT, and every text column compares byte by byte
 * (COLLATE "C", as SQLite does), so that ISO dates, protocol numbers and ordered listings compare
 * alike whatever the database's locale.
 */
/*
 * Frozen workflow literal, as in the SQLite migrations: the one-open-trâmite-per-NRE partial
 * unique index (spec §5.4) lists the domain's open set (WORKFLOW.open) as it stood when this
 * migration was written. test/store-has-no-workflow.test.ts checks it against the domain's set on
 * a real database; a workflow with another open set needs a new migration that replaces the index.
 */
const T = 'TEXT COLLATE "C"';

export const migrations: readonly string[] = [
  /* 1: the whole schema (registry, trâmites, receipts, NRE registrations and holders, deliveries, retention, audit, tokens) */ `
  CREATE TABLE participants (
    id ${T} PRIMARY KEY, cnpj ${T} NOT NULL UNIQUE, nome ${T} NOT NULL, esfera ${T} NOT NULL, ativo BOOLEAN NOT NULL
  );
  CREATE TABLE repositories (
    id BIGINT PRIMARY KEY, nome ${T} NOT NULL, ativo BOOLEAN NOT NULL, participant_id ${T} REFERENCES participants(id)
  );
  CREATE TABLE structures (
    repository_id BIGINT NOT NULL REFERENCES repositories(id), numero ${T} NOT NULL,
    nome ${T} NOT NULL, sigla ${T} NOT NULL, ativo BOOLEAN NOT NULL, parent_numero ${T},
    unidade_receptora BOOLEAN NOT NULL, apto_receber BOOLEAN NOT NULL, apto_enviar BOOLEAN NOT NULL,
    codigo_no_orgao ${T} NOT NULL, codigo_unidade_receptora ${T} NOT NULL,
    PRIMARY KEY (repository_id, numero)
  );
  CREATE TABLE systems (
    id ${T} PRIMARY KEY, nome ${T} NOT NULL, participant_id ${T} NOT NULL REFERENCES participants(id), ativo BOOLEAN NOT NULL
  );
  CREATE TABLE system_bindings (
    system_id ${T} NOT NULL REFERENCES systems(id), repository_id BIGINT NOT NULL, numero ${T} NOT NULL, subtree BOOLEAN NOT NULL,
    PRIMARY KEY (system_id, repository_id, numero)
  );
  CREATE TABLE system_certificates (
    fingerprint256 ${T} PRIMARY KEY, system_id ${T} NOT NULL REFERENCES systems(id),
    subject ${T} NOT NULL, serial ${T} NOT NULL, not_before ${T} NOT NULL, not_after ${T} NOT NULL,
    pem ${T} NOT NULL, status ${T} NOT NULL, added_at ${T} NOT NULL, revoked_at ${T}
  );
  CREATE INDEX system_certificates_system ON system_certificates(system_id);
  CREATE TABLE counters (name ${T} PRIMARY KEY, value BIGINT NOT NULL);
  CREATE TABLE nres (nre ${T} PRIMARY KEY, protocolo ${T} NOT NULL, created_at ${T} NOT NULL, version BIGINT NOT NULL DEFAULT 0);
  CREATE TABLE tramites (
    idt BIGINT PRIMARY KEY, nre ${T} NOT NULL REFERENCES nres(nre), kind ${T} NOT NULL, protocolo ${T} NOT NULL,
    rem_rep BIGINT NOT NULL, rem_num ${T} NOT NULL, dest_rep BIGINT NOT NULL, dest_num ${T} NOT NULL,
    rec_rep BIGINT, rec_num ${T},
    sender_system_id ${T} NOT NULL, receiver_system_id ${T} NOT NULL,
    situacao INTEGER NOT NULL, ticket ${T} NOT NULL,
    is_replay BOOLEAN NOT NULL, envio_parcial BOOLEAN NOT NULL, urgente BOOLEAN NOT NULL,
    motivo_urgencia INTEGER, metadata_blob_key ${T} NOT NULL,
    created_at ${T} NOT NULL, last_transition_at ${T} NOT NULL, components_complete_at ${T},
    refusal_motivo ${T}, refusal_justificativa ${T}, refusal_at ${T},
    replay_of BIGINT,
    package_ini BIGINT, package_fim BIGINT, props_ini BIGINT, props_fim BIGINT,
    components_purged_at ${T}, metadata_purged_at ${T}, metadata_size BIGINT
  );
  -- spec §5.4: at most one open trâmite per NRE, guaranteed by the database itself (frozen: see above).
  CREATE UNIQUE INDEX tramites_one_open_per_nre ON tramites(nre) WHERE situacao IN (1, 2, 3, 4);
  CREATE INDEX tramites_nre ON tramites(nre, idt);
  CREATE INDEX tramites_sender ON tramites(sender_system_id, situacao);
  CREATE INDEX tramites_receiver ON tramites(receiver_system_id, situacao);
  CREATE INDEX tramites_ticket ON tramites(ticket);
  CREATE INDEX tramites_protocolo ON tramites(protocolo);
  CREATE INDEX tramites_last_transition ON tramites(situacao, last_transition_at);
  CREATE INDEX tramites_metadata_blob ON tramites(metadata_blob_key);
  CREATE TABLE tramite_history (
    idt BIGINT NOT NULL REFERENCES tramites(idt), seq INTEGER NOT NULL, situacao INTEGER NOT NULL, at ${T} NOT NULL,
    PRIMARY KEY (idt, seq)
  );
  CREATE TABLE tramite_components (
    idt BIGINT NOT NULL REFERENCES tramites(idt), hash ${T} NOT NULL, size BIGINT NOT NULL,
    protocolo ${T} NOT NULL, requested BOOLEAN NOT NULL, received BOOLEAN NOT NULL,
    pending_receiver BOOLEAN NOT NULL, delivered BOOLEAN NOT NULL, occurrences INTEGER NOT NULL,
    -- the order the package listed them in (SQLite's rowid)
    ord BIGINT GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (idt, hash)
  );
  CREATE INDEX tramite_components_hash ON tramite_components(hash);
  CREATE TABLE component_blobs (
    hash ${T} PRIMARY KEY, size BIGINT NOT NULL, blob_key ${T} NOT NULL, stored_at ${T} NOT NULL
  );
  CREATE TABLE download_ranges (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idt BIGINT NOT NULL, hash ${T} NOT NULL, ini BIGINT NOT NULL, fim BIGINT NOT NULL, at ${T} NOT NULL
  );
  CREATE INDEX download_ranges_idt_hash ON download_ranges(idt, hash);
  CREATE TABLE send_receipts (
    idt BIGINT PRIMARY KEY REFERENCES tramites(idt), data ${T} NOT NULL, hashes_json ${T} NOT NULL,
    signed_string ${T} NOT NULL, signature ${T} NOT NULL, chain_pem ${T} NOT NULL
  );
  CREATE TABLE completion_receipts (
    idt BIGINT PRIMARY KEY REFERENCES tramites(idt), data_de_recebimento ${T} NOT NULL,
    hash_da_assinatura ${T} NOT NULL, hashes_json ${T} NOT NULL, signed_string ${T} NOT NULL,
    signer_chain_pem ${T} NOT NULL, received_at ${T} NOT NULL, situacao4_date ${T}
  );
  CREATE TABLE nre_documents (
    nre ${T} NOT NULL REFERENCES nres(nre), protocolo ${T} NOT NULL, ordem INTEGER NOT NULL,
    especie INTEGER NOT NULL, retirado BOOLEAN NOT NULL, anexado ${T},
    components_json ${T} NOT NULL, registered_idt BIGINT NOT NULL,
    PRIMARY KEY (nre, protocolo, ordem)
  );
  CREATE TABLE nre_holders (
    nre ${T} NOT NULL REFERENCES nres(nre), system_id ${T} NOT NULL, source ${T} NOT NULL, at ${T} NOT NULL,
    PRIMARY KEY (nre, system_id)
  );
  CREATE TABLE pendencia_deliveries (
    system_id ${T} NOT NULL, idt BIGINT NOT NULL, situacao INTEGER NOT NULL,
    PRIMARY KEY (system_id, idt, situacao)
  );
  CREATE TABLE longpoll_deliveries (
    system_id ${T} NOT NULL, idt BIGINT NOT NULL, situacao INTEGER NOT NULL, at ${T} NOT NULL,
    PRIMARY KEY (system_id, idt, situacao)
  );
  CREATE TABLE audit_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at ${T} NOT NULL, kind ${T} NOT NULL, actor ${T} NOT NULL,
    idt BIGINT, data_json ${T} NOT NULL
  );
  CREATE INDEX audit_events_idt ON audit_events(idt);
  CREATE INDEX audit_events_kind ON audit_events(kind);
  CREATE TABLE admin_tokens (
    token_sha256 ${T} PRIMARY KEY, role ${T} NOT NULL, label ${T} NOT NULL, created_at ${T} NOT NULL
  );
  `,
  /* 2: participants as administrators register them: sigla, poder, UF, IBGE, contacts, a status with its history (SQLite 10) */ `
  ALTER TABLE participants ADD COLUMN sigla ${T} NOT NULL DEFAULT '';
  ALTER TABLE participants ADD COLUMN poder ${T} NOT NULL DEFAULT 'executivo';
  ALTER TABLE participants ADD COLUMN uf ${T};
  ALTER TABLE participants ADD COLUMN ibge ${T};
  ALTER TABLE participants ADD COLUMN contatos_json ${T} NOT NULL DEFAULT '[]';
  ALTER TABLE participants ADD COLUMN status ${T} NOT NULL DEFAULT 'ativo';
  ALTER TABLE participants ADD COLUMN status_reason ${T} NOT NULL DEFAULT '';
  ALTER TABLE participants ADD COLUMN status_changed_at ${T} NOT NULL DEFAULT '';
  UPDATE participants SET status = CASE WHEN ativo THEN 'ativo' ELSE 'suspenso' END;
  ALTER TABLE participants DROP COLUMN ativo;
  CREATE TABLE participant_status_changes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, participant_id ${T} NOT NULL REFERENCES participants(id),
    from_status ${T}, to_status ${T} NOT NULL, at ${T} NOT NULL, actor ${T} NOT NULL, reason ${T} NOT NULL
  );
  CREATE INDEX participant_status_changes_participant ON participant_status_changes(participant_id, seq);
  `,
  /* 3: a system's binding to a structure says whether it sends from it, receives for it, or both (SQLite 11) */ `
  ALTER TABLE system_bindings ADD COLUMN sends BOOLEAN NOT NULL DEFAULT TRUE;
  ALTER TABLE system_bindings ADD COLUMN receives BOOLEAN NOT NULL DEFAULT TRUE;
  `,
  /* 4: administration tokens of a participant's administrator, and revocation (SQLite 12) */ `
  ALTER TABLE admin_tokens ADD COLUMN participant_id ${T} REFERENCES participants(id);
  ALTER TABLE admin_tokens ADD COLUMN revoked_at ${T};
  `,
  /* 5: whose tree a unit belongs to, its successor, and the versions of each participant's imported tree (SQLite 13) */ `
  ALTER TABLE structures ADD COLUMN participant_id ${T} REFERENCES participants(id);
  ALTER TABLE structures ADD COLUMN successor_numero ${T};
  UPDATE structures SET participant_id = (SELECT participant_id FROM repositories r WHERE r.id = structures.repository_id);
  CREATE INDEX structures_participant ON structures(repository_id, participant_id);
  CREATE TABLE structure_imports (
    repository_id BIGINT NOT NULL, participant_id ${T} NOT NULL REFERENCES participants(id), version INTEGER NOT NULL,
    effective_at ${T} NOT NULL, at ${T} NOT NULL, actor ${T} NOT NULL, file_sha256 ${T} NOT NULL,
    created INTEGER NOT NULL, updated INTEGER NOT NULL, deactivated INTEGER NOT NULL,
    PRIMARY KEY (repository_id, participant_id, version)
  );
  `,
  /* 6: directory search at national scale: trigram indexes on nome and sigla folded (case and accents), children by parent, a stable order (SQLite 14) */ `
  CREATE EXTENSION IF NOT EXISTS unaccent;
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE FUNCTION elo_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
  ALTER TABLE structures ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
  CREATE INDEX structures_order ON structures(repository_id, seq);
  CREATE INDEX structures_nome_busca ON structures USING gin (elo_fold(nome) gin_trgm_ops);
  CREATE INDEX structures_sigla_busca ON structures USING gin (elo_fold(sigla) gin_trgm_ops);
  CREATE INDEX structures_parent ON structures(repository_id, parent_numero);
  `,
  /* 7: onboarding in one approval: one-time invitations and the partners' requests (SQLite 15) */ `
  CREATE TABLE invitations (
    code_sha256 ${T} PRIMARY KEY, created_at ${T} NOT NULL, expires_at ${T} NOT NULL, created_by ${T} NOT NULL,
    note ${T} NOT NULL, used_at ${T}
  );
  CREATE TABLE onboarding_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, invitation_sha256 ${T} NOT NULL UNIQUE REFERENCES invitations(code_sha256),
    submitted_at ${T} NOT NULL, status ${T} NOT NULL, request_json ${T} NOT NULL,
    decided_at ${T}, decided_by ${T}, reason ${T} NOT NULL DEFAULT '', certificate_pem ${T}
  );
  `,
  /* 8: each system's own unit codes and their one-to-one mapping to federation structures, with history (SQLite 16) */ `
  CREATE TABLE local_units (
    system_id ${T} NOT NULL REFERENCES systems(id), codigo ${T} NOT NULL, nome ${T} NOT NULL, sigla ${T} NOT NULL,
    repository_id BIGINT, numero ${T}, mapped_at ${T}, mapped_by ${T},
    PRIMARY KEY (system_id, codigo)
  );
  CREATE UNIQUE INDEX local_units_one_to_one ON local_units(system_id, repository_id, numero) WHERE numero IS NOT NULL;
  CREATE TABLE local_unit_mapping_history (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, system_id ${T} NOT NULL, codigo ${T} NOT NULL,
    repository_id BIGINT, numero ${T}, at ${T} NOT NULL, actor ${T} NOT NULL
  );
  `,
  /* 9: a counter every change to the directory moves, so caches of directory reads know when they are stale, whichever node wrote (SQLite 17) */ `
  CREATE TABLE directory_version (id INTEGER PRIMARY KEY CHECK (id = 1), v BIGINT NOT NULL);
  -- no row until the first change: a new database stays empty, as \`elo db copy\` requires of its target
  CREATE FUNCTION elo_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO directory_version VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET v = directory_version.v + 1; RETURN NULL; END $$;
  CREATE TRIGGER directory_version_s AFTER INSERT OR UPDATE OR DELETE ON structures FOR EACH STATEMENT EXECUTE FUNCTION elo_directory_changed();
  CREATE TRIGGER directory_version_r AFTER INSERT OR UPDATE OR DELETE ON repositories FOR EACH STATEMENT EXECUTE FUNCTION elo_directory_changed();
  CREATE TRIGGER directory_version_p AFTER UPDATE ON participants FOR EACH STATEMENT EXECUTE FUNCTION elo_directory_changed();
  `,
  /* 10: the federation's code lists, editable with history; codes are never removed nor reused (SQLite 18) */ `
  CREATE TABLE code_list_entries (
    kind ${T} NOT NULL, codigo BIGINT NOT NULL, nome ${T} NOT NULL, ativo BOOLEAN NOT NULL,
    PRIMARY KEY (kind, codigo)
  );
  CREATE TABLE code_list_changes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind ${T} NOT NULL, codigo BIGINT NOT NULL, at ${T} NOT NULL,
    actor ${T} NOT NULL, reason ${T} NOT NULL, before_json ${T}, after_json ${T} NOT NULL
  );
  CREATE INDEX code_list_changes_entry ON code_list_changes(kind, codigo, seq);
  -- spec §2.5: SEI deletes its mappings of a code that disappears; a code, once listed, stays
  CREATE FUNCTION elo_code_lists_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'Elo: %', TG_ARGV[0]; END
  $$;
  CREATE TRIGGER code_list_entries_kept BEFORE DELETE ON code_list_entries
    FOR EACH ROW EXECUTE FUNCTION elo_code_lists_kept('code list entries are never removed (spec 2.5)');
  CREATE TRIGGER code_list_entries_truncate_kept BEFORE TRUNCATE ON code_list_entries
    FOR EACH STATEMENT EXECUTE FUNCTION elo_code_lists_kept('code list entries are never removed (spec 2.5)');
  CREATE TRIGGER code_list_entries_code_kept BEFORE UPDATE OF kind, codigo ON code_list_entries
    FOR EACH ROW EXECUTE FUNCTION elo_code_lists_kept('a code list entry keeps its code (spec 2.5)');
  CREATE TRIGGER code_list_changes_kept BEFORE UPDATE OR DELETE ON code_list_changes
    FOR EACH ROW EXECUTE FUNCTION elo_code_lists_kept('code list history is append-only');
  CREATE TRIGGER code_list_changes_truncate_kept BEFORE TRUNCATE ON code_list_changes
    FOR EACH STATEMENT EXECUTE FUNCTION elo_code_lists_kept('code list history is append-only');
  `,
  /* 11: each system's declared capabilities (preflight only) and its code lists mapped to espécies and hipóteses, with history (SQLite 19) */ `
  CREATE TABLE system_capabilities (
    system_id ${T} PRIMARY KEY REFERENCES systems(id), mime_types ${T}, max_component_bytes BIGINT, envio_parcial BOOLEAN,
    declared_by ${T} NOT NULL, at ${T} NOT NULL, actor ${T} NOT NULL
  );
  CREATE TABLE local_codes (
    system_id ${T} NOT NULL REFERENCES systems(id), lista ${T} NOT NULL, codigo ${T} NOT NULL, nome ${T} NOT NULL,
    federation_code BIGINT, mapped_at ${T}, mapped_by ${T},
    PRIMARY KEY (system_id, lista, codigo)
  );
  CREATE UNIQUE INDEX local_codes_one_to_one ON local_codes(system_id, lista, federation_code) WHERE federation_code IS NOT NULL;
  CREATE TABLE local_code_mapping_history (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, system_id ${T} NOT NULL, lista ${T} NOT NULL, codigo ${T} NOT NULL,
    federation_code BIGINT, at ${T} NOT NULL, actor ${T} NOT NULL
  );
  `,
  /* 12: monitoring: search of trâmites by unit and period, transitions by time, and the log of refused transfer-face requests (SQLite 20) */ `
  CREATE INDEX tramites_rem_unit ON tramites(rem_num, idt);
  CREATE INDEX tramites_dest_unit ON tramites(dest_num, idt);
  CREATE INDEX tramites_created ON tramites(created_at, idt);
  CREATE INDEX tramites_sender_idt ON tramites(sender_system_id, idt);
  CREATE INDEX tramites_receiver_idt ON tramites(receiver_system_id, idt);
  CREATE INDEX tramite_history_at ON tramite_history(at);
  CREATE TABLE refused_requests (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at ${T} NOT NULL, system_key ${T} NOT NULL, system_id ${T}, participant_id ${T},
    method ${T} NOT NULL, route ${T} NOT NULL, status INTEGER NOT NULL, code ${T} NOT NULL, codigo_erro ${T} NOT NULL,
    nre ${T}, idt BIGINT, mensagem ${T} NOT NULL, details_json ${T} NOT NULL
  );
  CREATE INDEX refused_requests_system ON refused_requests(system_key, seq);
  CREATE INDEX refused_requests_participant ON refused_requests(participant_id, seq);
  CREATE INDEX refused_requests_at ON refused_requests(at);
  CREATE INDEX refused_requests_nre ON refused_requests(nre, seq);
  `,
  /* 13: webhooks: each system's notification URL and the outbox of new-pendência events, written in the transaction of the transition (SQLite 21) */ `
  CREATE TABLE system_webhooks (
    system_id ${T} PRIMARY KEY REFERENCES systems(id), url ${T} NOT NULL, at ${T} NOT NULL, actor ${T} NOT NULL
  );
  CREATE TABLE webhook_outbox (
    id ${T} PRIMARY KEY, system_id ${T} NOT NULL, side ${T} NOT NULL, idt BIGINT NOT NULL, nre ${T} NOT NULL,
    situacao INTEGER NOT NULL, is_replay BOOLEAN NOT NULL, created_at ${T} NOT NULL, state ${T} NOT NULL,
    attempts INTEGER NOT NULL, next_attempt_at ${T} NOT NULL, last_error ${T}, last_attempt_at ${T},
    delivered_at ${T}, lease_owner ${T}, lease_until ${T}
  );
  CREATE INDEX webhook_outbox_due ON webhook_outbox(state, next_attempt_at);
  CREATE INDEX webhook_outbox_system ON webhook_outbox(system_id, state);
  `,
  /* tamper-evident audit log: each event a link of its node's hash chain, the chain heads (locked FOR UPDATE by each append), the hub's signed checkpoints (issue 11 §7; as in SQLite) */ `
  ALTER TABLE audit_events ADD COLUMN chain ${T};
  ALTER TABLE audit_events ADD COLUMN position BIGINT;
  ALTER TABLE audit_events ADD COLUMN prev_hash ${T};
  ALTER TABLE audit_events ADD COLUMN hash ${T};
  CREATE UNIQUE INDEX audit_events_chain ON audit_events(chain, position);
  CREATE TABLE audit_chains (chain ${T} PRIMARY KEY, position BIGINT NOT NULL, hash ${T} NOT NULL);
  CREATE TABLE audit_checkpoints (
    chain ${T} NOT NULL, position BIGINT NOT NULL, hash ${T} NOT NULL, at ${T} NOT NULL,
    signature ${T} NOT NULL, chain_pem ${T} NOT NULL, PRIMARY KEY (chain, position)
  );
  `,
  /* metadata_format: 'xml-assinado' when the metadata blob is a sender-signed package XML (native face); NULL is the Tramita JSON body */ `
  ALTER TABLE tramites ADD COLUMN metadata_format ${T};
  `,
  /* 16: hub seals: the package XML of each trâmite whose components are complete, signed by the hub, kept as a blob (SQLite 24) */ `
  CREATE TABLE tramite_seals (
    idt BIGINT PRIMARY KEY REFERENCES tramites(idt), blob_key ${T} NOT NULL, sha256 ${T} NOT NULL, sealed_at ${T} NOT NULL
  );
  `,
  /* 17: a counter every change to who may call moves, so the identity cache of each request knows when it is stale, whichever node wrote (SQLite 25) */ `
  CREATE TABLE identity_version (id INTEGER PRIMARY KEY CHECK (id = 1), v BIGINT NOT NULL);
  -- no row until the first change, like directory_version; per row (these tables are small), so a
  -- statement that changes nothing (a repeated seed) leaves the cache warm
  CREATE FUNCTION elo_identity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO identity_version VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET v = identity_version.v + 1; RETURN NULL; END $$;
  CREATE TRIGGER identity_version_p AFTER INSERT OR UPDATE OR DELETE ON participants FOR EACH ROW EXECUTE FUNCTION elo_identity_changed();
  CREATE TRIGGER identity_version_s AFTER INSERT OR UPDATE OR DELETE ON systems FOR EACH ROW EXECUTE FUNCTION elo_identity_changed();
  CREATE TRIGGER identity_version_b AFTER INSERT OR UPDATE OR DELETE ON system_bindings FOR EACH ROW EXECUTE FUNCTION elo_identity_changed();
  CREATE TRIGGER identity_version_c AFTER INSERT OR UPDATE OR DELETE ON system_certificates FOR EACH ROW EXECUTE FUNCTION elo_identity_changed();
  `,
];
