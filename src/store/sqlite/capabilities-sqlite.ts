import type { CapabilityStore } from '../index.ts';
import { toCapabilities, type CapabilitiesRow } from '../code-mapping-rows.ts';
import type { Db } from './open.ts';
import { auditAppender } from './audit.ts';

/** Systems' declared capabilities in the embedded store: one row per system, replaced whole. */
export function sqliteCapabilities(db: Db): CapabilityStore {
  const q = {
    get: db.prepare<[string], CapabilitiesRow>('SELECT * FROM system_capabilities WHERE system_id = ?'),
    put: db.prepare<[string, string | null, number | null, number | null, string, string, string]>(
      `INSERT INTO system_capabilities (system_id, mime_types, max_component_bytes, envio_parcial, declared_by, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (system_id) DO UPDATE SET mime_types = excluded.mime_types, max_component_bytes = excluded.max_component_bytes,
       envio_parcial = excluded.envio_parcial, declared_by = excluded.declared_by, at = excluded.at, actor = excluded.actor`,
    ),
  };
  const audited = auditAppender(db);
  const put = db.transaction((c: Parameters<CapabilityStore['setCapabilities']>[0], audit: Parameters<CapabilityStore['setCapabilities']>[1]) => {
    q.put.run(
      c.systemId,
      c.mimeTypesAceitos === null ? null : JSON.stringify(c.mimeTypesAceitos),
      c.tamanhoMaximoEmBytes,
      c.envioParcial === null ? null : c.envioParcial ? 1 : 0,
      c.declaradoPor,
      c.at,
      c.actor,
    );
    audited(c.at, audit);
  });
  return {
    async getCapabilities(systemId) {
      const r = q.get.get(systemId);
      return r ? toCapabilities(r) : null;
    },
    async setCapabilities(c, audit) {
      put(c, audit);
    },
  };
}
