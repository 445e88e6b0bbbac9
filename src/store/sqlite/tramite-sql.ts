/**
 * The SQL of the trâmite store, one text for SQLite and D1 (one dialect): the SQLite adapter
 * prepares each once (tramites-sqlite.ts), the D1 adapter binds the same texts (d1/tramites-d1.ts;
 * named parameters bind there in the order they first appear, as SQLite numbers them).
 * A set of situações is one JSON parameter (`IN_SET`).
 */
import type { NewTramite } from '../index.ts';
import type { Situacao } from '../../domain/situacao.ts';

export const IN_SET = 'IN (SELECT value FROM json_each(?))';

/** The named values of TRAMITE_SQL.insertTramite for a new trâmite (booleans as 0/1). */
export function insertTramiteValues(t: NewTramite, v: { idt: number; nre: string; ticket: string; situacao: Situacao; at: string; metadataSize: number }) {
  const int = (b: boolean) => (b ? 1 : 0);
  return {
    ...v,
    kind: t.kind,
    protocolo: t.protocolo,
    remRep: t.remetente.repositoryId,
    remNum: t.remetente.numero,
    destRep: t.destinatario.repositoryId,
    destNum: t.destinatario.numero,
    recRep: t.receptora?.repositoryId ?? null,
    recNum: t.receptora?.numero ?? null,
    sender: t.senderSystemId,
    receiver: t.receiverSystemId,
    isReplay: int(t.isReplay),
    envioParcial: int(t.envioParcial),
    urgente: int(t.urgente),
    motivoUrgencia: t.motivoUrgencia,
    metadataBlobKey: t.metadataBlobKey,
    replayOf: t.replayOf ?? null,
    packageIni: t.packageSpan?.ini ?? null,
    packageFim: t.packageSpan?.fim ?? null,
    propsIni: t.propsSpan?.ini ?? null,
    propsFim: t.propsSpan?.fim ?? null,
    metadataFormat: t.metadataFormat === 'xml-assinado' ? t.metadataFormat : null,
  };
}

