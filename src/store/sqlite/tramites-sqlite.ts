import Database from 'better-sqlite3';
import type { Situacao } from '../../domain/situacao.ts';
import { FIRST_IDT, formatOwnNre, type TramiteRecord } from '../../domain/tramite.ts';
import type {
  AuditEntry,
  CreateResult,
  FollowUps,
  MoveCondition,
  NreHoldersResult,
  TramiteReader,
  TramiteWriter,
  TransitionResult,
} from '../index.ts';
import type { Db } from './open.ts';
import { sqliteQuota } from './retention-sqlite.ts';
import {
  int,
  situacaoOf,
  situacaoSet,
  toCompletionReceipt,
  toComponent,
  toNreHolder,
  toRegisteredDocument,
  toSendReceipt,
  toTramite,
  type ComponentRow,
  type CompletionReceiptRow,
  type NreDocumentRow,
  type NreHolderRow,
  type SendReceiptRow,
  type TramiteRow,
} from './rows.ts';
import { auditAppender } from './audit.ts';
import { SQLITE_OUTBOX_INSERT } from './webhooks-sqlite.ts';

/** Whether sorted-or-not half-open ranges cover [0, size) without a gap. */
export function rangesCover(ranges: { ini: number; fim: number }[], size: number): boolean {
  let reached = 0;
  for (const r of [...ranges].sort((a, c) => a.ini - c.ini)) {
    if (r.ini > reached) return false;
    reached = Math.max(reached, r.fim);
  }
  return reached >= size;
}

/** Rows of open trâmites, by the set of situações the workflow calls open. */
interface OpenRow {
  idt: number;
  situacao: number;
  nre: string;
  sender_system_id: string;
}

/**
 * The trâmite store on SQLite. It executes the workflow and never decides it (ARCHITECTURE "The
 * workflow is the domain's"): every situação it writes or filters on arrives as data from the
 * services, and every move is a compare-and-set with its history row and audit event in the
 * same transaction. Statements are prepared once, here.
 */
