import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import type { TramiteRecord } from '../../../domain/tramite.ts';
import type { Services } from '../../../services/index.ts';

/**
 * Deny by default (ARCHITECTURE "Decisions"): a participant's administrator sees a trâmite only
 * when one of its own systems is the sender or the receiver; admin and monitor see the whole
 * federation. Every data function of the dashboard filters through this.
 */
export async function tramiteScope(services: Services, who: AdminPrincipal): Promise<(t: TramiteRecord) => boolean> {
  if (who.role !== 'participante') return () => true;
  const own = new Set((await services.systems.list()).filter((s) => s.participantId === who.participantId).map((s) => s.id));
  return (t) => own.has(t.senderSystemId) || own.has(t.receiverSystemId);
}

/** The systems a principal may see: all, or its own participant's. */
export async function systemScope(services: Services, who: AdminPrincipal): Promise<(systemId: string) => boolean> {
  if (who.role !== 'participante') return () => true;
  const own = new Set((await services.systems.list()).filter((s) => s.participantId === who.participantId).map((s) => s.id));
  return (id) => own.has(id);
}