export const TRAMITE_SQL = {
  get: 'SELECT * FROM tramites WHERE idt = ?',
  byTicket: 'SELECT * FROM tramites WHERE ticket = ? ORDER BY idt',
  counter: 'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value',
  history: 'INSERT INTO tramite_history (idt, seq, situacao, at) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM tramite_history WHERE idt = ?), ?, ?)',
  historyOf: 'SELECT situacao, at FROM tramite_history WHERE idt = ? ORDER BY seq',
  /** The compare-and-set: moves only from an expected situação. */
  move: `UPDATE tramites SET situacao = @to, last_transition_at = @at,
         components_complete_at = coalesce(@completeAt, components_complete_at),
         refusal_motivo = coalesce(@motivo, refusal_motivo), refusal_justificativa = coalesce(@justificativa, refusal_justificativa),
         refusal_at = coalesce(@refusalAt, refusal_at)
       WHERE idt = @idt AND situacao ${IN_SET.replace('?', '@from')}`,
  missingRequested: 'SELECT count(*) AS n FROM tramite_components WHERE idt = ? AND requested = 1 AND received = 0',
  pendingForReceiver: 'SELECT count(*) AS n FROM tramite_components WHERE idt = ? AND pending_receiver = 1 AND delivered = 0',
  openByNre: `SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = ? AND situacao ${IN_SET} ORDER BY idt DESC LIMIT 1`,
  openBySender: `SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE protocolo = ? AND sender_system_id = ? AND situacao ${IN_SET} ORDER BY idt DESC LIMIT 1`,
  openFromOutside: `SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = ? AND situacao ${IN_SET}
       AND sender_system_id NOT IN (SELECT value FROM json_each(?)) LIMIT 1`,
  newestOfNre: 'SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = ? ORDER BY idt DESC LIMIT 1',
  nreVersion: 'SELECT version FROM nres WHERE nre = ?',
  nreExists: 'SELECT 1 AS one FROM nres WHERE nre = ?',
  adoptNre: 'INSERT INTO nres (nre, protocolo, created_at) VALUES (?, ?, ?) ON CONFLICT(nre) DO NOTHING',
  insertNre: 'INSERT INTO nres (nre, protocolo, created_at) VALUES (?, ?, ?)',
  insertNreAt1: 'INSERT INTO nres (nre, protocolo, created_at, version) VALUES (?, ?, ?, 1)',
  bumpNre: 'UPDATE nres SET version = version + 1, protocolo = coalesce(?, protocolo) WHERE nre = ?',
  maxIdt: 'SELECT max(idt) AS m FROM tramites',
  insertTramite: `INSERT INTO tramites (idt, nre, kind, protocolo, rem_rep, rem_num, dest_rep, dest_num, rec_rep, rec_num,
        sender_system_id, receiver_system_id, situacao, ticket, is_replay, envio_parcial, urgente, motivo_urgencia,
        metadata_blob_key, created_at, last_transition_at, replay_of, package_ini, package_fim, props_ini, props_fim, metadata_size, metadata_format)
       VALUES (@idt, @nre, @kind, @protocolo, @remRep, @remNum, @destRep, @destNum, @recRep, @recNum,
        @sender, @receiver, @situacao, @ticket, @isReplay, @envioParcial, @urgente, @motivoUrgencia,
        @metadataBlobKey, @at, @at, @replayOf, @packageIni, @packageFim, @propsIni, @propsFim, @metadataSize, @metadataFormat)`,
  insertComponent: `INSERT INTO tramite_components (idt, hash, size, protocolo, requested, received, pending_receiver, delivered, occurrences)
       VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?)`,
  components: 'SELECT * FROM tramite_components WHERE idt = ? ORDER BY rowid',
  component: 'SELECT * FROM tramite_components WHERE idt = ? AND hash = ?',
  storeBlob: 'INSERT INTO component_blobs (hash, size, blob_key, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING',
  markReceived: 'UPDATE tramite_components SET received = 1 WHERE idt = ? AND hash = ? AND received = 0',
  markDelivered: 'UPDATE tramite_components SET delivered = 1 WHERE idt = ? AND hash = ?',
  touchingRanges: 'SELECT rowid AS id, ini, fim FROM download_ranges WHERE idt = ? AND hash = ? AND ini <= ? AND fim >= ?',
  dropRange: 'DELETE FROM download_ranges WHERE rowid = ?',
  dropRanges: 'DELETE FROM download_ranges WHERE idt = ? AND hash = ?',
  insertRange: 'INSERT INTO download_ranges (idt, hash, ini, fim, at) VALUES (?, ?, ?, ?, ?)',
  registerNre: 'UPDATE nres SET protocolo = ?, version = version + 1 WHERE nre = ?',
  upsertDocument: `INSERT INTO nre_documents (nre, protocolo, ordem, especie, retirado, anexado, components_json, registered_idt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(nre, protocolo, ordem) DO UPDATE SET retirado = excluded.retirado, especie = excluded.especie, anexado = excluded.anexado`,
  bindHolder: 'INSERT INTO nre_holders (nre, system_id, source, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  insertHolder: 'INSERT INTO nre_holders (nre, system_id, source, at) VALUES (?, ?, ?, ?)',
  dropHolders: 'DELETE FROM nre_holders WHERE nre = ?',
  holders: 'SELECT system_id, source, at FROM nre_holders WHERE nre = ? ORDER BY at, system_id',
  isHolder: 'SELECT 1 AS one FROM nre_holders WHERE nre = ? AND system_id = ?',
  insertCompletion: `INSERT INTO completion_receipts (idt, data_de_recebimento, hash_da_assinatura, hashes_json, signed_string, signer_chain_pem, received_at, situacao4_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  completion: 'SELECT * FROM completion_receipts WHERE idt = ?',
  insertSend: `INSERT INTO send_receipts (idt, data, hashes_json, signed_string, signature, chain_pem) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(idt) DO NOTHING`,
  send: 'SELECT * FROM send_receipts WHERE idt = ?',
  listForSender: `SELECT * FROM tramites WHERE sender_system_id = ? AND situacao ${IN_SET} ORDER BY idt`,
  listForReceiver: `SELECT * FROM tramites WHERE receiver_system_id = ? AND situacao ${IN_SET} ORDER BY idt`,
  idle: `SELECT * FROM tramites WHERE situacao ${IN_SET} AND last_transition_at < ? ORDER BY idt`,
  countBySituacao: 'SELECT situacao, COUNT(*) AS n FROM tramites WHERE last_transition_at < ? GROUP BY situacao',
  bodyReferenced: 'SELECT 1 AS one FROM tramites WHERE metadata_blob_key = ? LIMIT 1',
  blobReferenced: 'SELECT 1 AS one FROM component_blobs WHERE blob_key = ? LIMIT 1',
  /** A hub seal's bytes (issue 11 item 2): a refused start whose body is a seal's must not remove it. */
  sealReferenced: 'SELECT 1 AS one FROM tramite_seals WHERE blob_key = ? LIMIT 1',
  blobKeyOf: 'SELECT blob_key FROM component_blobs WHERE hash = ?',
  markPendencia: 'INSERT INTO pendencia_deliveries (system_id, idt, situacao) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  pendencias: 'SELECT idt, situacao FROM pendencia_deliveries WHERE system_id = ?',
  recordLongPoll: `INSERT INTO longpoll_deliveries (system_id, idt, situacao, at) VALUES (?, ?, ?, ?)
       ON CONFLICT(system_id, idt, situacao) DO UPDATE SET at = excluded.at`,
  longPolls: 'SELECT idt, situacao, at FROM longpoll_deliveries WHERE system_id = ? ORDER BY at',
  pruneLongPolls: 'DELETE FROM longpoll_deliveries WHERE at < ?',
  prunePendencias: `DELETE FROM pendencia_deliveries WHERE idt IN (SELECT idt FROM tramites WHERE situacao ${IN_SET})`,
  registration: 'SELECT nre, protocolo, version FROM nres WHERE nre = ?',
  documents: 'SELECT * FROM nre_documents WHERE nre = ? ORDER BY protocolo, ordem',
  heldHashes: `SELECT DISTINCT c.hash FROM tramite_components c JOIN tramites t ON t.idt = c.idt
       WHERE t.nre = ? AND ((t.sender_system_id = ? AND c.received = 1)
         OR (t.receiver_system_id = ? AND t.situacao ${IN_SET} AND c.delivered = 1))`,
} as const;

/** The sender quota's reads (sender-quota.ts), in the creating transaction. */
export const QUOTA_SQL = {
  hashes: `SELECT DISTINCT c.hash, c.size FROM tramite_components c JOIN tramites t ON t.idt = c.idt
       WHERE t.sender_system_id = ? AND t.situacao ${IN_SET} AND c.requested = 1`,
  bodies: `SELECT t.metadata_blob_key AS k, max(coalesce(t.metadata_size, 0)) AS s FROM tramites t
       WHERE t.sender_system_id = ? AND t.situacao ${IN_SET} GROUP BY t.metadata_blob_key`,
  bodySize: 'SELECT max(metadata_size) AS s FROM tramites WHERE metadata_blob_key = ?',
} as const;
