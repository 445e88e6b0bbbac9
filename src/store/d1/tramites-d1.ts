import type { Situacao } from '../../domain/situacao.ts';
import { FIRST_IDT, formatOwnNre, type TramiteRecord } from '../../domain/tramite.ts';
import type {
  AuditEntry,
  CreateFlow,
  CreateResult,
  FollowUps,
  Move,
  NewTramite,
  NreHoldersResult,
  TramiteReader,
  TramiteWriter,
  TransitionResult,
} from '../index.ts';
import { quotaVerdict } from '../sender-quota.ts';
import { SQLITE_OUTBOX_INSERT } from '../sqlite/webhook-sql.ts';
import { QUOTA_SQL, TRAMITE_SQL as S, insertTramiteValues } from '../sqlite/tramite-sql.ts';
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
} from '../sqlite/rows.ts';
import { all, atomically, byName, first, run, type D1Conn, type Queued, type Work } from './db.ts';
import { keys as key } from './keys.ts';
import { rangesCover, type OpenRow } from '../tramite-ranges.ts';

/** A trâmite as a unit of work sees it: its row and components as read, then as its queued writes leave them. */
interface Model {
  row: TramiteRow;
  components: ComponentRow[];
  /** The row as the commit left it, when the unit wrote anything to it. */
  after: Queued<TramiteRow> | null;
}


const openResult = (r: OpenRow): CreateResult => ({ ok: false, reason: 'open_tramite', open: { idt: r.idt, situacao: situacaoOf(r.situacao), nre: r.nre } });

/**
 * The trâmite store on D1. Like the SQLite and PostgreSQL stores it executes the workflow and
 * never decides it: every situação it writes or filters on arrives from the services, and it runs
 * the SQLite adapter's own statements (sqlite/tramite-sql.ts).
 *
 * How the guarantees hold without an open transaction (db.ts): every writer runs as a unit of work
 * that first reads the revision of the trâmite (`t:<idt>`), then its row and components, decides
 * each move as a compare-and-set on that state (in TypeScript, in the same order as the SQLite
 * transaction), and commits the moves, their history rows, outbox events and audit links in one
 * batch that also moves the revision on. A second writer of the same trâmite between the reads and
 * the batch moved the revision, so this batch fails whole and the unit decides again on the new
 * state: a move is never applied from a situação it did not see. The one-open-trâmite-per-NRE rule
 * is the schema's partial unique index (migration 1), which D1 enforces inside the batch like
 * SQLite; starts of one NRE are also serialised by its key, and first starts of a process by the
 * sender's key, so the check before the insert sees every start committed before it.
 */
