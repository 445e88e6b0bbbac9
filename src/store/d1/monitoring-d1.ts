import type { MonitoringStore } from '../index.ts';
import { situacaoOf, toTramite, type TramiteRow } from '../sqlite/rows.ts';
import { toPeriodRows, toRefusal, type PeriodSqlRow, type RefusalRow } from '../monitoring-rows.ts';
import {
  backlogQuery,
  countsQuery,
  idleInQuery,
  periodRowsQuery,
  REFUSAL_SQL,
  refusalValues,
  refusalsQuery,
  searchQueries,
  transitionsQuery,
  type Query,
} from '../sqlite/monitoring-sql.ts';
import { all, byName, statement, type D1Conn } from './db.ts';

/** What monitors read, on D1: the SQLite adapter's statements (sqlite/monitoring-sql.ts). */
export function d1Monitoring(c: D1Conn): MonitoringStore {
  const rows = <R>(q: Query): Promise<R[]> => all<R>(c, q.sql, ...q.params);
  return {
    async search(q) {
      const found = new Map<number, TramiteRow>();
      for (const page of await Promise.all(searchQueries(q).map((x) => rows<TramiteRow>(x)))) for (const row of page) found.set(row.idt, row);
      return [...found.values()].sort((a, b) => b.idt - a.idt).slice(0, q.limit).map(toTramite);
    },
    async idleIn(situacao, before, partySystems, limit) {
      return (await rows<TramiteRow>(idleInQuery(situacao, before, partySystems, limit))).map(toTramite);
    },
    async periodRows(q) {
      return toPeriodRows(await rows<PeriodSqlRow>(periodRowsQuery(q)), q.limit);
    },
    async backlog(situacoes, partySystems) {
      return (await rows<{ s: string; r: string; situacao: number; n: number; oldest: string }>(backlogQuery(situacoes, partySystems))).map((r) => ({
        senderSystemId: r.s,
        receiverSystemId: r.r,
        situacao: situacaoOf(r.situacao),
        count: r.n,
        oldestCreatedAt: r.oldest,
      }));
    },
    async countsBySituacao(partySystems) {
      return (await rows<{ situacao: number; n: number }>(countsQuery(partySystems))).map((r) => ({ situacao: situacaoOf(r.situacao), count: r.n }));
    },
    async transitionsIn(q) {
      const found = await rows<{ situacao: number; at: string }>(transitionsQuery(q));
      return { truncated: found.length > q.limit, rows: found.slice(0, q.limit).map((r) => ({ situacao: situacaoOf(r.situacao), at: r.at })) };
    },
    async recordRefusal(r, retention) {
      const values = refusalValues(r);
      await c.db.batch([
        statement(c, REFUSAL_SQL.insert, byName(REFUSAL_SQL.insert, values)),
        statement(c, REFUSAL_SQL.dropOld, [retention.keepAfter]),
        statement(c, REFUSAL_SQL.dropBeyond, [values.systemKey, values.systemKey, retention.keepPerSystem]),
      ]);
    },
    async refusals(q) {
      return (await rows<RefusalRow>(refusalsQuery(q))).map(toRefusal);
    },
  };
}
