import type pg from 'pg';
import type { MonitoringStore, TramiteSearch } from '../index.ts';
import { rows, run, stmt, tx, type Stmt } from './db.ts';
import { situacaoOf, situacaoSet, toTramite, type TramiteRow } from './rows.ts';
import { toPeriodRows, toRefusal, type PeriodSqlRow, type RefusalRow } from '../monitoring-rows.ts';

const s = {
  insertRefusal: stmt<[string, string, string | null, string | null, string, string, number, string, string, string | null, number | null, string, string]>(
    `INSERT INTO refused_requests (at, system_key, system_id, participant_id, method, route, status, code, codigo_erro, nre, idt, mensagem, details_json)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
  ),
  dropOld: stmt<[string]>('DELETE FROM refused_requests WHERE at < $1'),
  dropBeyond: stmt<[string, number]>(
    'DELETE FROM refused_requests WHERE system_key = $1 AND seq <= (SELECT seq FROM refused_requests WHERE system_key = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)',
  ),
};

/** A query built from the filters given: its text, with `$n` placeholders, and its values. */
function builder() {
  const params: unknown[] = [];
  const where: string[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  return {
    params,
    where,
    p,
    /** A party of the trâmite is in each set. */
    parties(sets: readonly (readonly string[])[], t = '') {
      for (const set of sets) {
        const n = p([...set]);
        where.push(`(${t}sender_system_id = ANY(${n}::text[]) OR ${t}receiver_system_id = ANY(${n}::text[]))`);
      }
    },
    clause: () => (where.length ? `WHERE ${where.join(' AND ')}` : ''),
  };
}

/** What monitors read, on PostgreSQL: the same queries as SQLite's (one named statement per combination of filters). */
export function postgresMonitoring(pool: pg.Pool): MonitoringStore {
  const cache = new Map<string, Stmt<unknown[], unknown>>();
  const query = async <R>(text: string, params: unknown[]): Promise<R[]> => {
    let st = cache.get(text);
    if (!st) cache.set(text, (st = stmt<unknown[], unknown>(text)));
    return (await rows(pool, st, ...params)) as R[];
  };

  return {
    /** Driven by the first set of systems when there is one, as on SQLite: one bounded index walk per system and side, merged. */
    async search(q: TramiteSearch) {
      const b = builder();
      const [driving, ...rest] = q.partySystems ?? [];
      // the driving system is always $1, so every statement of one shape is one named statement
      const system = driving ? b.p('') : '';
      if (q.idt !== undefined) b.where.push(`idt = ${b.p(q.idt)}`);
      if (q.nre !== undefined) b.where.push(`nre = ${b.p(q.nre)}`);
      if (q.protocolo !== undefined) b.where.push(`protocolo = ${b.p(q.protocolo)}`);
      if (q.unit) {
        const n = b.p(q.unit.numero);
        if (q.unit.repositoryId !== undefined) {
          const r = b.p(q.unit.repositoryId);
          b.where.push(`((rem_num = ${n} AND rem_rep = ${r}) OR (dest_num = ${n} AND dest_rep = ${r}))`);
        } else b.where.push(`(rem_num = ${n} OR dest_num = ${n})`);
      }
      if (q.situacoes) b.where.push(`situacao = ANY(${b.p(situacaoSet(q.situacoes))}::int[])`);
      if (q.createdFrom !== undefined) b.where.push(`created_at >= ${b.p(q.createdFrom)}`);
      if (q.createdBefore !== undefined) b.where.push(`created_at < ${b.p(q.createdBefore)}`);
      if (q.beforeIdt !== undefined) b.where.push(`idt < ${b.p(q.beforeIdt)}`);
      b.parties(rest);
      const limit = b.p(q.limit);
      if (!driving) return (await query<TramiteRow>(`SELECT * FROM tramites ${b.clause()} ORDER BY idt DESC LIMIT ${limit}`, b.params)).map(toTramite);
      const found = new Map<number, TramiteRow>();
      for (const id of new Set(driving))
        for (const side of ['sender_system_id', 'receiver_system_id']) {
          const text = `SELECT * FROM tramites WHERE ${[`${side} = ${system}`, ...b.where].join(' AND ')} ORDER BY idt DESC LIMIT ${limit}`;
          for (const row of await query<TramiteRow>(text, [id, ...b.params.slice(1)])) found.set(Number(row.idt), row);
        }
      return [...found.values()].sort((x, y) => Number(y.idt) - Number(x.idt)).slice(0, q.limit).map(toTramite);
    },

    async idleIn(situacao, before, partySystems, limit) {
      const b = builder();
      b.where.push(`situacao = ${b.p(situacao)}`, `last_transition_at < ${b.p(before)}`);
      b.parties(partySystems);
      const l = b.p(limit);
      return (await query<TramiteRow>(`SELECT * FROM tramites ${b.clause()} ORDER BY last_transition_at, idt LIMIT ${l}`, b.params)).map(toTramite);
    },

    async periodRows(q) {
      const b = builder();
      const concluded = b.p(situacaoSet(q.concluded));
      b.where.push(`t.created_at >= ${b.p(q.from)}`, `t.created_at < ${b.p(q.before)}`);
      b.parties(q.partySystems, 't.');
      const l = b.p(q.limit + 1);
      const found = await query<PeriodSqlRow>(
        `SELECT t.sender_system_id AS s, t.receiver_system_id AS r, t.situacao, t.refusal_motivo AS motivo, t.created_at,
           (SELECT min(h.at) FROM tramite_history h WHERE h.idt = t.idt AND h.situacao = ANY(${concluded}::int[])) AS concluded_at
         FROM tramites t ${b.clause()} ORDER BY t.created_at, t.idt LIMIT ${l}`,
        b.params,
      );
      return toPeriodRows(found, q.limit);
    },

    async backlog(situacoes, partySystems) {
      const b = builder();
      b.where.push(`situacao = ANY(${b.p(situacaoSet(situacoes))}::int[])`);
      b.parties(partySystems);
      const found = await query<{ s: string; r: string; situacao: number; n: number; oldest: string }>(
        `SELECT sender_system_id AS s, receiver_system_id AS r, situacao, count(*)::bigint AS n, min(created_at) AS oldest
         FROM tramites ${b.clause()} GROUP BY sender_system_id, receiver_system_id, situacao ORDER BY 1, 2, 3`,
        b.params,
      );
      return found.map((r) => ({ senderSystemId: r.s, receiverSystemId: r.r, situacao: situacaoOf(r.situacao), count: r.n, oldestCreatedAt: r.oldest }));
    },

    async countsBySituacao(partySystems) {
      const b = builder();
      b.parties(partySystems);
      const found = await query<{ situacao: number; n: number }>(
        `SELECT situacao, count(*)::bigint AS n FROM tramites ${b.clause()} GROUP BY situacao ORDER BY situacao`,
        b.params,
      );
      return found.map((r) => ({ situacao: situacaoOf(r.situacao), count: r.n }));
    },

    async transitionsIn(q) {
      const b = builder();
      b.where.push(`h.at >= ${b.p(q.from)}`, `h.at < ${b.p(q.before)}`);
      b.parties(q.partySystems, 't.');
      const join = q.partySystems.length ? 'JOIN tramites t ON t.idt = h.idt' : '';
      const l = b.p(q.limit + 1);
      const found = await query<{ situacao: number; at: string }>(`SELECT h.situacao, h.at FROM tramite_history h ${join} ${b.clause()} ORDER BY h.at LIMIT ${l}`, b.params);
      return { truncated: found.length > q.limit, rows: found.slice(0, q.limit).map((r) => ({ situacao: situacaoOf(r.situacao), at: r.at })) };
    },

    async recordRefusal(r, retention) {
      const key = r.systemId ?? '';
      await tx(pool, async (c) => {
        await run(c, s.insertRefusal, r.at, key, r.systemId, r.participantId, r.method, r.route, r.status, r.code, r.codigoErro, r.nre, r.idt, r.mensagem, JSON.stringify(r.details));
        await run(c, s.dropOld, retention.keepAfter);
        await run(c, s.dropBeyond, key, retention.keepPerSystem);
      });
    },

    async refusals(q) {
      const b = builder();
      if (q.participantId !== undefined) b.where.push(`participant_id = ${b.p(q.participantId)}`);
      if (q.systemId !== undefined) b.where.push(`system_key = ${b.p(q.systemId)}`);
      if (q.codigoErro !== undefined) b.where.push(`codigo_erro = ${b.p(q.codigoErro)}`);
      if (q.nre !== undefined) b.where.push(`nre = ${b.p(q.nre)}`);
      if (q.from !== undefined) b.where.push(`at >= ${b.p(q.from)}`);
      if (q.before !== undefined) b.where.push(`at < ${b.p(q.before)}`);
      if (q.beforeSeq !== undefined) b.where.push(`seq < ${b.p(q.beforeSeq)}`);
      const l = b.p(q.limit);
      return (await query<RefusalRow>(`SELECT * FROM refused_requests ${b.clause()} ORDER BY seq DESC LIMIT ${l}`, b.params)).map(toRefusal);
    },
  };
}
