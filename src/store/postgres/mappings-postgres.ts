import type pg from 'pg';
import type { MappingStore } from '../index.ts';
import { toLocalUnit, type LocalUnitRow } from '../rows.ts';
import { one, rows, run, stmt, tx, UNIQUE_VIOLATION, pgCode } from './db.ts';
import { appendAudit } from './audit.ts';

const s = {
  get: stmt<[string, string], LocalUnitRow>('SELECT * FROM local_units WHERE system_id = $1 AND codigo = $2'),
  getForUpdate: stmt<[string, string], LocalUnitRow>('SELECT * FROM local_units WHERE system_id = $1 AND codigo = $2 FOR UPDATE'),
  list: stmt<[string], LocalUnitRow>('SELECT * FROM local_units WHERE system_id = $1 ORDER BY codigo'),
  insert: stmt<[string, string, string, string]>('INSERT INTO local_units (system_id, codigo, nome, sigla) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING'),
  rename: stmt<[string, string, string, string]>(
    'UPDATE local_units SET nome = $1, sigla = $2 WHERE system_id = $3 AND codigo = $4 AND (nome, sigla) IS DISTINCT FROM ($1, $2)',
  ),
  holder: stmt<[string, number, string], { codigo: string }>('SELECT codigo FROM local_units WHERE system_id = $1 AND repository_id = $2 AND numero = $3'),
  map: stmt<[number | null, string | null, string | null, string | null, string, string]>(
    'UPDATE local_units SET repository_id = $1, numero = $2, mapped_at = $3, mapped_by = $4 WHERE system_id = $5 AND codigo = $6',
  ),
  history: stmt<[string, string, number | null, string | null, string, string]>(
    'INSERT INTO local_unit_mapping_history (system_id, codigo, repository_id, numero, at, actor) VALUES ($1, $2, $3, $4, $5, $6)',
  ),
  historyOf: stmt<[string, string], { repository_id: number | null; numero: string | null; at: string; actor: string }>(
    'SELECT repository_id, numero, at, actor FROM local_unit_mapping_history WHERE system_id = $1 AND codigo = $2 ORDER BY seq',
  ),
};

/** Local units and their mappings on PostgreSQL: one-to-one held by a unique index on every node. */
export function postgresMappings(pool: pg.Pool): MappingStore {
  return {
    async upsertLocalUnits(systemId, units, at, audit) {
      return tx(pool, async (c) => {
        let created = 0;
        let updated = 0;
        for (const u of units) {
          const added = await run(c, s.insert, systemId, u.codigo, u.nome, u.sigla);
          created += added;
          if (!added) updated += await run(c, s.rename, u.nome, u.sigla, systemId, u.codigo);
        }
        if (created + updated) await appendAudit(c, at, { ...audit, data: { ...audit.data, criadas: created, alteradas: updated } });
        return { created, updated };
      });
    },
    async listLocalUnits(systemId) {
      return (await rows(pool, s.list, systemId)).map(toLocalUnit);
    },
    async mapLocalUnit(systemId, codigo, to, at, actor, audit) {
      try {
        return await tx(pool, async (c) => {
          if (!(await one(c, s.getForUpdate, systemId, codigo))) return { ok: false as const, reason: 'unknown_unit' as const };
          if (to) {
            const holder = await one(c, s.holder, systemId, to.repositoryId, to.numero);
            if (holder && holder.codigo !== codigo) return { ok: false as const, reason: 'taken' as const, by: holder.codigo };
          }
          await run(c, s.map, to?.repositoryId ?? null, to?.numero ?? null, to ? at : null, to ? actor : null, systemId, codigo);
          await run(c, s.history, systemId, codigo, to?.repositoryId ?? null, to?.numero ?? null, at, actor);
          await appendAudit(c, at, audit);
          return { ok: true as const };
        });
      } catch (e) {
        // two mappings of one structure at the same moment on two nodes: the unique index decides
        if (pgCode(e) !== UNIQUE_VIOLATION || !to) throw e;
        const holder = await one(pool, s.holder, systemId, to.repositoryId, to.numero);
        return { ok: false as const, reason: 'taken' as const, by: holder?.codigo ?? '?' };
      }
    },
    async mappingHistory(systemId, codigo) {
      return (await rows(pool, s.historyOf, systemId, codigo)).map((r) => ({
        mapped: r.repository_id !== null && r.numero !== null ? { repositoryId: r.repository_id, numero: r.numero } : null,
        at: r.at,
        actor: r.actor,
      }));
    },
  };
}
