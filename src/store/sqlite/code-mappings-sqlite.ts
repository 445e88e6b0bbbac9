import type { AuditEntry, CodeMappingStore } from '../index.ts';
import { planCodeImport, toLocalCode, type LocalCodeRow } from '../code-mapping-rows.ts';
import type { Db } from './open.ts';
import { auditAppender } from './audit.ts';

/** Local codes of the code lists and their mappings in the embedded store; each write one transaction. */
export function sqliteCodeMappings(db: Db): CodeMappingStore {
  const q = {
    get: db.prepare<[string, string, string], LocalCodeRow>('SELECT * FROM local_codes WHERE system_id = ? AND lista = ? AND codigo = ?'),
    list: db.prepare<[string, string], LocalCodeRow>('SELECT * FROM local_codes WHERE system_id = ? AND lista = ? ORDER BY codigo'),
    insert: db.prepare<[string, string, string, string]>('INSERT INTO local_codes (system_id, lista, codigo, nome) VALUES (?, ?, ?, ?)'),
    rename: db.prepare<[string, string, string, string]>('UPDATE local_codes SET nome = ? WHERE system_id = ? AND lista = ? AND codigo = ?'),
    holder: db.prepare<[string, string, number], { codigo: string }>('SELECT codigo FROM local_codes WHERE system_id = ? AND lista = ? AND federation_code = ?'),
    map: db.prepare<[number | null, string | null, string | null, string, string, string]>(
      'UPDATE local_codes SET federation_code = ?, mapped_at = ?, mapped_by = ? WHERE system_id = ? AND lista = ? AND codigo = ?',
    ),
    history: db.prepare<[string, string, string, number | null, string, string]>(
      'INSERT INTO local_code_mapping_history (system_id, lista, codigo, federation_code, at, actor) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    historyOf: db.prepare<[string, string, string], { federation_code: number | null; at: string; actor: string }>(
      'SELECT federation_code, at, actor FROM local_code_mapping_history WHERE system_id = ? AND lista = ? AND codigo = ? ORDER BY seq',
    ),
  };
  const audited = auditAppender(db);
  const setMapping = (systemId: string, lista: string, codigo: string, to: number | null, at: string, actor: string) => {
    q.map.run(to, to === null ? null : at, to === null ? null : actor, systemId, lista, codigo);
    q.history.run(systemId, lista, codigo, to, at, actor);
  };
  const importCodes = db.transaction((systemId: string, lista: string, rows: { codigo: string; nome: string; mapped?: number | null }[], at: string, actor: string, audit: AuditEntry) => {
    const plan = planCodeImport(q.list.all(systemId, lista).map(toLocalCode), rows);
    if (plan.conflicts.length) return { ok: false as const, reason: 'taken' as const, conflicts: plan.conflicts };
    for (const c of plan.inserts) q.insert.run(systemId, lista, c.codigo, c.nome);
    for (const c of plan.renames) q.rename.run(c.nome, systemId, lista, c.codigo);
    for (const c of plan.remaps) q.map.run(null, null, null, systemId, lista, c.codigo);
    for (const c of plan.remaps) setMapping(systemId, lista, c.codigo, c.to, at, actor);
    const counts = { created: plan.inserts.length, updated: plan.renames.length, remapped: plan.remaps.length };
    if (counts.created + counts.updated + counts.remapped) audited(at, { ...audit, data: { ...audit.data, criados: counts.created, renomeados: counts.updated, mapeamentosAlterados: counts.remapped } });
    return { ok: true as const, ...counts };
  });
  const map = db.transaction((systemId: string, lista: string, codigo: string, to: number | null, at: string, actor: string, audit: AuditEntry) => {
    if (!q.get.get(systemId, lista, codigo)) return { ok: false as const, reason: 'unknown_code' as const };
    if (to !== null) {
      const holder = q.holder.get(systemId, lista, to);
      if (holder && holder.codigo !== codigo) return { ok: false as const, reason: 'taken' as const, by: holder.codigo };
    }
    setMapping(systemId, lista, codigo, to, at, actor);
    audited(at, audit);
    return { ok: true as const };
  });
  return {
    async listLocalCodes(systemId, lista) {
      return q.list.all(systemId, lista).map(toLocalCode);
    },
    async importLocalCodes(systemId, lista, rows, at, actor, audit) {
      return importCodes(systemId, lista, rows, at, actor, audit);
    },
    async mapLocalCode(systemId, lista, codigo, to, at, actor, audit) {
      return map(systemId, lista, codigo, to, at, actor, audit);
    },
    async codeMappingHistory(systemId, lista, codigo) {
      return q.historyOf.all(systemId, lista, codigo).map((r) => ({ mapped: r.federation_code, at: r.at, actor: r.actor }));
    },
  };
}