export function sqliteTramites(db: Db): TramiteReader & TramiteWriter {
  const IN_SET = 'IN (SELECT value FROM json_each(?))';
  const s = {
    get: db.prepare<[number], TramiteRow>('SELECT * FROM tramites WHERE idt = ?'),
    byTicket: db.prepare<[string], TramiteRow>('SELECT * FROM tramites WHERE ticket = ? ORDER BY idt'),
    counter: db.prepare<[string, number], { value: number }>(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value',
    ),
    history: db.prepare<[number, number, number, string]>(
      'INSERT INTO tramite_history (idt, seq, situacao, at) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM tramite_history WHERE idt = ?), ?, ?)',
    ),
    historyOf: db.prepare<[number], { situacao: number; at: string }>('SELECT situacao, at FROM tramite_history WHERE idt = ? ORDER BY seq'),
    /** The compare-and-set: moves only from an expected situação. */
    move: db.prepare<{ to: number; at: string; completeAt: string | null; motivo: string | null; justificativa: string | null; refusalAt: string | null; idt: number; from: string }>(
      `UPDATE tramites SET situacao = @to, last_transition_at = @at,
         components_complete_at = coalesce(@completeAt, components_complete_at),
         refusal_motivo = coalesce(@motivo, refusal_motivo), refusal_justificativa = coalesce(@justificativa, refusal_justificativa),
         refusal_at = coalesce(@refusalAt, refusal_at)
       WHERE idt = @idt AND situacao ${IN_SET.replace('?', '@from')}`,
    ),
    missingRequested: db.prepare<[number], { n: number }>(
      'SELECT count(*) AS n FROM tramite_components WHERE idt = ? AND requested = 1 AND received = 0',
    ),
    pendingForReceiver: db.prepare<[number], { n: number }>(
      'SELECT count(*) AS n FROM tramite_components WHERE idt = ? AND pending_receiver = 1 AND delivered = 0',
    ),
    openByNre: db.prepare<[string, string], OpenRow>(
      `SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = ? AND situacao ${IN_SET} ORDER BY idt DESC LIMIT 1`,
    ),
    openBySender: db.prepare<[string, string, string], OpenRow>(
      `SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE protocolo = ? AND sender_system_id = ? AND situacao ${IN_SET} ORDER BY idt DESC LIMIT 1`,
    ),
    openFromOutside: db.prepare<[string, string, string], OpenRow>(
      `SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = ? AND situacao ${IN_SET}
       AND sender_system_id NOT IN (SELECT value FROM json_each(?)) LIMIT 1`,
    ),
    newestOfNre: db.prepare<[string], OpenRow>('SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = ? ORDER BY idt DESC LIMIT 1'),
    nreVersion: db.prepare<[string], { version: number }>('SELECT version FROM nres WHERE nre = ?'),
    nreExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM nres WHERE nre = ?'),
    adoptNre: db.prepare<[string, string, string]>('INSERT INTO nres (nre, protocolo, created_at) VALUES (?, ?, ?) ON CONFLICT(nre) DO NOTHING'),
    insertNre: db.prepare<[string, string, string]>('INSERT INTO nres (nre, protocolo, created_at) VALUES (?, ?, ?)'),
    insertNreAt1: db.prepare<[string, string, string]>('INSERT INTO nres (nre, protocolo, created_at, version) VALUES (?, ?, ?, 1)'),
    bumpNre: db.prepare<[string | null, string]>('UPDATE nres SET version = version + 1, protocolo = coalesce(?, protocolo) WHERE nre = ?'),
    maxIdt: db.prepare<[], { m: number | null }>('SELECT max(idt) AS m FROM tramites'),
    insertTramite: db.prepare(
      `INSERT INTO tramites (idt, nre, kind, protocolo, rem_rep, rem_num, dest_rep, dest_num, rec_rep, rec_num,
        sender_system_id, receiver_system_id, situacao, ticket, is_replay, envio_parcial, urgente, motivo_urgencia,
        metadata_blob_key, created_at, last_transition_at, replay_of, package_ini, package_fim, props_ini, props_fim, metadata_size, metadata_format)
       VALUES (@idt, @nre, @kind, @protocolo, @remRep, @remNum, @destRep, @destNum, @recRep, @recNum,
        @sender, @receiver, @situacao, @ticket, @isReplay, @envioParcial, @urgente, @motivoUrgencia,
        @metadataBlobKey, @at, @at, @replayOf, @packageIni, @packageFim, @propsIni, @propsFim, @metadataSize, @metadataFormat)`,
    ),
    insertComponent: db.prepare<[number, string, number, string, number, number, number]>(
      `INSERT INTO tramite_components (idt, hash, size, protocolo, requested, received, pending_receiver, delivered, occurrences)
       VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?)`,
    ),
    components: db.prepare<[number], ComponentRow>('SELECT * FROM tramite_components WHERE idt = ? ORDER BY rowid'),
    component: db.prepare<[number, string], ComponentRow>('SELECT * FROM tramite_components WHERE idt = ? AND hash = ?'),
    storeBlob: db.prepare<[string, number, string, string]>(
      'INSERT INTO component_blobs (hash, size, blob_key, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING',
    ),
    markReceived: db.prepare<[number, string]>('UPDATE tramite_components SET received = 1 WHERE idt = ? AND hash = ? AND received = 0'),
    markDelivered: db.prepare<[number, string]>('UPDATE tramite_components SET delivered = 1 WHERE idt = ? AND hash = ?'),
    touchingRanges: db.prepare<[number, string, number, number], { id: number; ini: number; fim: number }>(
      'SELECT rowid AS id, ini, fim FROM download_ranges WHERE idt = ? AND hash = ? AND ini <= ? AND fim >= ?',
    ),
    dropRange: db.prepare<[number]>('DELETE FROM download_ranges WHERE rowid = ?'),
    dropRanges: db.prepare<[number, string]>('DELETE FROM download_ranges WHERE idt = ? AND hash = ?'),
    insertRange: db.prepare<[number, string, number, number, string]>('INSERT INTO download_ranges (idt, hash, ini, fim, at) VALUES (?, ?, ?, ?, ?)'),
    registerNre: db.prepare<[string, string]>('UPDATE nres SET protocolo = ?, version = version + 1 WHERE nre = ?'),
    upsertDocument: db.prepare<[string, string, number, number, number, string | null, string, number]>(
      `INSERT INTO nre_documents (nre, protocolo, ordem, especie, retirado, anexado, components_json, registered_idt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(nre, protocolo, ordem) DO UPDATE SET retirado = excluded.retirado, especie = excluded.especie, anexado = excluded.anexado`,
    ),
    bindHolder: db.prepare<[string, string, string, string]>('INSERT INTO nre_holders (nre, system_id, source, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    insertHolder: db.prepare<[string, string, string, string]>('INSERT INTO nre_holders (nre, system_id, source, at) VALUES (?, ?, ?, ?)'),
    dropHolders: db.prepare<[string]>('DELETE FROM nre_holders WHERE nre = ?'),
    holders: db.prepare<[string], NreHolderRow>('SELECT system_id, source, at FROM nre_holders WHERE nre = ? ORDER BY at, system_id'),
    isHolder: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM nre_holders WHERE nre = ? AND system_id = ?'),
    insertCompletion: db.prepare<[number, string, string, string, string, string, string, string | null]>(
      `INSERT INTO completion_receipts (idt, data_de_recebimento, hash_da_assinatura, hashes_json, signed_string, signer_chain_pem, received_at, situacao4_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    completion: db.prepare<[number], CompletionReceiptRow>('SELECT * FROM completion_receipts WHERE idt = ?'),
    insertSend: db.prepare<[number, string, string, string, string, string]>(
      `INSERT INTO send_receipts (idt, data, hashes_json, signed_string, signature, chain_pem) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(idt) DO NOTHING`,
    ),
    send: db.prepare<[number], SendReceiptRow>('SELECT * FROM send_receipts WHERE idt = ?'),
    listForSender: db.prepare<[string, string], TramiteRow>(`SELECT * FROM tramites WHERE sender_system_id = ? AND situacao ${IN_SET} ORDER BY idt`),
    listForReceiver: db.prepare<[string, string], TramiteRow>(`SELECT * FROM tramites WHERE receiver_system_id = ? AND situacao ${IN_SET} ORDER BY idt`),
    idle: db.prepare<[string, string], TramiteRow>(`SELECT * FROM tramites WHERE situacao ${IN_SET} AND last_transition_at < ? ORDER BY idt`),
    countBySituacao: db.prepare<[string], { situacao: number; n: number }>('SELECT situacao, COUNT(*) AS n FROM tramites WHERE last_transition_at < ? GROUP BY situacao'),
    bodyReferenced: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM tramites WHERE metadata_blob_key = ? LIMIT 1'),
    blobReferenced: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM component_blobs WHERE blob_key = ? LIMIT 1'),
    /** A hub seal's bytes (issue 11 item 2): a refused start whose body is a seal's must not remove it. */
    sealReferenced: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM tramite_seals WHERE blob_key = ? LIMIT 1'),
    blobKeyOf: db.prepare<[string], { blob_key: string }>('SELECT blob_key FROM component_blobs WHERE hash = ?'),
    markPendencia: db.prepare<[string, number, number]>('INSERT INTO pendencia_deliveries (system_id, idt, situacao) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    pendencias: db.prepare<[string], { idt: number; situacao: number }>('SELECT idt, situacao FROM pendencia_deliveries WHERE system_id = ?'),
    recordLongPoll: db.prepare<[string, number, number, string]>(
      `INSERT INTO longpoll_deliveries (system_id, idt, situacao, at) VALUES (?, ?, ?, ?)
       ON CONFLICT(system_id, idt, situacao) DO UPDATE SET at = excluded.at`,
    ),
    longPolls: db.prepare<[string], { idt: number; situacao: number; at: string }>(
      'SELECT idt, situacao, at FROM longpoll_deliveries WHERE system_id = ? ORDER BY at',
    ),
    pruneLongPolls: db.prepare<[string]>('DELETE FROM longpoll_deliveries WHERE at < ?'),
    prunePendencias: db.prepare<[string]>(`DELETE FROM pendencia_deliveries WHERE idt IN (SELECT idt FROM tramites WHERE situacao ${IN_SET})`),
    registration: db.prepare<[string], { nre: string; protocolo: string; version: number }>('SELECT nre, protocolo, version FROM nres WHERE nre = ?'),
    documents: db.prepare<[string], NreDocumentRow>('SELECT * FROM nre_documents WHERE nre = ? ORDER BY protocolo, ordem'),
    heldHashes: db.prepare<[string, string, string, string], { hash: string }>(
      `SELECT DISTINCT c.hash FROM tramite_components c JOIN tramites t ON t.idt = c.idt
       WHERE t.nre = ? AND ((t.sender_system_id = ? AND c.received = 1)
         OR (t.receiver_system_id = ? AND t.situacao ${IN_SET} AND c.delivered = 1))`,
    ),
  };
  const quota = sqliteQuota(db);
  /** `query` filters on any combination of fields: one statement per combination, prepared once. */
  const queries = new Map<string, Database.Statement<unknown[], TramiteRow>>();

  const get = (idt: number): TramiteRecord | null => {
    const r = s.get.get(idt);
    return r ? toTramite(r) : null;
  };
  const nextCounter = (name: string, start: number): number => s.counter.get(name, start)!.value;
  const appendAudit = auditAppender(db);
  // each history row also writes the webhook outbox events of that situação, in the same transaction
  const outbox = db.prepare<[{ situacao: number; at: string; idt: number }]>(SQLITE_OUTBOX_INSERT);
  const appendHistory = (idt: number, situacao: Situacao, at: string) => {
    s.history.run(idt, idt, situacao, at);
    outbox.run({ situacao, at, idt });
  };

  /** The compare-and-set core: moves only from an expected situação, with history and audit. */
  const casMove = (
    input: { idt: number; from: readonly Situacao[]; to: Situacao; at: string; audit: AuditEntry; refusal?: TramiteRecord['refusal']; completeAt?: string },
  ): TransitionResult => {
    const { idt, from, to, at, audit } = input;
    const before = get(idt);
    if (!before) return { ok: false, reason: 'not_found' };
    const changes = s.move.run({
      to,
      at,
      completeAt: input.completeAt ?? null,
      motivo: input.refusal?.motivo ?? null,
      justificativa: input.refusal?.justificativa ?? null,
      refusalAt: input.refusal?.at ?? null,
      idt,
      from: situacaoSet(from),
    }).changes;
    if (changes === 0) {
      // Lost the compare-and-set: already there (an idempotent repeat) or somewhere else.
      return before.situacao === to
        ? { ok: true, tramite: before, changed: false }
        : { ok: false, reason: 'conflict', current: before };
    }
    appendHistory(idt, to, at);
    appendAudit(at, { ...audit, data: { ...audit.data, de: before.situacao, para: to } }, idt);
    return { ok: true, tramite: get(idt)!, changed: true };
  };

  /** Facts about components, checked in the transaction of the move that depends on them. */
  const holds = (idt: number, when: MoveCondition | undefined): boolean => {
    if (when === 'requested_all_received') return s.missingRequested.get(idt)!.n === 0;
    if (when === 'nothing_pending_for_receiver') return s.pendingForReceiver.get(idt)!.n === 0;
    return true;
  };

  /** Applies the moves the services decided, in order, each only from its `from` and while its condition holds. */
  const followUp = (idt: number, at: string, moves: FollowUps): boolean => {
    let changed = false;
    for (const m of moves) {
      const now = get(idt);
      if (!now || !m.from.includes(now.situacao) || !holds(idt, m.when)) continue;
      // the time every requested component was held is the send receipt's date (spec §2.13)
      const r = casMove({ idt, from: m.from, to: m.to, at, audit: m.audit, completeAt: m.when === 'requested_all_received' ? at : undefined });
      changed = (r.ok && r.changed) || changed;
    }
    return changed;
  };

  const create = db.transaction((t: Parameters<TramiteWriter['create']>[0], at: string, audit: AuditEntry, flow: Parameters<TramiteWriter['create']>[3]): CreateResult => {
    const open = situacaoSet(flow.open);
    const openResult = (r: OpenRow): CreateResult => ({ ok: false, reason: 'open_tramite', open: { idt: r.idt, situacao: situacaoOf(r.situacao), nre: r.nre } });
    // before any write: a refusal leaves the store as it was
    const overQuota = quota.quotaRefusal(t);
    if (overQuota) return overQuota;
    let nre = t.nre;
    if (nre) {
      const o = s.openByNre.get(nre, open);
      if (o) return openResult(o);
      if (t.expectedNreVersion !== undefined) {
        if ((s.nreVersion.get(nre)?.version ?? 0) !== t.expectedNreVersion) return { ok: false, reason: 'nre_changed' };
      }
      // spec §4.1: an unknown well-formed NRE is adopted as a new record (migration).
      s.adoptNre.run(nre, t.protocolo, at);
    } else {
      if (t.kind === 'processo') {
        const o = s.openBySender.get(t.protocolo, t.senderSystemId, open);
        if (o) return openResult(o);
      }
      do nre = formatOwnNre(nextCounter('nre', 1));
      while (s.nreExists.get(nre));
      s.insertNre.run(nre, t.protocolo, at);
    }
    const idt = Math.max(FIRST_IDT, t.idtFloor ?? 0, (s.maxIdt.get()!.m ?? 0) + 1);
    const ticket = t.ticket ?? String(nextCounter('ticket', 1_000_001));
    s.insertTramite.run({
      idt,
      nre,
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
      situacao: flow.initial,
      ticket,
      isReplay: int(t.isReplay),
      envioParcial: int(t.envioParcial),
      urgente: int(t.urgente),
      motivoUrgencia: t.motivoUrgencia,
      metadataBlobKey: t.metadataBlobKey,
      at,
      replayOf: t.replayOf ?? null,
      packageIni: t.packageSpan?.ini ?? null,
      packageFim: t.packageSpan?.fim ?? null,
      propsIni: t.propsSpan?.ini ?? null,
      propsFim: t.propsSpan?.fim ?? null,
      metadataSize: quota.metadataSizeOf(t),
      metadataFormat: t.metadataFormat === 'xml-assinado' ? t.metadataFormat : null,
    });
    for (const c of t.components)
      s.insertComponent.run(idt, c.hash, c.size, c.protocolo, int(c.requested), int(c.pendingForReceiver), c.occurrences);
    appendHistory(idt, flow.initial, at);
    appendAudit(at, audit, idt);
    followUp(idt, at, flow.then);
    return { ok: true, tramite: get(idt)! };
  });

  const markReceived = db.transaction(
    (idts: number[], hash: string, size: number, blobKey: string, at: string, audit: AuditEntry, then: FollowUps): TramiteRecord[] => {
      s.storeBlob.run(hash, size, blobKey, at);
      const out: TramiteRecord[] = [];
      for (const idt of idts) {
        if (s.markReceived.run(idt, hash).changes) appendAudit(at, audit, idt);
        followUp(idt, at, then);
        out.push(get(idt)!);
      }
      return out;
    },
  );

  /**
   * Records [ini, fim) served for a component, coalesced with every stored range it overlaps or
   * touches — transitively, so rows left overlapping by older versions are absorbed too. The rows
   * of a component stay disjoint and non-adjacent: repeating a download adds no row, and each
   * call reads only the rows it merges. Since the merged range holds every stored range connected
   * to the one served, the union covers [0, size) exactly when the merged range does (any other
   * covering union would have covered, and been delivered, before this call).
   */
  const mergeDownloadRange = (idt: number, hash: string, ini: number, fim: number, at: string): { ini: number; fim: number } => {
    let lo = ini;
    let hi = fim;
    for (;;) {
      const rows = s.touchingRanges.all(idt, hash, hi, lo);
      if (rows.length === 0) break;
      for (const r of rows) {
        lo = Math.min(lo, r.ini);
        hi = Math.max(hi, r.fim);
        s.dropRange.run(r.id);
      }
    }
    s.insertRange.run(idt, hash, lo, hi, at);
    return { ini: lo, fim: hi };
  };

  const recordDownload = db.transaction(
    (idt: number, hash: string, ini: number, fim: number, at: string, audit: AuditEntry, then: FollowUps): TransitionResult => {
      const c = s.component.get(idt, hash);
      if (!c || !get(idt)) return { ok: false, reason: 'not_found' };
      if (c.delivered !== 1) {
        const merged = mergeDownloadRange(idt, hash, ini, fim, at);
        if (rangesCover([merged], c.size)) {
          s.markDelivered.run(idt, hash);
          // the ranges served only to prove coverage; once delivered they are not kept
          s.dropRanges.run(idt, hash);
          appendAudit(at, audit, idt);
        }
      }
      const changed = followUp(idt, at, then);
      return { ok: true, tramite: get(idt)!, changed };
    },
  );

  const advance = db.transaction((idt: number, at: string, moves: FollowUps): TransitionResult => {
    if (!get(idt)) return { ok: false, reason: 'not_found' };
    const changed = followUp(idt, at, moves);
    return { ok: true, tramite: get(idt)!, changed };
  });

  const completeWithReceipt = db.transaction((input: Parameters<TramiteWriter['completeWithReceipt']>[0]): TransitionResult => {
    const { idt, receipt: r, move, at, register } = input;
    const moved = casMove({ idt, from: move.from, to: move.to, at, audit: move.audit });
    if (moved.ok && moved.changed) {
      const t = moved.tramite;
      // spec §6: the registered protocolo is the main process's; components and the IDT that
      // first registered them are kept, retirado and espécie follow the latest trâmite.
      s.registerNre.run(t.protocolo, t.nre);
      for (const d of register)
        s.upsertDocument.run(t.nre, d.protocolo, d.ordem, d.especie, int(d.retirado), d.anexado, JSON.stringify(d.components), d.registeredIdt);
      for (const h of input.holders) s.bindHolder.run(t.nre, h, 'tramite', at);
      s.insertCompletion.run(idt, r.dataDeRecebimento, r.hashDaAssinatura, JSON.stringify(r.hashes), r.signedString, r.signerChainPem, r.receivedAt, r.situacao4Date ?? null);
    }
    return moved;
  });

  const setNreHolders = db.transaction(
    (input: Parameters<TramiteWriter['setNreHolders']>[0], at: string, audit: AuditEntry): NreHoldersResult => {
      const current = s.nreVersion.get(input.nre);
      if ((current?.version ?? null) !== input.expectedVersion) return { ok: false, reason: 'nre_changed' };
      const open = input.holders.length === 0 ? undefined : s.openFromOutside.get(input.nre, situacaoSet(input.open), JSON.stringify(input.holders));
      if (open) return { ok: false, reason: 'open_tramite', open: { idt: open.idt, situacao: situacaoOf(open.situacao), senderSystemId: open.sender_system_id } };
      if (!current) s.insertNreAt1.run(input.nre, input.protocolo ?? '', at);
      else s.bumpNre.run(input.protocolo, input.nre);
      s.dropHolders.run(input.nre);
      for (const h of new Set(input.holders)) s.insertHolder.run(input.nre, h, input.source, at);
      appendAudit(at, audit, null);
      return { ok: true, version: (current?.version ?? 0) + 1 };
    },
  );

  const transition = db.transaction((input: Parameters<TramiteWriter['transition']>[0]) => casMove(input));
  const markPendencias = db.transaction((systemId: string, items: { idt: number; situacao: Situacao }[]) => {
    for (const i of items) s.markPendencia.run(systemId, i.idt, i.situacao);
  });
  const pruneDeliveries = db.transaction((before: string, final: readonly Situacao[]) => {
    s.pruneLongPolls.run(before);
    s.prunePendencias.run(situacaoSet(final));
  });

  return {
    async get(idt) {
      return get(idt);
    },
    async getByTicket(ticket) {
      return s.byTicket.all(ticket).map(toTramite);
    },
    async history(idt) {
      return s.historyOf.all(idt).map((h) => ({ situacao: situacaoOf(h.situacao), at: h.at }));
    },
    async components(idt) {
      return s.components.all(idt).map(toComponent);
    },
    async query(q) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, ...v: unknown[]) => {
        where.push(sql);
        params.push(...v);
      };
      if (q.idt !== undefined) add('idt = ?', q.idt);
      if (q.nre !== undefined) add('nre = ?', q.nre);
      if (q.protocolo !== undefined) add('protocolo = ?', q.protocolo);
      if (q.remetente?.repositoryId !== undefined) add('rem_rep = ?', q.remetente.repositoryId);
      if (q.remetente?.numero !== undefined) add('rem_num = ?', q.remetente.numero);
      if (q.destinatario?.repositoryId !== undefined) add('dest_rep = ?', q.destinatario.repositoryId);
      if (q.destinatario?.numero !== undefined) add('dest_num = ?', q.destinatario.numero);
      if (q.partySystemId !== undefined) add('(sender_system_id = ? OR receiver_system_id = ?)', q.partySystemId, q.partySystemId);
      const sql = `SELECT * FROM tramites ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY idt DESC LIMIT ?`;
      let stmt = queries.get(sql);
      if (!stmt) queries.set(sql, (stmt = db.prepare<unknown[], TramiteRow>(sql)));
      return stmt.all(...params, q.limit ?? 100).map(toTramite);
    },
    async listForSystem(systemId, side, situacoes) {
      if (situacoes.length === 0) return [];
      return (side === 'sender' ? s.listForSender : s.listForReceiver).all(systemId, situacaoSet(situacoes)).map(toTramite);
    },
    async nreExists(nre) {
      return !!s.nreExists.get(nre);
    },
    async getSendReceipt(idt) {
      const r = s.send.get(idt);
      return r ? toSendReceipt(r) : null;
    },
    async getCompletionReceipt(idt) {
      const r = s.completion.get(idt);
      return r ? toCompletionReceipt(r) : null;
    },
    async isBlobReferenced(key) {
      return !!(s.bodyReferenced.get(key) ?? s.blobReferenced.get(key) ?? s.sealReferenced.get(key));
    },
    async blobKeyOf(hash) {
      return s.blobKeyOf.get(hash)?.blob_key ?? null;
    },
    async create(t, at, audit, flow) {
      try {
        return create(t, at, audit, flow);
      } catch (e) {
        // The partial unique index caught a start the check above did not see (spec §5.4: a
        // concurrent writer, or an open set narrower than the index): told by the constraint's
        // code, not by its message. No trâmite of an NRE is created while one is open, so the one
        // blocking is its newest.
        if (e instanceof Database.SqliteError && e.code === 'SQLITE_CONSTRAINT_UNIQUE' && t.nre) {
          const open = s.newestOfNre.get(t.nre);
          if (open) return { ok: false, reason: 'open_tramite', open: { idt: open.idt, situacao: situacaoOf(open.situacao), nre: open.nre } };
        }
        throw e;
      }
    },
    async transition(input) {
      return transition(input);
    },
    async advance(input) {
      return advance(input.idt, input.at, input.moves);
    },
    async markReceived(idts, hash, size, blobKey, at, audit, then) {
      return markReceived(idts, hash, size, blobKey, at, audit, then);
    },
    async recordDownload(idt, hash, ini, fim, at, audit, then) {
      return recordDownload(idt, hash, ini, fim, at, audit, then);
    },
    async saveSendReceipt(idt, r) {
      s.insertSend.run(idt, r.dataDeRecebimentoDoUltimoComponenteDigital, JSON.stringify(r.hashes), r.signedString, r.hashDaAssinatura, r.chainPem);
    },
    async completeWithReceipt(input) {
      return completeWithReceipt(input);
    },
    async markPendenciasDelivered(systemId, items) {
      markPendencias(systemId, items);
    },
    async recordLongPollDelivery(systemId, item, at) {
      s.recordLongPoll.run(systemId, item.idt, item.situacao, at);
    },
    async longPollDeliveries(systemId, since) {
      const rows = s.longPolls.all(systemId);
      const recent = new Set(rows.filter((r) => r.at >= since).map((r) => `${r.idt}/${r.situacao}`));
      const lastStatus = new Map(rows.map((r) => [r.idt, r.situacao]));
      const recentAt = new Map(rows.filter((r) => r.at >= since).map((r) => [`${r.idt}/${r.situacao}`, r.at]));
      return { recent, lastStatus, recentAt };
    },
    async pruneDeliveries(before, final) {
      pruneDeliveries(before, final);
    },
    async deliveredPendencias(systemId) {
      return new Set(s.pendencias.all(systemId).map((r) => `${r.idt}/${r.situacao}`));
    },
    async nreRegistration(nre) {
      const n = s.registration.get(nre);
      if (!n) return null;
      return { nre: n.nre, protocolo: n.protocolo, version: n.version, documents: s.documents.all(nre).map(toRegisteredDocument) };
    },
    async heldHashes(nre, systemId, concluded) {
      return new Set(s.heldHashes.all(nre, systemId, systemId, situacaoSet(concluded)).map((r) => r.hash));
    },
    async isNreParty(nre, systemId) {
      return !!s.isHolder.get(nre, systemId);
    },
    async listIdle(situacoes, before) {
      return s.idle.all(situacaoSet(situacoes), before).map(toTramite);
    },
    async countBySituacao(idleBefore) {
      // '~' sorts after every ISO timestamp: without a bound, every trâmite counts
      return new Map(s.countBySituacao.all(idleBefore ?? '~').map((r) => [r.situacao as Situacao, r.n]));
    },
    async nreHolders(nre) {
      return s.holders.all(nre).map(toNreHolder);
    },
    async setNreHolders(input, at, audit) {
      return setNreHolders(input, at, audit);
    },
  };
}
