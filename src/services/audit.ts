import { EloError } from '../domain/errors.ts';
import { expectedActor, WORKFLOW } from '../domain/situacao.ts';
import type { AuditEntry } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';

/** What administrators and monitors read of the hub's records (ARCHITECTURE "Faces"), read only. */
export function auditService(deps: Pick<ServiceDeps, 'store' | 'workflow' | 'clock'>) {
  const { tramites, audit } = deps.store;
  const wf = deps.workflow ?? WORKFLOW;
  return {
    /** Audit events, newest first; filtered by kind. */
    events: (filter: { kind?: string; limit?: number }): Promise<(AuditEntry & { seq: number; at: string })[]> => audit.list(filter),

    /**
     * A trâmite's whole story: its record, transitions, components and events (oldest first),
     * and which side must act next by the workflow the services decide with (spec §5.3).
     */
    async tramiteStory(idt: number) {
      const tramite = await tramites.get(idt);
      if (!tramite) throw new EloError('not_found', `Trâmite ${idt} não encontrado.`, { idt });
      return {
        tramite,
        nextActor: expectedActor(tramite.situacao, wf),
        history: await tramites.history(idt),
        components: await tramites.components(idt),
        events: (await audit.list({ idt })).reverse(),
      };
    },

    /**
     * Who looked at which trâmite on the dashboard (issue: monitoring, "who viewed which trâmite
     * is logged"): an audit event per page view, named by the token's label (never the token).
     */
    async viewed(idt: number, viewer: string): Promise<void> {
      await audit.append({ kind: 'painel.tramite_consultado', actor: viewer, idt }, deps.clock.now().toISOString());
    },
  };
}
