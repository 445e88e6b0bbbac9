import type Database from 'better-sqlite3';
import type { MonitoringStore, RefusedRequest, TramiteSearch } from '../index.ts';
import type { Db } from './open.ts';
import { situacaoOf, situacaoSet, toTramite, type TramiteRow } from './rows.ts';
import { toPeriodRows, toRefusal, type PeriodSqlRow, type RefusalRow } from '../monitoring-rows.ts';

const IN_SET = 'IN (SELECT value FROM json_each(?))';

/**
 * What monitors read, on SQLite. Searches filter on any combination of fields: one statement per
 * combination, prepared once; each filter is served by an index (migration 20).
 */
export function sqliteMonitoring(db: Db): MonitoringStore {
  const cache = new Map<string, Database.Statement<unknown[], unknown>>();
  const prepared = <R>(sql: string) => {
    let st = cache.get(sql);
    if (!st) cache.set(sql, (st = db.prepare(sql)));
    return st as Database.Statement<unknown[], R>;
  };
  /** Conditions that a party of the trâmite is in each set. */
  const parties = (sets: readonly (readonly string[])[], where: string[], params: unknown[], t = '') => {
    for (const set of sets) {
      where.push(`(${t}sender_system_id ${IN_SET} OR ${t}receiver_system_id ${IN_SET})`);
      params.push(JSON.stringify(set), JSON.stringify(set));
    }
  };
  const clause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

  const s = {
    insertRefusal: db.prepare(
      `INSERT INTO refused_requests (at, system_key, system_id, participant_id, method, route, status, code, codigo_erro, nre, idt, mensagem, details_json)
       VALUES (@at, @systemKey, @systemId, @participantId, @method, @route, @status, @code, @codigoErro, @nre, @idt, @mensagem, @details)`,
    ),
    dropOld: db.prepare<[string]>('DELETE FROM refused_requests WHERE at < ?'),
    dropBeyond: db.prepare<[string, string, number]>(
      'DELETE FROM refused_requests WHERE system_key = ? AND seq <= (SELECT seq FROM refused_requests WHERE system_key = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)',
    ),
  };
  const recordRefusal = db.transaction((r: RefusedRequest, retention: { keepAfter: string; keepPerSystem: number }) => {
    const systemKey = r.systemId ?? '';
    s.insertRefusal.run({ ...r, systemKey, details: JSON.stringify(r.details) });
    s.dropOld.run(retention.keepAfter);
    s.dropBeyond.run(systemKey, systemKey, retention.keepPerSystem);
  });

  return {
    /**
     * Driven by the first set of systems when there is one (a participant's scope): one walk down
     * the (system, idt) index per system and side, each stopping after `limit` rows, merged; so a
     * page costs the page, not every trâmite of the participant.
     */
    async search(q: TramiteSearch) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, ...v: unknown[]) => (where.push(sql), params.push(...v));
      if (q.idt !== undefined) add('idt = ?', q.idt);
      if (q.nre !== undefined) add('nre = ?', q.nre);
      if (q.protocolo !== undefined) add('protocolo = ?', q.protocolo);
      if (q.unit) {
        if (q.unit.repositoryId !== undefined)
          add('((rem_num = ? AND rem_rep = ?) OR (dest_num = ? AND dest_rep = ?))', q.unit.numero, q.unit.repositoryId, q.unit.numero, q.unit.repositoryId);
        else add('(rem_num = ? OR dest_num = ?)', q.unit.numero, q.unit.numero);
      }
      if (q.situacoes) add(`situacao ${IN_SET}`, situacaoSet(q.situacoes));
      if (q.createdFrom !== undefined) add('created_at >= ?', q.createdFrom);
      if (q.createdBefore !== undefined) add('created_at < ?', q.createdBefore);
      if (q.beforeIdt !== undefined) add('idt < ?', q.beforeIdt);
      const [driving, ...rest] = q.partySystems ?? [];
      parties(rest, where, params);
      if (!driving) return prepared<TramiteRow>(`SELECT * FROM tramites ${clause(where)} ORDER BY idt DESC LIMIT ?`).all(...params, q.limit).map(toTramite);
      const found = new Map<number, TramiteRow>();
      for (const system of new Set(driving))
        for (const side of ['sender_system_id', 'receiver_system_id'])
          for (const row of prepared<TramiteRow>(`SELECT * FROM tramites ${clause([`${side} = ?`, ...where])} ORDER BY idt DESC LIMIT ?`).all(system, ...params, q.limit))
            found.set(row.idt, row);
      return [...found.values()].sort((a, b) => b.idt - a.idt).slice(0, q.limit).map(toTramite);
    },

    async idleIn(situacao, before, partySystems, limit) {
      const where = ['situacao = ?', 'last_transition_at < ?'];
      const params: unknown[] = [situacao, before];
      parties(partySystems, where, params);
      return prepared<TramiteRow>(`SELECT * FROM tramites ${clause(where)} ORDER BY last_transition_at, idt LIMIT ?`)
        .all(...params, limit)
        .map(toTramite);
    },

    async periodRows(q) {
      const where = ['t.created_at >= ?', 't.created_at < ?'];
      const params: unknown[] = [situacaoSet(q.concluded), q.from, q.before];
      parties(q.partySystems, where, params, 't.');
      const rows = prepared<PeriodSqlRow>(
        `SELECT t.sender_system_id AS s, t.receiver_system_id AS r, t.situacao, t.refusal_motivo AS motivo, t.created_at,
           (SELECT min(h.at) FROM tramite_history h WHERE h.idt = t.idt AND h.situacao ${IN_SET}) AS concluded_at
         FROM tramites t ${clause(where)} ORDER BY t.created_at, t.idt LIMIT ?`,
      ).all(...params, q.limit + 1);
      return toPeriodRows(rows, q.limit);
    },

    async backlog(situacoes, partySystems) {
      const where = [`situacao ${IN_SET}`];
      const params: unknown[] = [situacaoSet(situacoes)];
      parties(partySystems, where, params);
      return prepared<{ s: string; r: string; situacao: number; n: number; oldest: string }>(
        `SELECT sender_system_id AS s, receiver_system_id AS r, situacao, count(*) AS n, min(created_at) AS oldest
         FROM tramites ${clause(where)} GROUP BY sender_system_id, receiver_system_id, situacao ORDER BY 1, 2, 3`,
      )
        .all(...params)
        .map((r) => ({ senderSystemId: r.s, receiverSystemId: r.r, situacao: situacaoOf(r.situacao), count: r.n, oldestCreatedAt: r.oldest }));
    },

    async countsBySituacao(partySystems) {
      const where: string[] = [];
      const params: unknown[] = [];
      parties(partySystems, where, params);
      return prepared<{ situacao: number; n: number }>(`SELECT situacao, count(*) AS n FROM tramites ${clause(where)} GROUP BY situacao ORDER BY situacao`)
        .all(...params)
        .map((r) => ({ situacao: situacaoOf(r.situacao), count: r.n }));
    },

    async transitionsIn(q) {
      const where = ['h.at >= ?', 'h.at < ?'];
      const params: unknown[] = [q.from, q.before];
      parties(q.partySystems, where, params, 't.');
      const join = q.partySystems.length ? 'JOIN tramites t ON t.idt = h.idt' : '';
      const rows = prepared<{ situacao: number; at: string }>(`SELECT h.situacao, h.at FROM tramite_history h ${join} ${clause(where)} ORDER BY h.at LIMIT ?`).all(
        ...params,
        q.limit + 1,
      );
      return { truncated: rows.length > q.limit, rows: rows.slice(0, q.limit).map((r) => ({ situacao: situacaoOf(r.situacao), at: r.at })) };
    },

    async recordRefusal(r, retention) {
      recordRefusal(r, retention);
    },

    async refusals(q) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown) => (where.push(sql), params.push(v));
      if (q.participantId !== undefined) add('participant_id = ?', q.participantId);
      if (q.systemId !== undefined) add('system_key = ?', q.systemId);
      if (q.codigoErro !== undefined) add('codigo_erro = ?', q.codigoErro);
      if (q.nre !== undefined) add('nre = ?', q.nre);
      if (q.from !== undefined) add('at >= ?', q.from);
      if (q.before !== undefined) add('at < ?', q.before);
      if (q.beforeSeq !== undefined) add('seq < ?', q.beforeSeq);
      return prepared<RefusalRow>(`SELECT * FROM refused_requests ${clause(where)} ORDER BY seq DESC LIMIT ?`)
        .all(...params, q.limit)
        .map(toRefusal);
    },
  };
}
