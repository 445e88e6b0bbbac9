import type { RefusedRequest, TramiteSearch } from '../index.ts';
import type { Situacao } from '../../domain/situacao.ts';
import { IN_SET } from './tramite-sql.ts';
import { situacaoSet } from './rows.ts';

/**
 * What monitors read, as statements with their parameters, for SQLite and D1 (one dialect): each
 * filter is served by an index (migration 20). The adapters only run them.
 */
export interface Query {
  sql: string;
  params: (string | number)[];
}

/** Conditions that a party of the trâmite is in each set. */
function parties(sets: readonly (readonly string[])[], where: string[], params: (string | number)[], t = '') {
  for (const set of sets) {
    where.push(`(${t}sender_system_id ${IN_SET} OR ${t}receiver_system_id ${IN_SET})`);
    params.push(JSON.stringify(set), JSON.stringify(set));
  }
}
const clause = (where: string[]) => (where.length ? `WHERE ${where.join(' AND ')}` : '');

/**
 * A search, driven by the first set of systems when there is one (a participant's scope): one
 * walk down the (system, idt) index per system and side, each stopping after `limit` rows, merged
 * by the adapter (newest first, `limit` in all); so a page costs the page, not every trâmite of the
 * participant. Without such a set, one query.
 */
export function searchQueries(q: TramiteSearch): Query[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, ...v: (string | number)[]) => (where.push(sql), params.push(...v));
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
  if (!driving) return [{ sql: `SELECT * FROM tramites ${clause(where)} ORDER BY idt DESC LIMIT ?`, params: [...params, q.limit] }];
  return [...new Set(driving)].flatMap((system) =>
    ['sender_system_id', 'receiver_system_id'].map((side) => ({
      sql: `SELECT * FROM tramites ${clause([`${side} = ?`, ...where])} ORDER BY idt DESC LIMIT ?`,
      params: [system, ...params, q.limit],
    })),
  );
}

export function idleInQuery(situacao: Situacao, before: string, partySystems: readonly (readonly string[])[], limit: number): Query {
  const where = ['situacao = ?', 'last_transition_at < ?'];
  const params: (string | number)[] = [situacao, before];
  parties(partySystems, where, params);
  return { sql: `SELECT * FROM tramites ${clause(where)} ORDER BY last_transition_at, idt LIMIT ?`, params: [...params, limit] };
}

/** One row more than `limit`, so the caller knows when the period was cut. */
export function periodRowsQuery(q: { concluded: readonly Situacao[]; from: string; before: string; partySystems: readonly (readonly string[])[]; limit: number }): Query {
  const where = ['t.created_at >= ?', 't.created_at < ?'];
  const params: (string | number)[] = [situacaoSet(q.concluded), q.from, q.before];
  parties(q.partySystems, where, params, 't.');
  return {
    sql: `SELECT t.sender_system_id AS s, t.receiver_system_id AS r, t.situacao, t.refusal_motivo AS motivo, t.created_at,
           (SELECT min(h.at) FROM tramite_history h WHERE h.idt = t.idt AND h.situacao ${IN_SET}) AS concluded_at
         FROM tramites t ${clause(where)} ORDER BY t.created_at, t.idt LIMIT ?`,
    params: [...params, q.limit + 1],
  };
}

export function backlogQuery(situacoes: readonly Situacao[], partySystems: readonly (readonly string[])[]): Query {
  const where = [`situacao ${IN_SET}`];
  const params: (string | number)[] = [situacaoSet(situacoes)];
  parties(partySystems, where, params);
  return {
    sql: `SELECT sender_system_id AS s, receiver_system_id AS r, situacao, count(*) AS n, min(created_at) AS oldest
         FROM tramites ${clause(where)} GROUP BY sender_system_id, receiver_system_id, situacao ORDER BY 1, 2, 3`,
    params,
  };
}

export function countsQuery(partySystems: readonly (readonly string[])[]): Query {
  const where: string[] = [];
  const params: (string | number)[] = [];
  parties(partySystems, where, params);
  return { sql: `SELECT situacao, count(*) AS n FROM tramites ${clause(where)} GROUP BY situacao ORDER BY situacao`, params };
}

/** One row more than `limit`, so the caller knows when the period was cut. */
export function transitionsQuery(q: { from: string; before: string; partySystems: readonly (readonly string[])[]; limit: number }): Query {
  const where = ['h.at >= ?', 'h.at < ?'];
  const params: (string | number)[] = [q.from, q.before];
  parties(q.partySystems, where, params, 't.');
  const join = q.partySystems.length ? 'JOIN tramites t ON t.idt = h.idt' : '';
  return { sql: `SELECT h.situacao, h.at FROM tramite_history h ${join} ${clause(where)} ORDER BY h.at LIMIT ?`, params: [...params, q.limit + 1] };
}

export function refusalsQuery(q: {
  participantId?: string;
  systemId?: string;
  codigoErro?: string;
  nre?: string;
  from?: string;
  before?: string;
  beforeSeq?: number;
  limit: number;
}): Query {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, v: string | number) => (where.push(sql), params.push(v));
  if (q.participantId !== undefined) add('participant_id = ?', q.participantId);
  if (q.systemId !== undefined) add('system_key = ?', q.systemId);
  if (q.codigoErro !== undefined) add('codigo_erro = ?', q.codigoErro);
  if (q.nre !== undefined) add('nre = ?', q.nre);
  if (q.from !== undefined) add('at >= ?', q.from);
  if (q.before !== undefined) add('at < ?', q.before);
  if (q.beforeSeq !== undefined) add('seq < ?', q.beforeSeq);
  return { sql: `SELECT * FROM refused_requests ${clause(where)} ORDER BY seq DESC LIMIT ?`, params: [...params, q.limit] };
}

/** A refused request kept, then the old ones and those beyond each system's share dropped (README "Monitorando"). */
export const REFUSAL_SQL = {
  insert: `INSERT INTO refused_requests (at, system_key, system_id, participant_id, method, route, status, code, codigo_erro, nre, idt, mensagem, details_json)
       VALUES (@at, @systemKey, @systemId, @participantId, @method, @route, @status, @code, @codigoErro, @nre, @idt, @mensagem, @details)`,
  dropOld: 'DELETE FROM refused_requests WHERE at < ?',
  dropBeyond: 'DELETE FROM refused_requests WHERE system_key = ? AND seq <= (SELECT seq FROM refused_requests WHERE system_key = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)',
} as const;

/** The values of REFUSAL_SQL.insert for a refused request. */
export const refusalValues = (r: RefusedRequest) => ({ ...r, systemKey: r.systemId ?? '', details: JSON.stringify(r.details) });
