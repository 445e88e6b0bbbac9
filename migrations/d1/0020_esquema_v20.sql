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
