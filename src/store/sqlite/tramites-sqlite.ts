import type { RegisteredDocument } from '../../domain/nre-rules.ts';
import type { Situacao } from '../../domain/situacao.ts';
import { FIRST_IDT, formatOwnNre, type TramiteComponent, type TramiteRecord } from '../../domain/tramite.ts';
import type { AuditEntry, CreateResult, NreHolder, NreHoldersResult, TramiteReader, TramiteWriter, TransitionResult } from '../index.ts';
import type { Db } from './open.ts';
import { metadataSizeOf, quotaRefusal } from './retention-sqlite.ts';

type Row = Record<string, unknown>;
const bool = (v: unknown): boolean => v === 1 || v === true;
const b = (v: boolean): number => (v ? 1 : 0);

const toTramite = (r: Row): TramiteRecord => ({
  idt: r.idt as number,
  nre: r.nre as string,
  kind: r.kind as TramiteRecord['kind'],
  protocolo: r.protocolo as string,
  remetente: { repositoryId: r.rem_rep as number, numero: r.rem_num as string },
  destinatario: { repositoryId: r.dest_rep as number, numero: r.dest_num as string },
  receptora: r.rec_rep == null ? null : { repositoryId: r.rec_rep as number, numero: r.rec_num as string },
  senderSystemId: r.sender_system_id as string,
  receiverSystemId: r.receiver_system_id as string,
  situacao: r.situacao as Situacao,
  ticket: r.ticket as string,
  isReplay: bool(r.is_replay),
  envioParcial: bool(r.envio_parcial),
  urgente: bool(r.urgente),
  motivoUrgencia: (r.motivo_urgencia as number | null) ?? null,
  metadataBlobKey: r.metadata_blob_key as string,
  packageSpan: r.package_ini == null ? null : { ini: r.package_ini as number, fim: r.package_fim as number },
  propsSpan: r.props_ini == null ? null : { ini: r.props_ini as number, fim: r.props_fim as number },
  createdAt: r.created_at as string,
  lastTransitionAt: r.last_transition_at as string,
  componentsCompleteAt: (r.components_complete_at as string | null) ?? null,
  refusal:
    r.refusal_motivo == null
      ? null
      : { motivo: r.refusal_motivo as string, justificativa: r.refusal_justificativa as string, at: r.refusal_at as string },
});

const toComponent = (r: Row): TramiteComponent => ({
  hash: r.hash as string,
  size: r.size as number,
  protocolo: r.protocolo as string,
  requested: bool(r.requested),
  received: bool(r.received),
  pendingForReceiver: bool(r.pending_receiver),
  delivered: bool(r.delivered),
  occurrences: r.occurrences as number,
});

/** Whether sorted-or-not half-open ranges cover [0, size) without a gap. */
export function rangesCover(ranges: { ini: number; fim: number }[], size: number): boolean {
  let reached = 0;
  for (const r of [...ranges].sort((a, c) => a.ini - c.ini)) {
    if (r.ini > reached) return false;
    reached = Math.max(reached, r.fim);
  }
  return reached >= size;
}

