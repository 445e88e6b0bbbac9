import type pg from 'pg';
import type { CodeMappingStore } from '../index.ts';
import { planCodeImport, toLocalCode, type LocalCodeRow } from '../code-mapping-rows.ts';
import { one, rows, run, stmt, tx, UNIQUE_VIOLATION, pgCode } from './db.ts';
import { appendAudit } from './audit.ts';

const s = {
  // one writer of a system's list at a time on every node: an import plans against what it locked
  lock: stmt<[string]>('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))'),
  get: stmt<[string, string, string], LocalCodeRow>('SELECT * FROM local_codes WHERE system_id = $1 AND lista = $2 AND codigo = $3'),
  list: stmt<[string, string], LocalCodeRow>('SELECT * FROM local_codes WHERE system_id = $1 AND lista = $2 ORDER BY codigo'),
  insert: stmt<[string, string, string, string]>('INSERT INTO local_codes (system_id, lista, codigo, nome) VALUES ($1, $2, $3, $4)'),
  rename: stmt<[string, string, string, string]>('UPDATE local_codes SET nome = $1 WHERE system_id = $2 AND lista = $3 AND codigo = $4'),
  holder: stmt<[string, string, number], { codigo: string }>('SELECT codigo FROM local_codes WHERE system_id = $1 AND lista = $2 AND federation_code = $3'),
  map: stmt<[number | null, string | null, string | null, string, string, string]>(
    'UPDATE local_codes SET federation_code = $1, mapped_at = $2, mapped_by = $3 WHERE system_id = $4 AND lista = $5 AND codigo = $6',
  ),
  history: stmt<[string, string, string, number | null, string, string]>(
    'INSERT INTO local_code_mapping_history (system_id, lista, codigo, federation_code, at, actor) VALUES ($1, $2, $3, $4, $5, $6)',
  ),
  historyOf: stmt<[string, string, string], { federation_code: number | null; at: string; actor: string }>(
    'SELECT federation_code, at, actor FROM local_code_mapping_history WHERE system_id = $1 AND lista = $2 AND codigo = $3 ORDER BY seq',
  ),
};

/** Local codes of the code lists and their mappings on PostgreSQL: one-to-one held by a unique index on every node. */
export function postgresCodeMappings(pool: pg.Pool): CodeMappingStore {
  const setMapping = async (c: pg.PoolClient, systemId: string, lista: string, codigo: string, to: number | null, at: string, actor: string) => {
    await run(c, s.map, to, to === null ? null : at, to === null ? null : actor, systemId, lista, codigo);
    await run(c, s.history, systemId, lista, codigo, to, at, actor);
  };
  return {
    async listLocalCodes(systemId, lista) {
      return (await rows(pool, s.list, systemId, lista)).map(toLocalCode);
    },
    async importLocalCodes(systemId, lista, input, at, actor, audit) {
      return tx(pool, async (c) => {
        await one(c, s.lock, `local_codes/${systemId}/${lista}`);
        const plan = planCodeImport((await rows(c, s.list, systemId, lista)).map(toLocalCode), input);
        if (plan.conflicts.length) return { ok: false as const, reason: 'taken' as const, conflicts: plan.conflicts };
        for (const x of plan.inserts) await run(c, s.insert, systemId, lista, x.codigo, x.nome);
        for (const x of plan.renames) await run(c, s.rename, x.nome, systemId, lista, x.codigo);
        for (const x of plan.remaps) await run(c, s.map, null, null, null, systemId, lista, x.codigo);
        for (const x of plan.remaps) await setMapping(c, systemId, lista, x.codigo, x.to, at, actor);
        const counts = { created: plan.inserts.length, updated: plan.renames.length, remapped: plan.remaps.length };
        if (counts.created + counts.updated + counts.remapped)
          await appendAudit(c, at, { ...audit, data: { ...audit.data, criados: counts.created, renomeados: counts.updated, mapeamentosAlterados: counts.remapped } });
        return { ok: true as const, ...counts };
      });
    },
    async mapLocalCode(systemId, lista, codigo, to, at, actor, audit) {
      try {
        return await tx(pool, async (c) => {
          await one(c, s.lock, `local_codes/${systemId}/${lista}`);
          if (!(await one(c, s.get, systemId, lista, codigo))) return { ok: false as const, reason: 'unknown_code' as const };
          if (to !== null) {
            const holder = await one(c, s.holder, systemId, lista, to);
            if (holder && holder.codigo !== codigo) return { ok: false as const, reason: 'taken' as const, by: holder.codigo };
          }
          await setMapping(c, systemId, lista, codigo, to, at, actor);
          await appendAudit(c, at, audit);
          return { ok: true as const };
        });
      } catch (e) {
        // the index is the last word on one-to-one
        if (pgCode(e) !== UNIQUE_VIOLATION || to === null) throw e;
        const holder = await one(pool, s.holder, systemId, lista, to);
        return { ok: false as const, reason: 'taken' as const, by: holder?.codigo ?? '?' };
      }
    },
    async codeMappingHistory(systemId, lista, codigo) {
      return (await rows(pool, s.historyOf, systemId, lista, codigo)).map((r) => ({ mapped: r.federation_code, at: r.at, actor: r.actor }));
    },
  };
}
