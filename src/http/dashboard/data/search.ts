import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import { parseTramiteFilter, type TramiteItem } from '../../../services/monitoring/index.ts';

/** Rows shown per search page. */
export const SEARCH_PAGE = 50;

/** The filters of the search form, as `parseTramiteFilter` reads them (README "Monitorando"). */
export const SEARCH_FIELDS = ['IDT', 'NRE', 'protocolo', 'participante', 'situacao', 'de', 'ate'] as const;
export type SearchForm = Partial<Record<(typeof SEARCH_FIELDS)[number], string>>;

export interface SearchView {
  /** What was typed, shown back in the form (and carried by the next-page link). */
  form: SearchForm;
  /** Whether any filter was given (no filter: only the form is shown). */
  buscou: boolean;
  tramites: TramiteItem[];
  /** Cursor of the next page (`proximo` of services.monitoring.search), or null on the last one. */
  proximo: string | null;
  /** A filter refused by `parseTramiteFilter` (the `0001` message, naming the filter). */
  erro: string | null;
}

/**
 * Data of the search page: `services.monitoring.search(filter, principal)`, newest IDT first,
 * SEARCH_PAGE rows a page with its cursor; a participant's administrator finds only trâmites
 * where one of its systems is a party (an IDT out of reach is answered as nothing found).
 */
export async function searchData(services: Services, who: AdminPrincipal, query: Record<string, string | undefined>): Promise<SearchView> {
  const form: SearchForm = {};
  for (const k of SEARCH_FIELDS) {
    const v = query[k]?.trim().slice(0, 200);
    if (v) form[k] = v;
  }
  const view: SearchView = { form, buscou: Object.keys(form).length > 0, tramites: [], proximo: null, erro: null };
  if (!view.buscou) return view;
  try {
    const filter = parseTramiteFilter({ ...form, cursor: query.cursor, limite: String(SEARCH_PAGE) });
    const found = await services.monitoring.search(filter, who);
    return { ...view, tramites: found.tramites, proximo: found.proximo };
  } catch (e) {
    if (e instanceof EloError && e.code === 'validation_failed') return { ...view, erro: e.mensagem };
    throw e;
  }
}