export function d1Tramites(c: D1Conn): TramiteReader & TramiteWriter {
  const get = async (idt: number): Promise<TramiteRecord | null> => {
    const r = await first<TramiteRow>(c, S.get, idt);
    return r ? toTramite(r) : null;
  };

  /** Locks and reads a trâmite (null when there is none). */
  const load = async (w: Work, idt: number): Promise<Model | null> => {
    await w.lock(key.tramite(idt));
    const row = await w.first<TramiteRow>(S.get, idt);
    if (!row) return null;
    return { row: { ...row }, components: (await w.all<ComponentRow>(S.components, idt)).map((x) => ({ ...x })), after: null };
  };

  /** The row as committed (re-read at the end of the batch when the unit changed it). */
  const recordOf = (m: Model): TramiteRecord => toTramite(m.after?.rows[0] ?? m.row);
  const touched = (w: Work, m: Model) => {
    m.after ??= w.write<TramiteRow>(S.get, m.row.idt);
  };

  // each history row also writes the webhook outbox events of that situação, in the same batch
  const appendHistory = (w: Work, idt: number, situacao: Situacao, at: string) => {
    w.write(S.history, idt, idt, situacao, at);
    w.write(SQLITE_OUTBOX_INSERT, ...byName(SQLITE_OUTBOX_INSERT, { situacao, at, idt }));
  };

  /**
   * The compare-and-set core, on the unit's view of the trâmite: moves only from an expected
   * situação; otherwise it is already there (an idempotent repeat) or somewhere else (a conflict).
   */
  const casMove = (
    w: Work,
    m: Model,
    input: { from: readonly Situacao[]; to: Situacao; at: string; audit: AuditEntry; refusal?: TramiteRecord['refusal']; completeAt?: string },
  ): 'moved' | 'already' | 'conflict' => {
    const { from, to, at, audit } = input;
    const before = situacaoOf(m.row.situacao);
    if (!from.includes(before)) return before === to ? 'already' : 'conflict';
    const values = {
      to,
      at,
      completeAt: input.completeAt ?? null,
      motivo: input.refusal?.motivo ?? null,
      justificativa: input.refusal?.justificativa ?? null,
      refusalAt: input.refusal?.at ?? null,
      idt: m.row.idt,
      from: situacaoSet(from),
    };
    // the revision makes this certain; the guard states it (a lost move would fail the batch)
    w.writeOne(S.move, ...byName(S.move, values));
    m.row.situacao = to;
    m.row.last_transition_at = at;
    m.row.components_complete_at = values.completeAt ?? m.row.components_complete_at;
    m.row.refusal_motivo = values.motivo ?? m.row.refusal_motivo;
    m.row.refusal_justificativa = values.justificativa ?? m.row.refusal_justificativa;
    m.row.refusal_at = values.refusalAt ?? m.row.refusal_at;
    appendHistory(w, m.row.idt, to, at);
    w.audit(at, { ...audit, data: { ...audit.data, de: before, para: to } }, m.row.idt);
    touched(w, m);
    return 'moved';
  };

  /** A compare-and-set's outcome as the port tells it. */
  const outcome = (m: Model, r: ReturnType<typeof casMove>) => (): TransitionResult =>
    r === 'conflict' ? { ok: false, reason: 'conflict', current: toTramite(m.row) } : { ok: true, tramite: recordOf(m), changed: r === 'moved' };

  /** Facts about components, on the unit's view (its own queued writes included). */
  const holds = (m: Model, when: Move['when']): boolean => {
    if (when === 'requested_all_received') return !m.components.some((x) => x.requested === 1 && x.received === 0);
    if (when === 'nothing_pending_for_receiver') return !m.components.some((x) => x.pending_receiver === 1 && x.delivered === 0);
    return true;
  };

  /** Applies the moves the services decided, in order, each only from its `from` and while its condition holds. */
  const followUp = (w: Work, m: Model, at: string, moves: FollowUps): boolean => {
    let changed = false;
    for (const mv of moves) {
      if (!mv.from.includes(situacaoOf(m.row.situacao)) || !holds(m, mv.when)) continue;
      // the time every requested component was held is the send receipt's date (spec §2.13)
      changed = casMove(w, m, { from: mv.from, to: mv.to, at, audit: mv.audit, completeAt: mv.when === 'requested_all_received' ? at : undefined }) === 'moved' || changed;
    }
    return changed;
  };

  /**
   * The next value of a counter (its start the first time), taken at once by one statement of its
   * own (atomic by itself), outside the unit's batch: concurrent starts never conflict on a counter.
   * A unit that is then refused or run again leaves the value unused, a gap in the sequence (the
   * protocol asks IDTs, NREs and tickets to be unique, not consecutive).
   */
  const reserve = async (name: string, start: number): Promise<number> => (await first<{ value: number }>(c, S.counter, name, start))!.value;
  /** The next IDT, never below the floor nor an IDT already present (as the PostgreSQL store allocates it). */
  const reserveIdt = async (floor: number): Promise<number> =>
    (await first<{ value: number }>(
      c,
      `INSERT INTO counters (name, value) VALUES ('idt', max(?1, (SELECT coalesce(max(idt), 0) + 1 FROM tramites)))
       ON CONFLICT(name) DO UPDATE SET value = max(value + 1, ?1, (SELECT coalesce(max(idt), 0) + 1 FROM tramites)) RETURNING value`,
      floor,
    ))!.value;

  const create = (t: NewTramite, at: string, audit: AuditEntry, flow: CreateFlow): Promise<CreateResult> =>
    atomically(c, async (w) => {
      const open = situacaoSet(flow.open);
      await w.lock(
        key.sender(t.senderSystemId),
        ...(t.nre ? [key.nre(t.nre)] : []),
        // retention may not forget bytes this start declares, nor the body it reuses (retention-d1.ts)
        ...t.components.map((x) => key.blob(x.hash)),
        key.body(t.metadataBlobKey),
      );
      const bodySize = async () =>
        t.metadataSize ?? (await w.first<{ s: number | null }>(QUOTA_SQL.bodySize, t.metadataBlobKey))?.s ?? 0;
      // before any write: a refusal leaves the store as it was
      if (t.quota) {
        const set = situacaoSet(t.quota.situacoes);
        const use = {
          hashes: await w.all<{ hash: string; size: number }>(QUOTA_SQL.hashes, t.senderSystemId, set),
          bodies: await w.all<{ k: string; s: number }>(QUOTA_SQL.bodies, t.senderSystemId, set),
        };
        const refusal = quotaVerdict(t, use, use.bodies.some((b) => b.k === t.metadataBlobKey) ? 0 : await bodySize());
        if (refusal) return () => refusal;
      }
      let nre = t.nre;
      if (nre) {
        const o = await w.first<OpenRow>(S.openByNre, nre, open);
        if (o) return () => openResult(o);
        if (t.expectedNreVersion !== undefined) {
          const version = (await w.first<{ version: number }>(S.nreVersion, nre))?.version ?? 0;
          if (version !== t.expectedNreVersion) return () => ({ ok: false, reason: 'nre_changed' });
        }
        // spec §4.1: an unknown well-formed NRE is adopted as a new record (migration).
        w.write(S.adoptNre, nre, t.protocolo, at);
      } else {
        if (t.kind === 'processo') {
          const o = await w.first<OpenRow>(S.openBySender, t.protocolo, t.senderSystemId, open);
          if (o) return () => openResult(o);
        }
        do nre = formatOwnNre(await reserve('nre', 1));
        while (await w.first(S.nreExists, nre));
        await w.lock(key.nre(nre));
        w.write(S.insertNre, nre, t.protocolo, at);
      }
      const idt = await reserveIdt(Math.max(FIRST_IDT, t.idtFloor ?? 0));
      const ticket = t.ticket ?? String(await reserve('ticket', 1_000_001));
      const values = insertTramiteValues(t, { idt, nre, ticket, situacao: flow.initial, at, metadataSize: await bodySize() });
      await w.lock(key.tramite(idt));
      w.write(S.insertTramite, ...byName(S.insertTramite, values));
      for (const comp of t.components)
        w.write(S.insertComponent, idt, comp.hash, comp.size, comp.protocolo, int(comp.requested), int(comp.pendingForReceiver), comp.occurrences);
      appendHistory(w, idt, flow.initial, at);
      w.audit(at, audit, idt);
      // the follow-ups see the new trâmite as the batch will have written it
      const m: Model = {
        row: { situacao: flow.initial, idt, components_complete_at: null, refusal_motivo: null, refusal_justificativa: null, refusal_at: null } as TramiteRow,
        components: t.components.map((x) => ({ requested: int(x.requested), received: 0, pending_receiver: int(x.pendingForReceiver), delivered: 0 }) as ComponentRow),
        after: null,
      };
      followUp(w, m, at, flow.then);
      const row = w.write<TramiteRow>(S.get, idt);
      return () => ({ ok: true, tramite: toTramite(row.rows[0]!) });
    });

  /** A unit of work on one trâmite: `not_found` when there is none, else `fn` on its view. */
  const onTramite = (idt: number, fn: (w: Work, m: Model) => Promise<() => TransitionResult> | (() => TransitionResult)) =>
    atomically(c, async (w) => {
      const m = await load(w, idt);
      if (!m) return (): TransitionResult => ({ ok: false, reason: 'not_found' });
      return fn(w, m);
    });

  const withChange = (m: Model, changed: boolean) => (): TransitionResult => ({ ok: true, tramite: recordOf(m), changed });

  /**
   * Records [ini, fim) served for a component, merged with every stored range it overlaps or
   * touches (transitively) as the SQLite store does, so the component's rows stay disjoint; the
   * rows are read once (they are few: each call leaves one row per disjoint span).
   */
  const mergeDownloadRange = async (w: Work, idt: number, hash: string, ini: number, fim: number, at: string) => {
    const stored = await w.all<{ id: number; ini: number; fim: number }>('SELECT rowid AS id, ini, fim FROM download_ranges WHERE idt = ? AND hash = ?', idt, hash);
    let lo = ini;
    let hi = fim;
    const absorbed = new Set<number>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of stored) {
        if (absorbed.has(r.id) || r.ini > hi || r.fim < lo) continue;
        absorbed.add(r.id);
        (lo = Math.min(lo, r.ini)), (hi = Math.max(hi, r.fim)), (grew = true);
      }
    }
    for (const id of absorbed) w.write(S.dropRange, id);
    w.write(S.insertRange, idt, hash, lo, hi, at);
    return { ini: lo, fim: hi };
  };

  return {
    get,
    async getByTicket(ticket) {
      return (await all<TramiteRow>(c, S.byTicket, ticket)).map(toTramite);
    },
    async history(idt) {
      return (await all<{ situacao: number; at: string }>(c, S.historyOf, idt)).map((h) => ({ situacao: situacaoOf(h.situacao), at: h.at }));
    },
    async components(idt) {
      return (await all<ComponentRow>(c, S.components, idt)).map(toComponent);
    },
    async query(q) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      const add = (sql: string, ...v: (string | number)[]) => (where.push(sql), params.push(...v));
      if (q.idt !== undefined) add('idt = ?', q.idt);
      if (q.nre !== undefined) add('nre = ?', q.nre);
      if (q.protocolo !== undefined) add('protocolo = ?', q.protocolo);
      if (q.remetente?.repositoryId !== undefined) add('rem_rep = ?', q.remetente.repositoryId);
      if (q.remetente?.numero !== undefined) add('rem_num = ?', q.remetente.numero);
      if (q.destinatario?.repositoryId !== undefined) add('dest_rep = ?', q.destinatario.repositoryId);
      if (q.destinatario?.numero !== undefined) add('dest_num = ?', q.destinatario.numero);
      if (q.partySystemId !== undefined) add('(sender_system_id = ? OR receiver_system_id = ?)', q.partySystemId, q.partySystemId);
      const sql = `SELECT * FROM tramites ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY idt DESC LIMIT ?`;
      return (await all<TramiteRow>(c, sql, ...params, q.limit ?? 100)).map(toTramite);
    },
    async listForSystem(systemId, side, situacoes) {
      if (situacoes.length === 0) return [];
      return (await all<TramiteRow>(c, side === 'sender' ? S.listForSender : S.listForReceiver, systemId, situacaoSet(situacoes))).map(toTramite);
    },
    async nreExists(nre) {
      return !!(await first(c, S.nreExists, nre));
    },
    async getSendReceipt(idt) {
      const r = await first<SendReceiptRow>(c, S.send, idt);
      return r ? toSendReceipt(r) : null;
    },
    async getCompletionReceipt(idt) {
      const r = await first<CompletionReceiptRow>(c, S.completion, idt);
      return r ? toCompletionReceipt(r) : null;
    },
    async isBlobReferenced(k) {
      return !!((await first(c, S.bodyReferenced, k)) ?? (await first(c, S.blobReferenced, k)) ?? (await first(c, S.sealReferenced, k)));
    },
    async blobKeyOf(hash) {
      return (await first<{ blob_key: string }>(c, S.blobKeyOf, hash))?.blob_key ?? null;
    },
    async create(t, at, audit, flow) {
      try {
        return await create(t, at, audit, flow);
      } catch (e) {
        // The partial unique index caught a start the check did not see (spec §5.4: an open set
        // narrower than the index): no trâmite of an NRE is created while one is open, so the one
        // blocking is its newest. D1 reports the constraint only in its message.
        if (t.nre && /UNIQUE constraint failed: tramites\.nre/.test(String((e as Error)?.message))) {
          const open = await first<OpenRow>(c, S.newestOfNre, t.nre);
          if (open) return openResult(open);
        }
        throw e;
      }
    },
    async transition(input) {
      return onTramite(input.idt, (w, m) => outcome(m, casMove(w, m, input)));
    },
    async advance({ idt, at, moves }) {
      return onTramite(idt, (w, m) => withChange(m, followUp(w, m, at, moves)));
    },
    async markReceived(idts, hash, size, storedAt, at, audit, then) {
      return atomically(c, async (w) => {
        // all keys in the first lock: a store's own units take turns on them together (db.ts holdLocally)
        await w.lock(key.blob(hash), ...idts.map(key.tramite));
        const models: Model[] = [];
        for (const idt of idts) {
          const m = await load(w, idt);
          if (!m) throw new Error(`trâmite ${idt} inexistente ao registrar componente recebido`);
          models.push(m);
        }
        w.write(S.storeBlob, hash, size, storedAt, at);
        for (const m of models) {
          const comp = m.components.find((x) => x.hash === hash);
          if (comp && comp.received === 0) {
            w.write(S.markReceived, m.row.idt, hash);
            comp.received = 1;
            w.audit(at, audit, m.row.idt);
            touched(w, m);
          }
          followUp(w, m, at, then);
        }
        return () => models.map(recordOf);
      });
    },
    async recordDownload(idt, hash, ini, fim, at, audit, then) {
      return onTramite(idt, async (w, m) => {
        const comp = m.components.find((x) => x.hash === hash);
        if (!comp) return () => ({ ok: false, reason: 'not_found' });
        if (comp.delivered !== 1) {
          const merged = await mergeDownloadRange(w, idt, hash, ini, fim, at);
          if (rangesCover([merged], comp.size)) {
            w.write(S.markDelivered, idt, hash);
            comp.delivered = 1;
            // the ranges served only to prove coverage; once delivered they are not kept
            w.write(S.dropRanges, idt, hash);
            w.audit(at, audit, idt);
          }
        }
        return withChange(m, followUp(w, m, at, then));
      });
    },
    async saveSendReceipt(idt, r) {
      await run(c, S.insertSend, idt, r.dataDeRecebimentoDoUltimoComponenteDigital, JSON.stringify(r.hashes), r.signedString, r.hashDaAssinatura, r.chainPem);
    },
    async completeWithReceipt(input) {
      const { idt, receipt: r, move, at, register } = input;
      return onTramite(idt, async (w, m) => {
        // the registration's version moves: starts and holder changes of the NRE decide again
        await w.lock(key.nre(m.row.nre));
        const moved = casMove(w, m, { from: move.from, to: move.to, at, audit: move.audit });
        if (moved !== 'moved') return outcome(m, moved);
        const nre = m.row.nre;
        // spec §6: the registered protocolo is the main process's; components and the IDT that
        // first registered them are kept, retirado and espécie follow the latest trâmite.
        w.write(S.registerNre, m.row.protocolo, nre);
        for (const d of register)
          w.write(S.upsertDocument, nre, d.protocolo, d.ordem, d.especie, int(d.retirado), d.anexado, JSON.stringify(d.components), d.registeredIdt);
        for (const h of input.holders) w.write(S.bindHolder, nre, h, 'tramite', at);
        w.write(S.insertCompletion, idt, r.dataDeRecebimento, r.hashDaAssinatura, JSON.stringify(r.hashes), r.signedString, r.signerChainPem, r.receivedAt, r.situacao4Date ?? null);
        return outcome(m, moved);
      });
    },
    async markPendenciasDelivered(systemId, items) {
      if (items.length === 0) return;
      await c.db.batch(items.map((i) => c.db.prepare(S.markPendencia).bind(systemId, i.idt, i.situacao)));
    },
    async recordLongPollDelivery(systemId, item, at) {
      await run(c, S.recordLongPoll, systemId, item.idt, item.situacao, at);
    },
    async longPollDeliveries(systemId, since) {
      const rows = await all<{ idt: number; situacao: number; at: string }>(c, S.longPolls, systemId);
      const recent = new Set(rows.filter((r) => r.at >= since).map((r) => `${r.idt}/${r.situacao}`));
      const lastStatus = new Map(rows.map((r) => [r.idt, r.situacao]));
      const recentAt = new Map(rows.filter((r) => r.at >= since).map((r) => [`${r.idt}/${r.situacao}`, r.at]));
      return { recent, lastStatus, recentAt };
    },
    async pruneDeliveries(before, final) {
      await c.db.batch([c.db.prepare(S.pruneLongPolls).bind(before), c.db.prepare(S.prunePendencias).bind(situacaoSet(final))]);
    },
    async deliveredPendencias(systemId) {
      return new Set((await all<{ idt: number; situacao: number }>(c, S.pendencias, systemId)).map((r) => `${r.idt}/${r.situacao}`));
    },
    async nreRegistration(nre) {
      const n = await first<{ nre: string; protocolo: string; version: number }>(c, S.registration, nre);
      if (!n) return null;
      return { nre: n.nre, protocolo: n.protocolo, version: n.version, documents: (await all<NreDocumentRow>(c, S.documents, nre)).map(toRegisteredDocument) };
    },
    async heldHashes(nre, systemId, concluded) {
      return new Set((await all<{ hash: string }>(c, S.heldHashes, nre, systemId, systemId, situacaoSet(concluded))).map((r) => r.hash));
    },
    async isNreParty(nre, systemId) {
      return !!(await first(c, S.isHolder, nre, systemId));
    },
    async listIdle(situacoes, before) {
      return (await all<TramiteRow>(c, S.idle, situacaoSet(situacoes), before)).map(toTramite);
    },
    async countBySituacao(idleBefore) {
      // '~' sorts after every ISO timestamp: without a bound, every trâmite counts
      return new Map((await all<{ situacao: number; n: number }>(c, S.countBySituacao, idleBefore ?? '~')).map((r) => [r.situacao as Situacao, r.n]));
    },
    async nreHolders(nre) {
      return (await all<NreHolderRow>(c, S.holders, nre)).map(toNreHolder);
    },
    async setNreHolders(input, at, audit) {
      return atomically(c, async (w): Promise<() => NreHoldersResult> => {
        await w.lock(key.nre(input.nre));
        const current = await w.first<{ version: number }>(S.nreVersion, input.nre);
        if ((current?.version ?? null) !== input.expectedVersion) return () => ({ ok: false, reason: 'nre_changed' });
        const open = input.holders.length === 0 ? null : await w.first<OpenRow>(S.openFromOutside, input.nre, situacaoSet(input.open), JSON.stringify(input.holders));
        if (open) return () => ({ ok: false, reason: 'open_tramite', open: { idt: open.idt, situacao: situacaoOf(open.situacao), senderSystemId: open.sender_system_id } });
        if (!current) w.write(S.insertNreAt1, input.nre, input.protocolo ?? '', at);
        else w.write(S.bumpNre, input.protocolo, input.nre);
        w.write(S.dropHolders, input.nre);
        for (const h of new Set(input.holders)) w.write(S.insertHolder, input.nre, h, input.source, at);
        w.audit(at, audit, null);
        return () => ({ ok: true, version: (current?.version ?? 0) + 1 });
      });
    },
  };
}
