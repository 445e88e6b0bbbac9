import type pg from 'pg';
import type { Situacao } from '../../domain/situacao.ts';
import { FIRST_IDT, formatOwnNre, type TramiteRecord } from '../../domain/tramite.ts';
import type {
  AuditEntry,
  CreateResult,
  FollowUps,
  MoveCondition,
  NewTramite,
  NreHoldersResult,
  TramiteQuery,
  TramiteReader,
  TramiteWriter,
  TransitionResult,
} from '../index.ts';
import { one, pgCode, rows, run, stmt, tx, UNIQUE_VIOLATION, type Conn } from './db.ts';
import { postgresQuota } from './retention-postgres.ts';
import { postgresOutboxInsert } from './webhooks-postgres.ts';
import {
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
import { appendAudit } from './audit.ts';
import { rangesCover, type OpenRow } from '../tramite-ranges.ts';



/** The statements of the trâmite store, each prepared once per connection (named). */
const s = {
  get: stmt<[number], TramiteRow>('SELECT * FROM tramites WHERE idt = $1'),
  /** Serialises the writers of these trâmites until commit, always in idt order (no deadlock between them). */
  lock: stmt<[number[]], { idt: number }>('SELECT idt FROM tramites WHERE idt = ANY($1::bigint[]) ORDER BY idt FOR UPDATE'),
  byTicket: stmt<[string], TramiteRow>('SELECT * FROM tramites WHERE ticket = $1 ORDER BY idt'),
  /** Counters are rows: the upsert locks its row until commit, so two creators never get the same value. */
  counter: stmt<[string, number], { value: number }>(
    'INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value',
  ),
  /** The next IDT: its counter row serialises allocation, and it never goes below an IDT already present. */
  nextIdt: stmt<[number], { value: number }>(
    `INSERT INTO counters (name, value) VALUES ('idt', GREATEST($1::bigint, (SELECT coalesce(max(idt), 0) + 1 FROM tramites)))
     ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value + 1, $1::bigint, (SELECT coalesce(max(idt), 0) + 1 FROM tramites)) RETURNING value`,
  ),
  history: stmt<[number, number, string]>(
    'INSERT INTO tramite_history (idt, seq, situacao, at) VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM tramite_history WHERE idt = $1), $2, $3)',
  ),
  historyOf: stmt<[number], { situacao: number; at: string }>('SELECT situacao, at FROM tramite_history WHERE idt = $1 ORDER BY seq'),
  /** The compare-and-set: moves only from an expected situação. */
  move: stmt<[number, string, string | null, string | null, string | null, string | null, number, number[]]>(
    `UPDATE tramites SET situacao = $1, last_transition_at = $2,
       components_complete_at = coalesce($3, components_complete_at),
       refusal_motivo = coalesce($4, refusal_motivo), refusal_justificativa = coalesce($5, refusal_justificativa),
       refusal_at = coalesce($6, refusal_at)
     WHERE idt = $7 AND situacao = ANY($8::int[])`,
  ),
  missingRequested: stmt<[number], { n: number }>('SELECT count(*) AS n FROM tramite_components WHERE idt = $1 AND requested AND NOT received'),
  pendingForReceiver: stmt<[number], { n: number }>('SELECT count(*) AS n FROM tramite_components WHERE idt = $1 AND pending_receiver AND NOT delivered'),
  openByNre: stmt<[string, number[]], OpenRow>(
    'SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = $1 AND situacao = ANY($2::int[]) ORDER BY idt DESC LIMIT 1',
  ),
  openBySender: stmt<[string, string, number[]], OpenRow>(
    `SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE protocolo = $1 AND sender_system_id = $2 AND situacao = ANY($3::int[])
     ORDER BY idt DESC LIMIT 1`,
  ),
  openFromOutside: stmt<[string, number[], string[]], OpenRow>(
    `SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = $1 AND situacao = ANY($2::int[])
     AND NOT (sender_system_id = ANY($3::text[])) ORDER BY idt LIMIT 1`,
  ),
  /** Serialises, across nodes, the starts of one process by one sender (no NRE yet to lock or index on). */
  protocoloLock: stmt<[string, string]>("SELECT pg_advisory_xact_lock(hashtextextended('elo.protocolo:' || $1 || '/' || $2, 0))"),
  newestOfNre: stmt<[string], OpenRow>('SELECT idt, situacao, nre, sender_system_id FROM tramites WHERE nre = $1 ORDER BY idt DESC LIMIT 1'),
  /** The registration's version, locked: rule checks, holder changes and registration are serialised per NRE. */
  nreVersion: stmt<[string], { version: number }>('SELECT version FROM nres WHERE nre = $1 FOR UPDATE'),
  nreExists: stmt<[string], { one: number }>('SELECT 1 AS one FROM nres WHERE nre = $1'),
  adoptNre: stmt<[string, string, string]>('INSERT INTO nres (nre, protocolo, created_at) VALUES ($1, $2, $3) ON CONFLICT (nre) DO NOTHING'),
  insertNre: stmt<[string, string, string]>('INSERT INTO nres (nre, protocolo, created_at) VALUES ($1, $2, $3)'),
  insertNreAt1: stmt<[string, string, string]>('INSERT INTO nres (nre, protocolo, created_at, version) VALUES ($1, $2, $3, 1)'),
  bumpNre: stmt<[string | null, string]>('UPDATE nres SET version = version + 1, protocolo = coalesce($1, protocolo) WHERE nre = $2'),
  insertTramite: stmt<
    [number, string, string, string, number, string, number, string, number | null, string | null, string, string, number, string, boolean, boolean, boolean, number | null, string, string, number | null, number | null, number | null, number | null, number | null, number, string | null]
  >(
    `INSERT INTO tramites (idt, nre, kind, protocolo, rem_rep, rem_num, dest_rep, dest_num, rec_rep, rec_num,
      sender_system_id, receiver_system_id, situacao, ticket, is_replay, envio_parcial, urgente, motivo_urgencia,
      metadata_blob_key, created_at, last_transition_at, replay_of, package_ini, package_fim, props_ini, props_fim, metadata_size, metadata_format)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21, $22, $23, $24, $25, $26, $27)`,
  ),
  insertComponent: stmt<[number, string, number, string, boolean, boolean, number]>(
    `INSERT INTO tramite_components (idt, hash, size, protocolo, requested, received, pending_receiver, delivered, occurrences)
     VALUES ($1, $2, $3, $4, $5, false, $6, false, $7)`,
  ),
  components: stmt<[number], ComponentRow>('SELECT * FROM tramite_components WHERE idt = $1 ORDER BY ord'),
  component: stmt<[number, string], ComponentRow>('SELECT * FROM tramite_components WHERE idt = $1 AND hash = $2'),
  storeBlob: stmt<[string, number, string, string]>(
    'INSERT INTO component_blobs (hash, size, blob_key, stored_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING',
  ),
  markReceived: stmt<[number, string]>('UPDATE tramite_components SET received = true WHERE idt = $1 AND hash = $2 AND NOT received'),
  markDelivered: stmt<[number, string]>('UPDATE tramite_components SET delivered = true WHERE idt = $1 AND hash = $2'),
  touchingRanges: stmt<[number, string, number, number], { id: number; ini: number; fim: number }>(
    'SELECT id, ini, fim FROM download_ranges WHERE idt = $1 AND hash = $2 AND ini <= $3 AND fim >= $4',
  ),
  dropRange: stmt<[number]>('DELETE FROM download_ranges WHERE id = $1'),
  dropRanges: stmt<[number, string]>('DELETE FROM download_ranges WHERE idt = $1 AND hash = $2'),
  insertRange: stmt<[number, string, number, number, string]>('INSERT INTO download_ranges (idt, hash, ini, fim, at) VALUES ($1, $2, $3, $4, $5)'),
  registerNre: stmt<[string, string]>('UPDATE nres SET protocolo = $1, version = version + 1 WHERE nre = $2'),
  upsertDocument: stmt<[string, string, number, number, boolean, string | null, string, number]>(
    `INSERT INTO nre_documents (nre, protocolo, ordem, especie, retirado, anexado, components_json, registered_idt)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (nre, protocolo, ordem) DO UPDATE SET retirado = excluded.retirado, especie = excluded.especie, anexado = excluded.anexado`,
  ),
  bindHolder: stmt<[string, string, string, string]>('INSERT INTO nre_holders (nre, system_id, source, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING'),
  insertHolder: stmt<[string, string, string, string]>('INSERT INTO nre_holders (nre, system_id, source, at) VALUES ($1, $2, $3, $4)'),
  dropHolders: stmt<[string]>('DELETE FROM nre_holders WHERE nre = $1'),
  holders: stmt<[string], NreHolderRow>('SELECT system_id, source, at FROM nre_holders WHERE nre = $1 ORDER BY at, system_id'),
  isHolder: stmt<[string, string], { one: number }>('SELECT 1 AS one FROM nre_holders WHERE nre = $1 AND system_id = $2'),
  insertCompletion: stmt<[number, string, string, string, string, string, string, string | null]>(
    `INSERT INTO completion_receipts (idt, data_de_recebimento, hash_da_assinatura, hashes_json, signed_string, signer_chain_pem, received_at, situacao4_date)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  ),
  completion: stmt<[number], CompletionReceiptRow>('SELECT * FROM completion_receipts WHERE idt = $1'),
  insertSend: stmt<[number, string, string, string, string, string]>(
    `INSERT INTO send_receipts (idt, data, hashes_json, signed_string, signature, chain_pem) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (idt) DO NOTHING`,
  ),
  send: stmt<[number], SendReceiptRow>('SELECT * FROM send_receipts WHERE idt = $1'),
  listForSender: stmt<[string, number[]], TramiteRow>('SELECT * FROM tramites WHERE sender_system_id = $1 AND situacao = ANY($2::int[]) ORDER BY idt'),
  listForReceiver: stmt<[string, number[]], TramiteRow>('SELECT * FROM tramites WHERE receiver_system_id = $1 AND situacao = ANY($2::int[]) ORDER BY idt'),
  idle: stmt<[number[], string], TramiteRow>('SELECT * FROM tramites WHERE situacao = ANY($1::int[]) AND last_transition_at < $2 ORDER BY idt'),
  countBySituacao: stmt<[string | null], { situacao: number; n: string }>(
    'SELECT situacao, COUNT(*) AS n FROM tramites WHERE $1::text IS NULL OR last_transition_at < $1::text GROUP BY situacao',
  ),
  bodyReferenced: stmt<[string], { one: number }>('SELECT 1 AS one FROM tramites WHERE metadata_blob_key = $1 LIMIT 1'),
  blobReferenced: stmt<[string], { one: number }>('SELECT 1 AS one FROM component_blobs WHERE blob_key = $1 LIMIT 1'),
  /** A hub seal's bytes (issue 11 item 2): a refused start whose body is a seal's must not remove it. */
  sealReferenced: stmt<[string], { one: number }>('SELECT 1 AS one FROM tramite_seals WHERE blob_key = $1 LIMIT 1'),
  blobKeyOf: stmt<[string], { blob_key: string }>('SELECT blob_key FROM component_blobs WHERE hash = $1'),
  markPendencia: stmt<[string, number, number]>('INSERT INTO pendencia_deliveries (system_id, idt, situacao) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING'),
  pendencias: stmt<[string], { idt: number; situacao: number }>('SELECT idt, situacao FROM pendencia_deliveries WHERE system_id = $1'),
  recordLongPoll: stmt<[string, number, number, string]>(
    `INSERT INTO longpoll_deliveries (system_id, idt, situacao, at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (system_id, idt, situacao) DO UPDATE SET at = excluded.at`,
  ),
  longPolls: stmt<[string], { idt: number; situacao: number; at: string }>(
    'SELECT idt, situacao, at FROM longpoll_deliveries WHERE system_id = $1 ORDER BY at, idt, situacao',
  ),
  pruneLongPolls: stmt<[string]>('DELETE FROM longpoll_deliveries WHERE at < $1'),
  prunePendencias: stmt<[number[]]>('DELETE FROM pendencia_deliveries WHERE idt IN (SELECT idt FROM tramites WHERE situacao = ANY($1::int[]))'),
  registration: stmt<[string], { nre: string; protocolo: string; version: number }>('SELECT nre, protocolo, version FROM nres WHERE nre = $1'),
  documents: stmt<[string], NreDocumentRow>('SELECT * FROM nre_documents WHERE nre = $1 ORDER BY protocolo, ordem'),
  heldHashes: stmt<[string, string, number[]], { hash: string }>(
    `SELECT DISTINCT c.hash FROM tramite_components c JOIN tramites t ON t.idt = c.idt
     WHERE t.nre = $1 AND ((t.sender_system_id = $2 AND c.received)
       OR (t.receiver_system_id = $2 AND t.situacao = ANY($3::int[]) AND c.delivered))`,
  ),
};

const openResult = (r: OpenRow): CreateResult => ({ ok: false, reason: 'open_tramite', open: { idt: r.idt, situacao: situacaoOf(r.situacao), nre: r.nre } });

/**
 * The trâmite store on PostgreSQL. Like the SQLite store it executes the workflow and never
 * decides it: every situação it writes or filters on arrives as data from the services.
 *
 * Concurrency (several hub nodes share the database): transactions run at READ COMMITTED, and
 * every transaction that writes a trâmite locks its row first (`FOR UPDATE`), so the moves of one
 * trâmite — and the count queries their conditions depend on — happen one after the other, each
 * seeing what the previous one committed. SERIALIZABLE with retries would also be correct, but
 * would abort and replay whole uploads' bookkeeping under contention on the same ticket; row locks
 * make the waiting explicit and cheap. What SQLite's single writer gave for free is made explicit:
 * IDT, NRE and ticket counters are rows updated with RETURNING (locked until commit), the sender
 * quota is checked under a per-sender advisory lock (and a first start of a process, which has no
 * NRE yet, under one per sender and protocolo), and the one-open-trâmite-per-NRE rule is the
 * partial unique index, whose violation (23505) is reported as the open trâmite that blocks.
 */
export function postgresTramites(pool: pg.Pool): TramiteReader & TramiteWriter {
  const quota = postgresQuota();
  /** `query` filters on any combination of fields: one named statement per combination. */
  const queries = new Map<string, ReturnType<typeof stmt<unknown[], TramiteRow>>>();

  const get = async (c: Conn, idt: number): Promise<TramiteRecord | null> => {
    const r = await one(c, s.get, idt);
    return r ? toTramite(r) : null;
  };
  const lock = (c: Conn, idts: number[]) => rows(c, s.lock, idts);
  const nextCounter = async (c: Conn, name: string, start: number): Promise<number> => (await one(c, s.counter, name, start))!.value;
  // each history row also writes the webhook outbox events of that situação, in the same transaction
  const appendHistory = async (c: Conn, idt: number, situacao: Situacao, at: string) => {
    await run(c, s.history, idt, situacao, at);
    return run(c, postgresOutboxInsert, idt, situacao, at);
  };

  /** The compare-and-set core: moves only from an expected situação, with history and audit. */
  const casMove = async (
    c: Conn,
    input: { idt: number; from: readonly Situacao[]; to: Situacao; at: string; audit: AuditEntry; refusal?: TramiteRecord['refusal']; completeAt?: string },
  ): Promise<TransitionResult> => {
    const { idt, from, to, at, audit } = input;
    const before = await get(c, idt);
    if (!before) return { ok: false, reason: 'not_found' };
    const changes = await run(
      c,
      s.move,
      to,
      at,
      input.completeAt ?? null,
      input.refusal?.motivo ?? null,
      input.refusal?.justificativa ?? null,
      input.refusal?.at ?? null,
      idt,
      situacaoSet(from),
    );
    if (changes === 0) {
      // Lost the compare-and-set: already there (an idempotent repeat) or somewhere else.
      return before.situacao === to ? { ok: true, tramite: before, changed: false } : { ok: false, reason: 'conflict', current: before };
    }
    await appendHistory(c, idt, to, at);
    await appendAudit(c, at, { ...audit, data: { ...audit.data, de: before.situacao, para: to } }, idt);
    return { ok: true, tramite: (await get(c, idt))!, changed: true };
  };

  /** Facts about components, counted in the transaction of the move that depends on them (the row is locked). */
  const holds = async (c: Conn, idt: number, when: MoveCondition | undefined): Promise<boolean> => {
    if (when === 'requested_all_received') return (await one(c, s.missingRequested, idt))!.n === 0;
    if (when === 'nothing_pending_for_receiver') return (await one(c, s.pendingForReceiver, idt))!.n === 0;
    return true;
  };

  /** Applies the moves the services decided, in order, each only from its `from` and while its condition holds. */
  const followUp = async (c: Conn, idt: number, at: string, moves: FollowUps): Promise<boolean> => {
    let changed = false;
    for (const m of moves) {
      const now = await get(c, idt);
      if (!now || !m.from.includes(now.situacao) || !(await holds(c, idt, m.when))) continue;
      // the time every requested component was held is the send receipt's date (spec §2.13)
      const r = await casMove(c, { idt, from: m.from, to: m.to, at, audit: m.audit, completeAt: m.when === 'requested_all_received' ? at : undefined });
      changed = (r.ok && r.changed) || changed;
    }
    return changed;
  };

  const create = (t: NewTramite, at: string, audit: AuditEntry, flow: Parameters<TramiteWriter['create']>[3]): Promise<CreateResult> =>
    tx(pool, async (c) => {
      const open = situacaoSet(flow.open);
      // before any write: a refusal leaves the store as it was
      const overQuota = await quota.quotaRefusal(c, t);
      if (overQuota) return overQuota;
      let nre = t.nre;
      if (nre) {
        const o = await one(c, s.openByNre, nre, open);
        if (o) return openResult(o);
        const version = await one(c, s.nreVersion, nre);
        if (t.expectedNreVersion !== undefined && (version?.version ?? 0) !== t.expectedNreVersion) return { ok: false, reason: 'nre_changed' };
        // spec §4.1: an unknown well-formed NRE is adopted as a new record (migration).
        await run(c, s.adoptNre, nre, t.protocolo, at);
      } else {
        if (t.kind === 'processo') {
          // two nodes starting the same process of one sender take turns, so the second sees the first's trâmite
          await rows(c, s.protocoloLock, t.senderSystemId, t.protocolo);
          const o = await one(c, s.openBySender, t.protocolo, t.senderSystemId, open);
          if (o) return openResult(o);
        }
        do nre = formatOwnNre(await nextCounter(c, 'nre', 1));
        while (await one(c, s.nreExists, nre));
        await run(c, s.insertNre, nre, t.protocolo, at);
      }
      const idt = (await one(c, s.nextIdt, Math.max(FIRST_IDT, t.idtFloor ?? 0)))!.value;
      const ticket = t.ticket ?? String(await nextCounter(c, 'ticket', 1_000_001));
      await run(
        c,
        s.insertTramite,
        idt,
        nre,
        t.kind,
        t.protocolo,
        t.remetente.repositoryId,
        t.remetente.numero,
        t.destinatario.repositoryId,
        t.destinatario.numero,
        t.receptora?.repositoryId ?? null,
        t.receptora?.numero ?? null,
        t.senderSystemId,
        t.receiverSystemId,
        flow.initial,
        ticket,
        t.isReplay,
        t.envioParcial,
        t.urgente,
        t.motivoUrgencia,
        t.metadataBlobKey,
        at,
        t.replayOf ?? null,
        t.packageSpan?.ini ?? null,
        t.packageSpan?.fim ?? null,
        t.propsSpan?.ini ?? null,
        t.propsSpan?.fim ?? null,
        await quota.metadataSizeOf(c, t),
        t.metadataFormat === 'xml-assinado' ? t.metadataFormat : null,
      );
      for (const comp of t.components)
        await run(c, s.insertComponent, idt, comp.hash, comp.size, comp.protocolo, comp.requested, comp.pendingForReceiver, comp.occurrences);
      await appendHistory(c, idt, flow.initial, at);
      await appendAudit(c, at, audit, idt);
      await followUp(c, idt, at, flow.then);
      return { ok: true, tramite: (await get(c, idt))! };
    });

  /**
   * Records [ini, fim) served for a component, coalesced with every stored range it overlaps or
   * touches (transitively), as the SQLite store does: the rows of a component stay disjoint.
   */
  const mergeDownloadRange = async (c: Conn, idt: number, hash: string, ini: number, fim: number, at: string) => {
    let lo = ini;
    let hi = fim;
    for (;;) {
      const found = await rows(c, s.touchingRanges, idt, hash, hi, lo);
      if (found.length === 0) break;
      for (const r of found) {
        lo = Math.min(lo, r.ini);
        hi = Math.max(hi, r.fim);
        await run(c, s.dropRange, r.id);
      }
    }
    await run(c, s.insertRange, idt, hash, lo, hi, at);
    return { ini: lo, fim: hi };
  };

  return {
    async get(idt) {
      return get(pool, idt);
    },
    async getByTicket(ticket) {
      return (await rows(pool, s.byTicket, ticket)).map(toTramite);
    },
    async history(idt) {
      return (await rows(pool, s.historyOf, idt)).map((h) => ({ situacao: situacaoOf(h.situacao), at: h.at }));
    },
    async components(idt) {
      return (await rows(pool, s.components, idt)).map(toComponent);
    },
    async query(q: TramiteQuery) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: (n: () => string) => string, ...v: unknown[]) => {
        where.push(sql(() => `$${params.push(v.shift()) }`));
      };
      if (q.idt !== undefined) add((n) => `idt = ${n()}`, q.idt);
      if (q.nre !== undefined) add((n) => `nre = ${n()}`, q.nre);
      if (q.protocolo !== undefined) add((n) => `protocolo = ${n()}`, q.protocolo);
      if (q.remetente?.repositoryId !== undefined) add((n) => `rem_rep = ${n()}`, q.remetente.repositoryId);
      if (q.remetente?.numero !== undefined) add((n) => `rem_num = ${n()}`, q.remetente.numero);
      if (q.destinatario?.repositoryId !== undefined) add((n) => `dest_rep = ${n()}`, q.destinatario.repositoryId);
      if (q.destinatario?.numero !== undefined) add((n) => `dest_num = ${n()}`, q.destinatario.numero);
      if (q.partySystemId !== undefined) add((n) => `(sender_system_id = ${n()} OR receiver_system_id = ${n()})`, q.partySystemId, q.partySystemId);
      params.push(q.limit ?? 100);
      const text = `SELECT * FROM tramites ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY idt DESC LIMIT $${params.length}`;
      let st = queries.get(text);
      if (!st) queries.set(text, (st = stmt<unknown[], TramiteRow>(text)));
      return (await rows(pool, st, ...params)).map(toTramite);
    },
    async listForSystem(systemId, side, situacoes) {
      if (situacoes.length === 0) return [];
      return (await rows(pool, side === 'sender' ? s.listForSender : s.listForReceiver, systemId, situacaoSet(situacoes))).map(toTramite);
    },
    async nreExists(nre) {
      return !!(await one(pool, s.nreExists, nre));
    },
    async getSendReceipt(idt) {
      const r = await one(pool, s.send, idt);
      return r ? toSendReceipt(r) : null;
    },
    async getCompletionReceipt(idt) {
      const r = await one(pool, s.completion, idt);
      return r ? toCompletionReceipt(r) : null;
    },
    async isBlobReferenced(key) {
      return !!((await one(pool, s.bodyReferenced, key)) ?? (await one(pool, s.blobReferenced, key)) ?? (await one(pool, s.sealReferenced, key)));
    },
    async blobKeyOf(hash) {
      return (await one(pool, s.blobKeyOf, hash))?.blob_key ?? null;
    },
    async create(t, at, audit, flow) {
      try {
        return await create(t, at, audit, flow);
      } catch (e) {
        // The partial unique index caught a start the check above did not see (spec §5.4: a
        // concurrent node's start committed first, or an open set narrower than the index): told by
        // the SQLSTATE, not by the message. No trâmite of an NRE is created while one is open, so
        // the one blocking is its newest.
        if (pgCode(e) === UNIQUE_VIOLATION && t.nre) {
          const open = await one(pool, s.newestOfNre, t.nre);
          if (open) return openResult(open);
        }
        throw e;
      }
    },
    async transition(input) {
      return tx(pool, async (c) => {
        await lock(c, [input.idt]);
        return casMove(c, input);
      });
    },
    async advance({ idt, at, moves }) {
      return tx(pool, async (c) => {
        await lock(c, [idt]);
        if (!(await get(c, idt))) return { ok: false, reason: 'not_found' };
        const changed = await followUp(c, idt, at, moves);
        return { ok: true, tramite: (await get(c, idt))!, changed };
      });
    },
    async markReceived(idts, hash, size, blobKey, at, audit, then) {
      return tx(pool, async (c) => {
        await lock(c, idts);
        await run(c, s.storeBlob, hash, size, blobKey, at);
        const out: TramiteRecord[] = [];
        for (const idt of idts) {
          if (await run(c, s.markReceived, idt, hash)) await appendAudit(c, at, audit, idt);
          await followUp(c, idt, at, then);
          out.push((await get(c, idt))!);
        }
        return out;
      });
    },
    async recordDownload(idt, hash, ini, fim, at, audit, then) {
      return tx(pool, async (c): Promise<TransitionResult> => {
        await lock(c, [idt]);
        const comp = await one(c, s.component, idt, hash);
        if (!comp || !(await get(c, idt))) return { ok: false, reason: 'not_found' };
        if (!comp.delivered) {
          const merged = await mergeDownloadRange(c, idt, hash, ini, fim, at);
          if (rangesCover([merged], comp.size)) {
            await run(c, s.markDelivered, idt, hash);
            // the ranges served only to prove coverage; once delivered they are not kept
            await run(c, s.dropRanges, idt, hash);
            await appendAudit(c, at, audit, idt);
          }
        }
        const changed = await followUp(c, idt, at, then);
        return { ok: true, tramite: (await get(c, idt))!, changed };
      });
    },
    async saveSendReceipt(idt, r) {
      await run(pool, s.insertSend, idt, r.dataDeRecebimentoDoUltimoComponenteDigital, JSON.stringify(r.hashes), r.signedString, r.hashDaAssinatura, r.chainPem);
    },
    async completeWithReceipt(input) {
      const { idt, receipt: r, move, at, register } = input;
      return tx(pool, async (c) => {
        await lock(c, [idt]);
        const moved = await casMove(c, { idt, from: move.from, to: move.to, at, audit: move.audit });
        if (moved.ok && moved.changed) {
          const t = moved.tramite;
          // spec §6: the registered protocolo is the main process's; components and the IDT that
          // first registered them are kept, retirado and espécie follow the latest trâmite.
          await run(c, s.registerNre, t.protocolo, t.nre);
          for (const d of register)
            await run(c, s.upsertDocument, t.nre, d.protocolo, d.ordem, d.especie, d.retirado, d.anexado, JSON.stringify(d.components), d.registeredIdt);
          for (const h of input.holders) await run(c, s.bindHolder, t.nre, h, 'tramite', at);
          await run(c, s.insertCompletion, idt, r.dataDeRecebimento, r.hashDaAssinatura, JSON.stringify(r.hashes), r.signedString, r.signerChainPem, r.receivedAt, r.situacao4Date ?? null);
        }
        return moved;
      });
    },
    async markPendenciasDelivered(systemId, items) {
      if (items.length === 0) return;
      await tx(pool, async (c) => {
        for (const i of items) await run(c, s.markPendencia, systemId, i.idt, i.situacao);
      });
    },
    async recordLongPollDelivery(systemId, item, at) {
      await run(pool, s.recordLongPoll, systemId, item.idt, item.situacao, at);
    },
    async longPollDeliveries(systemId, since) {
      const found = await rows(pool, s.longPolls, systemId);
      const recent = new Set(found.filter((r) => r.at >= since).map((r) => `${r.idt}/${r.situacao}`));
      const lastStatus = new Map(found.map((r) => [r.idt, r.situacao]));
      const recentAt = new Map(found.filter((r) => r.at >= since).map((r) => [`${r.idt}/${r.situacao}`, r.at]));
      return { recent, lastStatus, recentAt };
    },
    async pruneDeliveries(before, final) {
      await tx(pool, async (c) => {
        await run(c, s.pruneLongPolls, before);
        await run(c, s.prunePendencias, situacaoSet(final));
      });
    },
    async deliveredPendencias(systemId) {
      return new Set((await rows(pool, s.pendencias, systemId)).map((r) => `${r.idt}/${r.situacao}`));
    },
    async nreRegistration(nre) {
      const n = await one(pool, s.registration, nre);
      if (!n) return null;
      return { nre: n.nre, protocolo: n.protocolo, version: n.version, documents: (await rows(pool, s.documents, nre)).map(toRegisteredDocument) };
    },
    async heldHashes(nre, systemId, concluded) {
      return new Set((await rows(pool, s.heldHashes, nre, systemId, situacaoSet(concluded))).map((r) => r.hash));
    },
    async isNreParty(nre, systemId) {
      return !!(await one(pool, s.isHolder, nre, systemId));
    },
    async listIdle(situacoes, before) {
      return (await rows(pool, s.idle, situacaoSet(situacoes), before)).map(toTramite);
    },
    async countBySituacao(idleBefore) {
      return new Map((await rows(pool, s.countBySituacao, idleBefore ?? null)).map((r) => [r.situacao as Situacao, Number(r.n)]));
    },
    async nreHolders(nre) {
      return (await rows(pool, s.holders, nre)).map(toNreHolder);
    },
    async setNreHolders(input, at, audit) {
      try {
        return await tx(pool, async (c): Promise<NreHoldersResult> => {
          const current = await one(c, s.nreVersion, input.nre);
          if ((current?.version ?? null) !== input.expectedVersion) return { ok: false, reason: 'nre_changed' };
          const open = input.holders.length === 0 ? null : await one(c, s.openFromOutside, input.nre, situacaoSet(input.open), input.holders);
          if (open) return { ok: false, reason: 'open_tramite', open: { idt: open.idt, situacao: situacaoOf(open.situacao), senderSystemId: open.sender_system_id } };
          if (!current) await run(c, s.insertNreAt1, input.nre, input.protocolo ?? '', at);
          else await run(c, s.bumpNre, input.protocolo, input.nre);
          await run(c, s.dropHolders, input.nre);
          for (const h of new Set(input.holders)) await run(c, s.insertHolder, input.nre, h, input.source, at);
          await appendAudit(c, at, audit, null);
          return { ok: true, version: (current?.version ?? 0) + 1 };
        });
      } catch (e) {
        // another node created the unknown NRE between our read and our insert: the version moved
        if (pgCode(e) === UNIQUE_VIOLATION && input.expectedVersion === null) return { ok: false, reason: 'nre_changed' };
        throw e;
      }
    },
  };
}
