import { EloError } from '../domain/errors.ts';
import type { AuditEntry } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';

/** What administrators and monitors read of the hub's records (ARCHITECTURE "Faces"), read only. */
export function auditService(deps: Pick<ServiceDeps, 'store'>) {
  const { tramites, audit } = deps.store;
  return {
    /** Audit events, newest first; filtered by kind. */
    events: (filter: { kind?: string; limit?: number }): Promise<(AuditEntry & { seq: number; at: string })[]> => audit.list(filter),

    /** A trâmite's whole story: its record, transitions, components and events (oldest first). */
    async tramiteStory(idt: number) {
      const tramite = await tramites.get(idt);
      if (!tramite) throw new EloError('not_found', `Trâmite ${idt} não encontrado.`, { idt });
      return {
        tramite,
        history: await tramites.history(idt),
        components: await tramites.components(idt),
        events: (await audit.list({ idt })).reverse(),
      };
    },
  };
}
