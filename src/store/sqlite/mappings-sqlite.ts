import type { AuditEntry, MappingStore } from '../index.ts';
import { toLocalUnit, type LocalUnitRow } from '../rows.ts';
import type { Db } from './open.ts';
import { auditAppender } from './audit.ts';

/** Local units and their mappings in the embedded store; each write one transaction. */
export function sqliteMappings(db: Db): MappingStore {
  const q = {
    get: db.prepare<[string, string], LocalUnitRow>('SELECT * FROM local_units WHERE system_id = ? AND codigo = ?'),
    list: db.prepare<[string], LocalUnitRow>('SELECT * FROM local_units WHERE system_id = ? ORDER BY codigo'),
    insert: db.prepare<[string, string, string, string]>('INSERT INTO local_units (system_id, codigo, nome, sigla) VALUES (?, ?, ?, ?)'),
    rename: db.prepare<[string, string, string, string]>('UPDATE local_units SET nome = ?, sigla = ? WHERE system_id = ? AND codigo = ? AND (nome, sigla) IS NOT (?1, ?2)'),
    holder: db.prepare<[string, number, string], { codigo: string }>('SELECT codigo FROM local_units WHERE system_id = ? AND repository_id = ? AND numero = ?'),
    map: db.prepare<[number | null, string | null, string | null, string | null, string, string]>(
      'UPDATE local_units SET repository_id = ?, numero = ?, mapped_at = ?, mapped_by = ? WHERE system_id = ? AND codigo = ?',
    ),
    history: db.prepare<[string, string, number | null, string | null, string, string]>(
      'INSERT INTO local_unit_mapping_history (system_id, codigo, repository_id, numero, at, actor) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    historyOf: db.prepare<[string, string], { repository_id: number | null; numero: string | null; at: string; actor: string }>(
      'SELECT repository_id, numero, at, actor FROM local_unit_mapping_history WHERE system_id = ? AND codigo = ? ORDER BY seq',
    ),
  };
  const audited = auditAppender(db);
  const upsert = db.transaction((systemId: string, units: { codigo: string; nome: string; sigla: string }[], at: string, audit: AuditEntry) => {
    let created = 0;
    let updated = 0;
    for (const u of units) {
      if (!q.get.get(systemId, u.codigo)) created += q.insert.run(systemId, u.codigo, u.nome, u.sigla).changes;
      else updated += q.rename.run(u.nome, u.sigla, systemId, u.codigo).changes;
    }
    if (created + updated) audited(at, { ...audit, data: { ...audit.data, criadas: created, alteradas: updated } });
    return { created, updated };
  });
  const map = db.transaction((systemId: string, codigo: string, to: { repositoryId: number; numero: string } | null, at: string, actor: string, audit: AuditEntry) => {
    if (!q.get.get(systemId, codigo)) return { ok: false as const, reason: 'unknown_unit' as const };
    if (to) {
      const holder = q.holder.get(systemId, to.repositoryId, to.numero);
      if (holder && holder.codigo !== codigo) return { ok: false as const, reason: 'taken' as const, by: holder.codigo };
    }
    q.map.run(to?.repositoryId ?? null, to?.numero ?? null, to ? at : null, to ? actor : null, systemId, codigo);
    q.history.run(systemId, codigo, to?.repositoryId ?? null, to?.numero ?? null, at, actor);
    audited(at, audit);
    return { ok: true as const };
  });
  return {
    async upsertLocalUnits(systemId, units, at, audit) {
      return upsert(systemId, units, at, audit);
    },
    async listLocalUnits(systemId) {
      return q.list.all(systemId).map(toLocalUnit);
    },
    async mapLocalUnit(systemId, codigo, to, at, actor, audit) {
      return map(systemId, codigo, to, at, actor, audit);
    },
    async mappingHistory(systemId, codigo) {
      return q.historyOf.all(systemId, codigo).map((r) => ({
        mapped: r.repository_id !== null && r.numero !== null ? { repositoryId: r.repository_id, numero: r.numero } : null,
        at: r.at,
        actor: r.actor,
      }));
    },
  };
}
