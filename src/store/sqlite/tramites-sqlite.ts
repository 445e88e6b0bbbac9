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
import { SQLITE_OUTBOX_INSERT } from './webhook-sql.ts';
import { TRAMITE_SQL, insertTramiteValues } from './tramite-sql.ts';
import { rangesCover, type OpenRow } from '../tramite-ranges.ts';

export { rangesCover } from '../tramite-ranges.ts';

/**
 * The trâmite store on SQLite. It executes the workflow and never decides it (ARCHITECTURE "The
 * workflow is the domain's"): every situação it writes or filters on arrives as data from the
 * services, and every move is a compare-and-set with its history row and audit event in the
 * same transaction. Statements are prepared once, here.
 */
export function sqliteTramites(db: Db): TramiteReader & TramiteWriter {
  const s = {
    get: db.prepare<[number], TramiteRow>(TRAMITE_SQL.get),
    byTicket: db.prepare<[string], TramiteRow>(TRAMITE_SQL.byTicket),
    counter: db.prepare<[string, number], { value: number }>(TRAMITE_SQL.counter),
    history: db.prepare<[number, number, number, string]>(TRAMITE_SQL.history),
    historyOf: db.prepare<[number], { situacao: number; at: string }>(TRAMITE_SQL.historyOf),
    move: db.prepare<{ to: number; at: string; completeAt: string | null; motivo: string | null; justificativa: string | null; refusalAt: string | null; idt: number; from: string }>(TRAMITE_SQL.move),
    missingRequested: db.prepare<[number], { n: number }>(TRAMITE_SQL.missingRequested),
    pendingForReceiver: db.prepare<[number], { n: number }>(TRAMITE_SQL.pendingForReceiver),
    openByNre: db.prepare<[string, string], OpenRow>(TRAMITE_SQL.openByNre),
    openBySender: db.prepare<[string, string, string], OpenRow>(TRAMITE_SQL.openBySender),
    openFromOutside: db.prepare<[string, string, string], OpenRow>(TRAMITE_SQL.openFromOutside),
    newestOfNre: db.prepare<[string], OpenRow>(TRAMITE_SQL.newestOfNre),
    nreVersion: db.prepare<[string], { version: number }>(TRAMITE_SQL.nreVersion),
    nreExists: db.prepare<[string], { one: number }>(TRAMITE_SQL.nreExists),
    adoptNre: db.prepare<[string, string, string]>(TRAMITE_SQL.adoptNre),
    insertNre: db.prepare<[string, string, string]>(TRAMITE_SQL.insertNre),
    insertNreAt1: db.prepare<[string, string, string]>(TRAMITE_SQL.insertNreAt1),
    bumpNre: db.prepare<[string | null, string]>(TRAMITE_SQL.bumpNre),
    maxIdt: db.prepare<[], { m: number | null }>(TRAMITE_SQL.maxIdt),
    insertTramite: db.prepare(TRAMITE_SQL.insertTramite),
    insertComponent: db.prepare<[number, string, number, string, number, number, number]>(TRAMITE_SQL.insertComponent),
    components: db.prepare<[number], ComponentRow>(TRAMITE_SQL.components),
    component: db.prepare<[number, string], ComponentRow>(TRAMITE_SQL.component),
    storeBlob: db.prepare<[string, number, string, string]>(TRAMITE_SQL.storeBlob),
    markReceived: db.prepare<[number, string]>(TRAMITE_SQL.markReceived),
    markDelivered: db.prepare<[number, string]>(TRAMITE_SQL.markDelivered),
    touchingRanges: db.prepare<[number, string, number, number], { id: number; ini: number; fim: number }>(TRAMITE_SQL.touchingRanges),
    dropRange: db.prepare<[number]>(TRAMITE_SQL.dropRange),
    dropRanges: db.prepare<[number, string]>(TRAMITE_SQL.dropRanges),
    insertRange: db.prepare<[number, string, number, number, string]>(TRAMITE_SQL.insertRange),
    registerNre: db.prepare<[string, string]>(TRAMITE_SQL.registerNre),
    upsertDocument: db.prepare<[string, string, number, number, number, string | null, string, number]>(TRAMITE_SQL.upsertDocument),
    bindHolder: db.prepare<[string, string, string, string]>(TRAMITE_SQL.bindHolder),
    insertHolder: db.prepare<[string, string, string, string]>(TRAMITE_SQL.insertHolder),
    dropHolders: db.prepare<[string]>(TRAMITE_SQL.dropHolders),
    holders: db.prepare<[string], NreHolderRow>(TRAMITE_SQL.holders),
    isHolder: db.prepare<[string, string], { one: number }>(TRAMITE_SQL.isHolder),
    insertCompletion: db.prepare<[number, string, string, string, string, string, string, string | null]>(TRAMITE_SQL.insertCompletion),
    completion: db.prepare<[number], CompletionReceiptRow>(TRAMITE_SQL.completion),
    insertSend: db.prepare<[number, string, string, string, string, string]>(TRAMITE_SQL.insertSend),
    send: db.prepare<[number], SendReceiptRow>(TRAMITE_SQL.send),
    listForSender: db.prepare<[string, string], TramiteRow>(TRAMITE_SQL.listForSender),
    listForReceiver: db.prepare<[string, string], TramiteRow>(TRAMITE_SQL.listForReceiver),
    idle: db.prepare<[string, string], TramiteRow>(TRAMITE_SQL.idle),
    countBySituacao: db.prepare<[string], { situacao: number; n: number }>(TRAMITE_SQL.countBySituacao),
    bodyReferenced: db.prepare<[string], { one: number }>(TRAMITE_SQL.bodyReferenced),
    blobReferenced: db.prepare<[string], { one: number }>(TRAMITE_SQL.blobReferenced),
    sealReferenced: db.prepare<[string], { one: number }>(TRAMITE_SQL.sealReferenced),
    blobKeyOf: db.prepare<[string], { blob_key: string }>(TRAMITE_SQL.blobKeyOf),
    markPendencia: db.prepare<[string, number, number]>(TRAMITE_SQL.markPendencia),
    pendencias: db.prepare<[string], { idt: number; situacao: number }>(TRAMITE_SQL.pendencias),
    recordLongPoll: db.prepare<[string, number, number, string]>(TRAMITE_SQL.recordLongPoll),
    longPolls: db.prepare<[string], { idt: number; situacao: number; at: string }>(TRAMITE_SQL.longPolls),
    pruneLongPolls: db.prepare<[string]>(TRAMITE_SQL.pruneLongPolls),
    prunePendencias: db.prepare<[string]>(TRAMITE_SQL.prunePendencias),
    registration: db.prepare<[string], { nre: string; protocolo: string; version: number }>(TRAMITE_SQL.registration),
    documents: db.prepare<[string], NreDocumentRow>(TRAMITE_SQL.documents),
    heldHashes: db.prepare<[string, string, string, string], { hash: string }>(TRAMITE_SQL.heldHashes),
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
    s.insertTramite.run(insertTramiteValues(t, { idt, nre, ticket, situacao: flow.initial, at, metadataSize: quota.metadataSizeOf(t) }));
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
