import type { MappingStore } from '../index.ts';
import { toLocalUnit, type LocalUnitRow } from '../rows.ts';
import { all, atomically, type D1Conn } from './db.ts';

type Out<K extends keyof MappingStore> = MappingStore[K] extends (...a: never[]) => Promise<infer T> ? T : never;

/** Local units and their mappings on D1; each write one batch, decided on the system's key (db.ts). */
export function d1Mappings(c: D1Conn): MappingStore {
  const lock = (systemId: string) => `unidades-locais:${systemId}`;
  return {
    async upsertLocalUnits(systemId, units, at, audit) {
      return atomically<Out<'upsertLocalUnits'>>(c, async (w) => {
        await w.lock(lock(systemId));
        const current = new Map((await w.all<LocalUnitRow>('SELECT * FROM local_units WHERE system_id = ?', systemId)).map((r) => [r.codigo, r]));
        let created = 0;
        let updated = 0;
        for (const u of units) {
          const r = current.get(u.codigo);
          if (!r) {
            w.write('INSERT INTO local_units (system_id, codigo, nome, sigla) VALUES (?, ?, ?, ?)', systemId, u.codigo, u.nome, u.sigla);
            current.set(u.codigo, { ...({} as LocalUnitRow), codigo: u.codigo, nome: u.nome, sigla: u.sigla });
            created++;
          } else if (r.nome !== u.nome || r.sigla !== u.sigla) {
            w.write('UPDATE local_units SET nome = ?, sigla = ? WHERE system_id = ? AND codigo = ?', u.nome, u.sigla, systemId, u.codigo);
            current.set(u.codigo, { ...r, nome: u.nome, sigla: u.sigla });
            updated++;
          }
        }
        if (created + updated) w.audit(at, { ...audit, data: { ...audit.data, criadas: created, alteradas: updated } });
        return () => ({ created, updated });
      });
    },
    async listLocalUnits(systemId) {
      return (await all<LocalUnitRow>(c, 'SELECT * FROM local_units WHERE system_id = ? ORDER BY codigo', systemId)).map(toLocalUnit);
    },
    async mapLocalUnit(systemId, codigo, to, at, actor, audit) {
      return atomically<Out<'mapLocalUnit'>>(c, async (w) => {
        await w.lock(lock(systemId));
        if (!(await w.first('SELECT 1 AS one FROM local_units WHERE system_id = ? AND codigo = ?', systemId, codigo))) return () => ({ ok: false, reason: 'unknown_unit' });
        if (to) {
          const holder = await w.first<{ codigo: string }>('SELECT codigo FROM local_units WHERE system_id = ? AND repository_id = ? AND numero = ?', systemId, to.repositoryId, to.numero);
          if (holder && holder.codigo !== codigo) return () => ({ ok: false, reason: 'taken', by: holder.codigo });
        }
        w.write(
          'UPDATE local_units SET repository_id = ?, numero = ?, mapped_at = ?, mapped_by = ? WHERE system_id = ? AND codigo = ?',
          to?.repositoryId ?? null,
          to?.numero ?? null,
          to ? at : null,
          to ? actor : null,
          systemId,
          codigo,
        );
        w.write(
          'INSERT INTO local_unit_mapping_history (system_id, codigo, repository_id, numero, at, actor) VALUES (?, ?, ?, ?, ?, ?)',
          systemId,
          codigo,
          to?.repositoryId ?? null,
          to?.numero ?? null,
          at,
          actor,
        );
        w.audit(at, audit);
        return () => ({ ok: true });
      });
    },
    async mappingHistory(systemId, codigo) {
      const rows = await all<{ repository_id: number | null; numero: string | null; at: string; actor: string }>(
        c,
        'SELECT repository_id, numero, at, actor FROM local_unit_mapping_history WHERE system_id = ? AND codigo = ? ORDER BY seq',
        systemId,
        codigo,
      );
      return rows.map((r) => ({ mapped: r.repository_id !== null && r.numero !== null ? { repositoryId: r.repository_id, numero: r.numero } : null, at: r.at, actor: r.actor }));
    },
  };
}
