import type { CodeMappingStore } from '../index.ts';
import { planCodeImport, toLocalCode, type LocalCodeRow } from '../code-mapping-rows.ts';
import { all, atomically, type D1Conn, type Work } from './db.ts';

type Out<K extends keyof CodeMappingStore> = CodeMappingStore[K] extends (...a: never[]) => Promise<infer T> ? T : never;

/** Local codes of the code lists and their mappings on D1; each write one batch, decided on the system's list key (db.ts). */
export function d1CodeMappings(c: D1Conn): CodeMappingStore {
  const lock = (systemId: string, lista: string) => `codigos-locais:${systemId}/${lista}`;
  const setMapping = (w: Work, systemId: string, lista: string, codigo: string, to: number | null, at: string, actor: string) => {
    w.write('UPDATE local_codes SET federation_code = ?, mapped_at = ?, mapped_by = ? WHERE system_id = ? AND lista = ? AND codigo = ?', to, to === null ? null : at, to === null ? null : actor, systemId, lista, codigo);
    w.write('INSERT INTO local_code_mapping_history (system_id, lista, codigo, federation_code, at, actor) VALUES (?, ?, ?, ?, ?, ?)', systemId, lista, codigo, to, at, actor);
  };
  const list = (w: Pick<Work, 'all'>, systemId: string, lista: string) =>
    w.all<LocalCodeRow>('SELECT * FROM local_codes WHERE system_id = ? AND lista = ? ORDER BY codigo', systemId, lista);
  return {
    async listLocalCodes(systemId, lista) {
      return (await list({ all: (sql, ...v) => all(c, sql, ...v) }, systemId, lista)).map(toLocalCode);
    },
    async importLocalCodes(systemId, lista, rows, at, actor, audit) {
      return atomically<Out<'importLocalCodes'>>(c, async (w) => {
        await w.lock(lock(systemId, lista));
        const plan = planCodeImport((await list(w, systemId, lista)).map(toLocalCode), rows);
        if (plan.conflicts.length) return () => ({ ok: false, reason: 'taken', conflicts: plan.conflicts });
        for (const x of plan.inserts) w.write('INSERT INTO local_codes (system_id, lista, codigo, nome) VALUES (?, ?, ?, ?)', systemId, lista, x.codigo, x.nome);
        for (const x of plan.renames) w.write('UPDATE local_codes SET nome = ? WHERE system_id = ? AND lista = ? AND codigo = ?', x.nome, systemId, lista, x.codigo);
        // cleared first, then set: a swap of two codes' mappings never meets the one-to-one index half-done
        for (const x of plan.remaps) w.write('UPDATE local_codes SET federation_code = NULL, mapped_at = NULL, mapped_by = NULL WHERE system_id = ? AND lista = ? AND codigo = ?', systemId, lista, x.codigo);
        for (const x of plan.remaps) setMapping(w, systemId, lista, x.codigo, x.to, at, actor);
        const counts = { created: plan.inserts.length, updated: plan.renames.length, remapped: plan.remaps.length };
        if (counts.created + counts.updated + counts.remapped)
          w.audit(at, { ...audit, data: { ...audit.data, criados: counts.created, renomeados: counts.updated, mapeamentosAlterados: counts.remapped } });
        return () => ({ ok: true, ...counts });
      });
    },
    async mapLocalCode(systemId, lista, codigo, to, at, actor, audit) {
      return atomically<Out<'mapLocalCode'>>(c, async (w) => {
        await w.lock(lock(systemId, lista));
        if (!(await w.first('SELECT 1 AS one FROM local_codes WHERE system_id = ? AND lista = ? AND codigo = ?', systemId, lista, codigo))) return () => ({ ok: false, reason: 'unknown_code' });
        if (to !== null) {
          const holder = await w.first<{ codigo: string }>('SELECT codigo FROM local_codes WHERE system_id = ? AND lista = ? AND federation_code = ?', systemId, lista, to);
          if (holder && holder.codigo !== codigo) return () => ({ ok: false, reason: 'taken', by: holder.codigo });
        }
        setMapping(w, systemId, lista, codigo, to, at, actor);
        w.audit(at, audit);
        return () => ({ ok: true });
      });
    },
    async codeMappingHistory(systemId, lista, codigo) {
      const rows = await all<{ federation_code: number | null; at: string; actor: string }>(
        c,
        'SELECT federation_code, at, actor FROM local_code_mapping_history WHERE system_id = ? AND lista = ? AND codigo = ? ORDER BY seq',
        systemId,
        lista,
        codigo,
      );
      return rows.map((r) => ({ mapped: r.federation_code, at: r.at, actor: r.actor }));
    },
  };
}
