import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { TramiteRecord } from '../../../domain/tramite.ts';
import type { Services } from '../../../services/index.ts';
import { recentTramites } from './recent.ts';
import { tramiteScope } from './scope.ts';

/** Rows shown per search page. */
export const SEARCH_PAGE = 50;

export interface SearchView {
  termo: string;
  tramites: TramiteRecord[];
  /** Whether the answer covers only the recent trâmites (see recent.ts). */
  somenteRecentes: boolean;
}

/**
 * Data of the search page: an IDT (digits) is looked up directly; any other term matches the
 * NRE or the protocolo of recent trâmites. TEMPORARY — where `services.monitoring.search(filter,
 * principal)` (with its cursor paging) plugs in; the page already renders its rows.
 */
export async function searchData(services: Services, who: AdminPrincipal, termo: string): Promise<SearchView> {
  const q = termo.trim();
  if (!q) return { termo: q, tramites: [], somenteRecentes: false };
  if (/^\d{1,15}$/.test(q)) {
    const visible = await tramiteScope(services, who);
    const story = await services.audit.tramiteStory(Number(q)).catch((e: unknown) => {
      if (e instanceof EloError && e.code === 'not_found') return null;
      throw e;
    });
    return { termo: q, tramites: story && visible(story.tramite) ? [story.tramite] : [], somenteRecentes: false };
  }
  const needle = q.toLowerCase();
  const found = (await recentTramites(services, who))
    .map((r) => r.tramite)
    .filter((t) => t.nre.toLowerCase().includes(needle) || t.protocolo.toLowerCase().includes(needle))
    .slice(0, SEARCH_PAGE);
  return { termo: q, tramites: found, somenteRecentes: true };
}
