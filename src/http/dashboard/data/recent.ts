import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { TramiteRecord } from '../../../domain/tramite.ts';
import type { Services } from '../../../services/index.ts';
import { tramiteScope } from './scope.ts';

/** Events read to find recent trâmites, and trâmites looked at among them. */
export const RECENT_EVENTS = 1000;
export const RECENT_TRAMITES = 200;

export interface RecentTramite {
  tramite: TramiteRecord;
  nextActor: 'sender' | 'receiver' | null;
}

/**
 * TEMPORARY — where `services.monitoring` plugs in. Until the monitoring service exists, the
 * dashboard finds "recent" trâmites from the newest audit events (at most RECENT_TRAMITES
 * distinct IDTs among the last RECENT_EVENTS events), reads each story and keeps those the
 * principal may see. It is a sample, not a count of the federation: the pages say so. Replace
 * every caller by `services.monitoring.search / countsBySituacao / stuck`.
 */
export async function recentTramites(services: Services, who: AdminPrincipal): Promise<RecentTramite[]> {
  const visible = await tramiteScope(services, who);
  const events = await services.audit.events({ limit: RECENT_EVENTS });
  const idts = [...new Set(events.flatMap((e) => (typeof e.idt === 'number' ? [e.idt] : [])))].slice(0, RECENT_TRAMITES);
  const out: RecentTramite[] = [];
  for (const idt of idts) {
    const story = await services.audit.tramiteStory(idt).catch((e: unknown) => {
      if (e instanceof EloError && e.code === 'not_found') return null;
      throw e;
    });
    if (story && visible(story.tramite)) out.push({ tramite: story.tramite, nextActor: story.nextActor });
  }
  return out.sort((a, b) => b.tramite.idt - a.tramite.idt);
}
