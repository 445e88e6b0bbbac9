import type Database from 'better-sqlite3';
import type { MonitoringStore } from '../index.ts';
import type { Db } from './open.ts';
import { situacaoOf, toTramite, type TramiteRow } from './rows.ts';
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
} from './monitoring-sql.ts';

/**
 * What monitors read, on SQLite (statements in monitoring-sql.ts, shared with D1). Searches filter
 * on any combination of fields: one statement per combination, prepared once.
 */
export function sqliteMonitoring(db: Db): MonitoringStore {
  const cache = new Map<string, Database.Statement<unknown[], unknown>>();
  const rows = <R>(q: Query): R[] => {
    let st = cache.get(q.sql);
    if (!st) cache.set(q.sql, (st = db.prepare(q.sql)));
    return (st as Database.Statement<unknown[], R>).all(...q.params);
  };
  const s = {
    insertRefusal: db.prepare(REFUSAL_SQL.insert),
    dropOld: db.prepare<[string]>(REFUSAL_SQL.dropOld),
    dropBeyond: db.prepare<[string, string, number]>(REFUSAL_SQL.dropBeyond),
  };
  const recordRefusal = db.transaction((r: Parameters<MonitoringStore['recordRefusal']>[0], retention: { keepAfter: string; keepPerSystem: number }) => {
    const values = refusalValues(r);
    s.insertRefusal.run(values);
    s.dropOld.run(retention.keepAfter);
    s.dropBeyond.run(values.systemKey, values.systemKey, retention.keepPerSystem);
  });

  return {
    async search(q) {
      const found = new Map<number, TramiteRow>();
      for (const query of searchQueries(q)) for (const row of rows<TramiteRow>(query)) found.set(row.idt, row);
      return [...found.values()].sort((a, b) => b.idt - a.idt).slice(0, q.limit).map(toTramite);
    },
    async idleIn(situacao, before, partySystems, limit) {
      return rows<TramiteRow>(idleInQuery(situacao, before, partySystems, limit)).map(toTramite);
    },
    async periodRows(q) {
      return toPeriodRows(rows<PeriodSqlRow>(periodRowsQuery(q)), q.limit);
    },
    async backlog(situacoes, partySystems) {
      return rows<{ s: string; r: string; situacao: number; n: number; oldest: string }>(backlogQuery(situacoes, partySystems)).map((r) => ({
        senderSystemId: r.s,
        receiverSystemId: r.r,
        situacao: situacaoOf(r.situacao),
        count: r.n,
        oldestCreatedAt: r.oldest,
      }));
    },
    async countsBySituacao(partySystems) {
      return rows<{ situacao: number; n: number }>(countsQuery(partySystems)).map((r) => ({ situacao: situacaoOf(r.situacao), count: r.n }));
    },
    async transitionsIn(q) {
      const found = rows<{ situacao: number; at: string }>(transitionsQuery(q));
      return { truncated: found.length > q.limit, rows: found.slice(0, q.limit).map((r) => ({ situacao: situacaoOf(r.situacao), at: r.at })) };
    },
    async recordRefusal(r, retention) {
      recordRefusal(r, retention);
    },
    async refusals(q) {
      return rows<RefusalRow>(refusalsQuery(q)).map(toRefusal);
    },
  };
}
