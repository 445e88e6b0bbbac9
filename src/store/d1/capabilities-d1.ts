import type { CapabilityStore } from '../index.ts';
import { toCapabilities, type CapabilitiesRow } from '../code-mapping-rows.ts';
import { atomically, first, type D1Conn } from './db.ts';

/** Systems' declared capabilities on D1: one row per system, replaced whole with its audit event in one batch. */
export function d1Capabilities(c: D1Conn): CapabilityStore {
  return {
    async getCapabilities(systemId) {
      const r = await first<CapabilitiesRow>(c, 'SELECT * FROM system_capabilities WHERE system_id = ?', systemId);
      return r ? toCapabilities(r) : null;
    },
    async setCapabilities(x, audit) {
      await atomically(c, async (w) => {
        w.write(
          `INSERT INTO system_capabilities (system_id, mime_types, max_component_bytes, envio_parcial, declared_by, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (system_id) DO UPDATE SET mime_types = excluded.mime_types, max_component_bytes = excluded.max_component_bytes,
           envio_parcial = excluded.envio_parcial, declared_by = excluded.declared_by, at = excluded.at, actor = excluded.actor`,
          x.systemId,
          x.mimeTypesAceitos === null ? null : JSON.stringify(x.mimeTypesAceitos),
          x.tamanhoMaximoEmBytes,
          x.envioParcial,
          x.declaradoPor,
          x.at,
          x.actor,
        );
        w.audit(x.at, audit);
        return () => undefined;
      });
    },
  };
}
