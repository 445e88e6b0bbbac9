import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import type { Services } from '../../../services/index.ts';

/**
 * Deny by default (ARCHITECTURE "Decisions"): trâmites and refusals are scoped by
 * services.monitoring; the certificates a principal may see are its own participant's systems'
 * (admin and monitor: the whole federation).
 */
export async function systemScope(services: Services, who: AdminPrincipal): Promise<(systemId: string) => boolean> {
  if (who.role !== 'participante') return () => true;
  const own = new Set((await services.systems.list()).filter((s) => s.participantId === who.participantId).map((s) => s.id));
  return (id) => own.has(id);
}