export function sqliteTramites(db: Db): TramiteReader & TramiteWriter {
  const get = (idt: number): TramiteRecord | null => {
    const r = db.prepare('SELECT * FROM tramites WHERE idt = ?').get(idt) as Row | undefined;
    return r ? toTramite(r) : null;
  };
  const nextCounter = (name: string, start: number): number => {
    const r = db
      .prepare(
        `INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`,
      )
      .get(name, start) as { value: number };
    return r.value;
  };
  const appendAudit = (at: string, a: AuditEntry, idt: number | null) =>
    db
      .prepare('INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES (?, ?, ?, ?, ?)')
      .run(at, a.kind, a.actor, a.idt ?? idt, JSON.stringify(a.data ?? {}));
  const appendHistory = (idt: number, situacao: Situacao, at: string) =>
    db
      .prepare(
        'INSERT INTO tramite_history (idt, seq, situacao, at) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM tramite_history WHERE idt = ?), ?, ?)',
      )
      .run(idt, idt, situacao, at);

  /** The compare-and-set core: moves only from an expected situação, with history and audit. */
  const casMove = (
    idt: number,
    from: readonly Situacao[],
    to: Situacao,
    at: string,
    audit: AuditEntry,
    extraSet = '',
    extraParams: unknown[] = [],
  ): TransitionResult => {
    const before = get(idt);
    if (!before) return { ok: false, reason: 'not_found' };
    const placeholders = from.map(() => '?').join(', ');
    const changes = db
      .prepare(
        `UPDATE tramites SET situacao = ?, last_transition_at = ?${extraSet} WHERE idt = ? AND situacao IN (${placeholders})`,
      )
      .run(to, at, ...extraParams, idt, ...from).changes;
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

  const moveTo2IfComplete = (idt: number, at: string, audit: AuditEntry): void => {
    const missing = db
      .prepare('SELECT count(*) AS n FROM tramite_components WHERE idt = ? AND requested = 1 AND received = 0')
      .get(idt) as { n: number };
    if (missing.n === 0) casMove(idt, [1], 2, at, audit, ', components_complete_at = ?', [at]);
  };

  const create = db.transaction((t: Parameters<TramiteWriter['create']>[0], at: string, audit: AuditEntry): CreateResult => {
    const openOf = (where: string, ...params: unknown[]) =>
      db
        .prepare(`SELECT idt, situacao, nre FROM tramites WHERE ${where} AND situacao BETWEEN 1 AND 4 ORDER BY idt DESC LIMIT 1`)
        .get(...params) as { idt: number; situacao: Situacao; nre: string } | undefined;
    // before any write: a refusal leaves the store as it was
    const overQuota = quotaRefusal(db, t);
    if (overQuota) return overQuota;
    let nre = t.nre;
    if (nre) {
      const open = openOf('nre = ?', nre);
      if (open) return { ok: false, reason: 'open_tramite', open };
      if (t.expectedNreVersion !== undefined) {
        const v = db.prepare('SELECT version FROM nres WHERE nre = ?').get(nre) as { version: number } | undefined;
        if ((v?.version ?? 0) !== t.expectedNreVersion) return { ok: false, reason: 'nre_changed' };
      }
      // spec §4.1: an unknown well-formed NRE is adopted as a new record (migration).
      db.prepare('INSERT INTO nres (nre, protocolo, created_at) VALUES (?, ?, ?) ON CONFLICT(nre) DO NOTHING').run(nre, t.protocolo, at);
    } else {
      if (t.kind === 'processo') {
        const open = openOf('protocolo = ? AND sender_system_id = ?', t.protocolo, t.senderSystemId);
        if (open) return { ok: false, reason: 'open_tramite', open };
      }
      do nre = formatOwnNre(nextCounter('nre', 1));
      while (db.prepare('SELECT 1 FROM nres WHERE nre = ?').get(nre));
      db.prepare('INSERT INTO nres (nre, protocolo, created_at) VALUES (?, ?, ?)').run(nre, t.protocolo, at);
    }
    const max = db.prepare('SELECT max(idt) AS m FROM tramites').get() as { m: number | null };
    const idt = Math.max(FIRST_IDT, (max.m ?? 0) + 1);
    const ticket = t.ticket ?? String(nextCounter('ticket', 1_000_001));
    db.prepare(
      `INSERT INTO tramites (idt, nre, kind, protocolo, rem_rep, rem_num, dest_rep, dest_num, rec_rep, rec_num,
        sender_system_id, receiver_system_id, situacao, ticket, is_replay, envio_parcial, urgente, motivo_urgencia,
        metadata_blob_key, created_at, last_transition_at, replay_of, package_ini, package_fim, props_ini, props_fim)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      idt, nre, t.kind, t.protocolo, t.remetente.repositoryId, t.remetente.numero, t.destinatario.repositoryId,
      t.destinatario.numero, t.receptora?.repositoryId ?? null, t.receptora?.numero ?? null, t.senderSystemId,
      t.receiverSystemId, ticket, b(t.isReplay), b(t.envioParcial), b(t.urgente), t.motivoUrgencia, t.metadataBlobKey, at, at,
      t.replayOf ?? null,
      t.packageSpan?.ini ?? null,
      t.packageSpan?.fim ?? null,
      t.propsSpan?.ini ?? null,
      t.propsSpan?.fim ?? null,
    );
    db.prepare('UPDATE tramites SET metadata_size = ? WHERE idt = ?').run(metadataSizeOf(db, t), idt);
    const insertComponent = db.prepare(
      `INSERT INTO tramite_components (idt, hash, size, protocolo, requested, received, pending_receiver, delivered, occurrences)
       VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?)`,
    );
    for (const c of t.components)
      insertComponent.run(idt, c.hash, c.size, c.protocolo, b(c.requested), b(c.pendingForReceiver), c.occurrences);
    appendHistory(idt, 1, at);
    appendAudit(at, audit, idt);
    moveTo2IfComplete(idt, at, { kind: 'tramite.componentes_completos', actor: 'hub' });
    return { ok: true, tramite: get(idt)! };
  });

  const markReceived = db.transaction(
    (idts: number[], hash: string, size: number, blobKey: string, at: string, audit: AuditEntry): TramiteRecord[] => {
      db.prepare('INSERT INTO component_blobs (hash, size, blob_key, stored_at) VALUES (?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING').run(
        hash, size, blobKey, at,
      );
      const out: TramiteRecord[] = [];
      for (const idt of idts) {
        const changed = db.prepare('UPDATE tramite_components SET received = 1 WHERE idt = ? AND hash = ? AND received = 0').run(idt, hash).changes;
        if (changed) appendAudit(at, audit, idt);
        moveTo2IfComplete(idt, at, { kind: 'tramite.componentes_completos', actor: 'hub' });
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
    const touching = db.prepare('SELECT rowid AS id, ini, fim FROM download_ranges WHERE idt = ? AND hash = ? AND ini <= ? AND fim >= ?');
    const drop = db.prepare('DELETE FROM download_ranges WHERE rowid = ?');
    for (;;) {
      const rows = touching.all(idt, hash, hi, lo) as { id: number; ini: number; fim: number }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        lo = Math.min(lo, r.ini);
        hi = Math.max(hi, r.fim);
        drop.run(r.id);
      }
    }
    db.prepare('INSERT INTO download_ranges (idt, hash, ini, fim, at) VALUES (?, ?, ?, ?, ?)').run(idt, hash, lo, hi, at);
    return { ini: lo, fim: hi };
  };

  const recordDownload = db.transaction(
    (idt: number, hash: string, ini: number, fim: number, at: string, audit: AuditEntry): TransitionResult => {
      const c = db.prepare('SELECT * FROM tramite_components WHERE idt = ? AND hash = ?').get(idt, hash) as Row | undefined;
      const t = get(idt);
      if (!c || !t) return { ok: false, reason: 'not_found' };
      if (!bool(c.delivered)) {
        const merged = mergeDownloadRange(idt, hash, ini, fim, at);
        if (rangesCover([merged], c.size as number)) {
          db.prepare('UPDATE tramite_components SET delivered = 1 WHERE idt = ? AND hash = ?').run(idt, hash);
          // the ranges served only to prove coverage; once delivered they are not kept
          db.prepare('DELETE FROM download_ranges WHERE idt = ? AND hash = ?').run(idt, hash);
          appendAudit(at, audit, idt);
        }
      }
      const pending = db
        .prepare('SELECT count(*) AS n FROM tramite_components WHERE idt = ? AND pending_receiver = 1 AND delivered = 0')
        .get(idt) as { n: number };
      if (pending.n === 0 && t.situacao === 3) return casMove(idt, [3], 4, at, { kind: 'tramite.componentes_entregues', actor: 'hub' });
      return { ok: true, tramite: get(idt)!, changed: false };
    },
  );

  /** 2 → 3, and on to 4 when nothing is pending, in one transaction (spec §2.16, §5.2). */
  const openByReceiver = db.transaction((idt: number, at: string, audit: AuditEntry): TransitionResult => {
    const t = get(idt);
    if (!t) return { ok: false, reason: 'not_found' };
    let changed = false;
    if (t.situacao === 2) changed = casMove(idt, [2], 3, at, audit).ok;
    const pending = db
      .prepare('SELECT count(*) AS n FROM tramite_components WHERE idt = ? AND pending_receiver = 1 AND delivered = 0')
      .get(idt) as { n: number };
    // also heals a trâmite left in 3 with nothing pending (it cannot otherwise reach 4)
    if (pending.n === 0 && get(idt)!.situacao === 3) changed = casMove(idt, [3], 4, at, { kind: 'tramite.componentes_entregues', actor: 'hub' }).ok || changed;
    return { ok: true, tramite: get(idt)!, changed };
  });

  const completeWithReceipt = db.transaction(
    (idt: number, r: Parameters<TramiteWriter['completeWithReceipt']>[1], at: string, audit: AuditEntry, register: RegisteredDocument[]): TransitionResult => {
      const moved = casMove(idt, [4], 5, at, audit);
      if (moved.ok && moved.changed) {
        const t = moved.tramite;
        // spec §6: the registered protocolo is the main process's; components and the IDT that
        // first registered them are kept, retirado and espécie follow the latest trâmite.
        db.prepare('UPDATE nres SET protocolo = ?, version = version + 1 WHERE nre = ?').run(t.protocolo, t.nre);
        const upsert = db.prepare(
          `INSERT INTO nre_documents (nre, protocolo, ordem, especie, retirado, anexado, components_json, registered_idt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(nre, protocolo, ordem) DO UPDATE SET retirado = excluded.retirado, especie = excluded.especie, anexado = excluded.anexado`,
        );
        for (const d of register)
          upsert.run(t.nre, d.protocolo, d.ordem, d.especie, b(d.retirado), d.anexado, JSON.stringify(d.components), d.registeredIdt);
        // Reaching 5 is what makes both systems parties of the NRE (they hold the process).
        const bind = db.prepare(`INSERT INTO nre_holders (nre, system_id, source, at) VALUES (?, ?, 'tramite', ?) ON CONFLICT DO NOTHING`);
        bind.run(t.nre, t.senderSystemId, at);
        bind.run(t.nre, t.receiverSystemId, at);
        db.prepare(
          `INSERT INTO completion_receipts (idt, data_de_recebimento, hash_da_assinatura, hashes_json, signed_string, signer_chain_pem, received_at, situacao4_date)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(idt, r.dataDeRecebimento, r.hashDaAssinatura, JSON.stringify(r.hashes), r.signedString, r.signerChainPem, r.receivedAt, r.situacao4Date ?? null);
      }
      return moved;
    },
  );

  const setNreHolders = db.transaction(
    (input: Parameters<TramiteWriter['setNreHolders']>[0], at: string, audit: AuditEntry): NreHoldersResult => {
      const current = db.prepare('SELECT version FROM nres WHERE nre = ?').get(input.nre) as { version: number } | undefined;
      if ((current?.version ?? null) !== input.expectedVersion) return { ok: false, reason: 'nre_changed' };
      const open = input.holders.length === 0 ? undefined : db
        .prepare(
          `SELECT idt, situacao, sender_system_id FROM tramites WHERE nre = ? AND situacao BETWEEN 1 AND 4
           AND sender_system_id NOT IN (SELECT value FROM json_each(?)) LIMIT 1`,
        )
        .get(input.nre, JSON.stringify(input.holders)) as { idt: number; situacao: Situacao; sender_system_id: string } | undefined;
      if (open) return { ok: false, reason: 'open_tramite', open: { idt: open.idt, situacao: open.situacao, senderSystemId: open.sender_system_id } };
      if (!current) {
        db.prepare('INSERT INTO nres (nre, protocolo, created_at, version) VALUES (?, ?, ?, 1)').run(input.nre, input.protocolo ?? '', at);
      } else {
        db.prepare('UPDATE nres SET version = version + 1, protocolo = coalesce(?, protocolo) WHERE nre = ?').run(input.protocolo, input.nre);
      }
      db.prepare('DELETE FROM nre_holders WHERE nre = ?').run(input.nre);
      const insert = db.prepare('INSERT INTO nre_holders (nre, system_id, source, at) VALUES (?, ?, ?, ?)');
      for (const h of new Set(input.holders)) insert.run(input.nre, h, input.source, at);
      appendAudit(at, audit, null);
      return { ok: true, version: (current?.version ?? 0) + 1 };
    },
  );

  const transition = db.transaction(
    (idt: number, from: readonly Situacao[], to: Situacao, at: string, audit: AuditEntry, extra?: { refusal?: TramiteRecord['refusal'] }) => {
      if (extra?.refusal)
        return casMove(idt, from, to, at, audit, ', refusal_motivo = ?, refusal_justificativa = ?, refusal_at = ?', [
          extra.refusal.motivo,
          extra.refusal.justificativa,
          extra.refusal.at,
        ]);
      return casMove(idt, from, to, at, audit);
    },
  );

  return {
    async get(idt) {
      return get(idt);
    },
    async getByTicket(ticket) {
      return (db.prepare('SELECT * FROM tramites WHERE ticket = ? ORDER BY idt').all(ticket) as Row[]).map(toTramite);
    },
    async history(idt) {
      return db.prepare('SELECT situacao, at FROM tramite_history WHERE idt = ? ORDER BY seq').all(idt) as {
        situacao: Situacao;
        at: string;
      }[];
    },
    async components(idt) {
      return (db.prepare('SELECT * FROM tramite_components WHERE idt = ? ORDER BY rowid').all(idt) as Row[]).map(toComponent);
    },
    async query(q) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown) => {
        where.push(sql);
        params.push(v);
      };
      if (q.idt !== undefined) add('idt = ?', q.idt);
      if (q.nre !== undefined) add('nre = ?', q.nre);
      if (q.protocolo !== undefined) add('protocolo = ?', q.protocolo);
      if (q.remetente?.repositoryId !== undefined) add('rem_rep = ?', q.remetente.repositoryId);
      if (q.remetente?.numero !== undefined) add('rem_num = ?', q.remetente.numero);
      if (q.destinatario?.repositoryId !== undefined) add('dest_rep = ?', q.destinatario.repositoryId);
      if (q.destinatario?.numero !== undefined) add('dest_num = ?', q.destinatario.numero);
      if (q.partySystemId !== undefined) {
        where.push('(sender_system_id = ? OR receiver_system_id = ?)');
        params.push(q.partySystemId, q.partySystemId);
      }
      const sql = `SELECT * FROM tramites ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY idt DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, q.limit ?? 100) as Row[]).map(toTramite);
    },
    async listForSystem(systemId, side, situacoes) {
      if (situacoes.length === 0) return [];
      const col = side === 'sender' ? 'sender_system_id' : 'receiver_system_id';
      const rows = db
        .prepare(`SELECT * FROM tramites WHERE ${col} = ? AND situacao IN (${situacoes.map(() => '?').join(', ')}) ORDER BY idt`)
        .all(systemId, ...situacoes) as Row[];
      return rows.map(toTramite);
    },
    async nreExists(nre) {
      return !!db.prepare('SELECT 1 FROM nres WHERE nre = ?').get(nre);
    },
    async getSendReceipt(idt) {
      const r = db.prepare('SELECT * FROM send_receipts WHERE idt = ?').get(idt) as Row | undefined;
      return r
        ? {
            dataDeRecebimentoDoUltimoComponenteDigital: r.data as string,
            hashes: JSON.parse(r.hashes_json as string) as string[],
            signedString: r.signed_string as string,
            hashDaAssinatura: r.signature as string,
            chainPem: r.chain_pem as string,
          }
        : null;
    },
    async getCompletionReceipt(idt) {
      const r = db.prepare('SELECT * FROM completion_receipts WHERE idt = ?').get(idt) as Row | undefined;
      return r
        ? {
            dataDeRecebimento: r.data_de_recebimento as string,
            hashDaAssinatura: r.hash_da_assinatura as string,
            hashes: JSON.parse(r.hashes_json as string) as string[],
            signedString: r.signed_string as string,
            signerChainPem: r.signer_chain_pem as string,
            receivedAt: r.received_at as string,
            situacao4Date: (r.situacao4_date as string | null) ?? null,
          }
        : null;
    },
    async isBlobReferenced(key) {
      return !!(
        db.prepare('SELECT 1 FROM tramites WHERE metadata_blob_key = ? LIMIT 1').get(key) ??
        db.prepare('SELECT 1 FROM component_blobs WHERE blob_key = ? LIMIT 1').get(key)
      );
    },
    async blobKeyOf(hash) {
      const r = db.prepare('SELECT blob_key FROM component_blobs WHERE hash = ?').get(hash) as { blob_key: string } | undefined;
      return r?.blob_key ?? null;
    },
    async create(t, at, audit) {
      try {
        return create(t, at, audit);
      } catch (e) {
        // The partial unique index caught a concurrent start for the same NRE (spec §5.4).
        if (e instanceof Error && /UNIQUE constraint failed: tramites\.nre/.test(e.message) && t.nre) {
          const open = db
            .prepare('SELECT idt, situacao, nre FROM tramites WHERE nre = ? AND situacao BETWEEN 1 AND 4')
            .get(t.nre) as { idt: number; situacao: Situacao; nre: string };
          return { ok: false, reason: 'open_tramite', open };
        }
        throw e;
      }
    },
    async transition(idt, from, to, at, audit, extra) {
      return transition(idt, from, to, at, audit, extra);
    },
    async markReceived(idts, hash, size, blobKey, at, audit) {
      return markReceived(idts, hash, size, blobKey, at, audit);
    },
    async recordDownload(idt, hash, ini, fim, at, audit) {
      return recordDownload(idt, hash, ini, fim, at, audit);
    },
    async saveSendReceipt(idt, r) {
      db.prepare(
        `INSERT INTO send_receipts (idt, data, hashes_json, signed_string, signature, chain_pem) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(idt) DO NOTHING`,
      ).run(idt, r.dataDeRecebimentoDoUltimoComponenteDigital, JSON.stringify(r.hashes), r.signedString, r.hashDaAssinatura, r.chainPem);
    },
    async openByReceiver(idt, at, audit) {
      return openByReceiver(idt, at, audit);
    },
    async completeWithReceipt(idt, r, at, audit, register) {
      return completeWithReceipt(idt, r, at, audit, register);
    },
    async markPendenciasDelivered(systemId, items) {
      const insert = db.prepare('INSERT INTO pendencia_deliveries (system_id, idt, situacao) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
      db.transaction(() => items.forEach((i) => insert.run(systemId, i.idt, i.situacao)))();
    },
    async recordLongPollDelivery(systemId, item, at) {
      db.prepare(
        `INSERT INTO longpoll_deliveries (system_id, idt, situacao, at) VALUES (?, ?, ?, ?)
         ON CONFLICT(system_id, idt, situacao) DO UPDATE SET at = excluded.at`,
      ).run(systemId, item.idt, item.situacao, at);
    },
    async longPollDeliveries(systemId, since) {
      const rows = db.prepare('SELECT idt, situacao, at FROM longpoll_deliveries WHERE system_id = ? ORDER BY at').all(systemId) as {
        idt: number;
        situacao: number;
        at: string;
      }[];
      const recent = new Set(rows.filter((r) => r.at >= since).map((r) => `${r.idt}/${r.situacao}`));
      const lastStatus = new Map(rows.map((r) => [r.idt, r.situacao]));
      const recentAt = new Map(rows.filter((r) => r.at >= since).map((r) => [`${r.idt}/${r.situacao}`, r.at]));
      return { recent, lastStatus, recentAt };
    },
    async pruneDeliveries(before) {
      db.prepare('DELETE FROM longpoll_deliveries WHERE at < ?').run(before);
      db.prepare('DELETE FROM pendencia_deliveries WHERE idt IN (SELECT idt FROM tramites WHERE situacao IN (6, 7, 9, 10))').run();
    },
    async deliveredPendencias(systemId) {
      const rows = db.prepare('SELECT idt, situacao FROM pendencia_deliveries WHERE system_id = ?').all(systemId) as { idt: number; situacao: number }[];
      return new Set(rows.map((r) => `${r.idt}/${r.situacao}`));
    },
    async nreRegistration(nre) {
      const n = db.prepare('SELECT nre, protocolo, version FROM nres WHERE nre = ?').get(nre) as
        | { nre: string; protocolo: string; version: number }
        | undefined;
      if (!n) return null;
      const rows = db.prepare('SELECT * FROM nre_documents WHERE nre = ? ORDER BY protocolo, ordem').all(nre) as Row[];
      return {
        nre: n.nre,
        protocolo: n.protocolo,
        version: n.version,
        documents: rows.map((r) => ({
          protocolo: r.protocolo as string,
          ordem: r.ordem as number,
          especie: r.especie as number,
          retirado: bool(r.retirado),
          anexado: (r.anexado as string | null) ?? null,
          components: JSON.parse(r.components_json as string) as RegisteredDocument['components'],
          registeredIdt: r.registered_idt as number,
        })),
      };
    },
    async heldHashes(nre, systemId) {
      const rows = db
        .prepare(
          `SELECT DISTINCT c.hash FROM tramite_components c JOIN tramites t ON t.idt = c.idt
           WHERE t.nre = ? AND ((t.sender_system_id = ? AND c.received = 1) OR (t.receiver_system_id = ? AND t.situacao IN (5, 6) AND c.delivered = 1))`,
        )
        .all(nre, systemId, systemId) as { hash: string }[];
      return new Set(rows.map((r) => r.hash));
    },
    async isNreParty(nre, systemId) {
      return !!db.prepare('SELECT 1 FROM nre_holders WHERE nre = ? AND system_id = ?').get(nre, systemId);
    },
    async listIdle(before) {
      return (db.prepare('SELECT * FROM tramites WHERE situacao BETWEEN 1 AND 4 AND last_transition_at < ? ORDER BY idt').all(before) as Row[]).map(toTramite);
    },
    async nreHolders(nre) {
      const rows = db.prepare('SELECT system_id, source, at FROM nre_holders WHERE nre = ? ORDER BY at, system_id').all(nre) as Row[];
      return rows.map((r) => ({ systemId: r.system_id as string, source: r.source as NreHolder['source'], at: r.at as string }));
    },
    async setNreHolders(input, at, audit) {
      return setNreHolders(input, at, audit);
    },
  };
}
