import type pg from 'pg';
import type { CapabilityStore } from '../index.ts';
import { toCapabilities, type CapabilitiesRow } from '../code-mapping-rows.ts';
import { one, run, stmt, tx } from './db.ts';
import { appendAudit } from './audit.ts';

const s = {
  get: stmt<[string], CapabilitiesRow>('SELECT * FROM system_capabilities WHERE system_id = $1'),
  put: stmt<[string, string | null, number | null, boolean | null, string, string, string]>(
    `INSERT INTO system_capabilities (system_id, mime_types, max_component_bytes, envio_parcial, declared_by, at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (system_id) DO UPDATE SET mime_types = excluded.mime_types, max_component_bytes = excluded.max_component_bytes,
     envio_parcial = excluded.envio_parcial, declared_by = excluded.declared_by, at = excluded.at, actor = excluded.actor`,
  ),
};

/** Systems' declared capabilities on PostgreSQL: one row per system, replaced whole. */
export function postgresCapabilities(pool: pg.Pool): CapabilityStore {
  return {
    async getCapabilities(systemId) {
      const r = await one(pool, s.get, systemId);
      return r ? toCapabilities(r) : null;
    },
    async setCapabilities(c, audit) {
      await tx(pool, async (conn) => {
        await run(conn, s.put, c.systemId, c.mimeTypesAceitos === null ? null : JSON.stringify(c.mimeTypesAceitos), c.tamanhoMaximoEmBytes, c.envioParcial, c.declaradoPor, c.at, c.actor);
        await appendAudit(conn, c.at, audit);
      });
    },
  };
}
