import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import { parseRefusalQuery } from '../../../services/monitoring/index.ts';

/** Rows shown per page of refused requests. */
export const REFUSALS_PAGE = 50;

/** The filters of the refused-request form, as `parseRefusalQuery` reads them. */
export const REFUSAL_FIELDS = ['sistema', 'codigoErro', 'NRE', 'de', 'ate'] as const;
export type RefusalForm = Partial<Record<(typeof REFUSAL_FIELDS)[number], string>>;

type Refusal = Awaited<ReturnType<Services['monitoring']['refusals']>>['recusas'][number];

export interface RefusalsView {
  form: RefusalForm;
  recusas: Refusal[];
  /** Cursor of the next page, or null on the last one. */
  proximo: string | null;
  /** A filter refused by `parseRefusalQuery` (the `0001` message, naming the filter). */
  erro: string | null;
}

/**
 * Data of the refused-requests page: `services.monitoring.refusals(query, principal)`, newest
 * first, REFUSALS_PAGE a page. Most refused requests never got an IDT (spec §9.4); a participant's
 * administrator sees only its own systems' (the service scopes it).
 */
export async function refusalsData(services: Services, who: AdminPrincipal, query: Record<string, string | undefined>): Promise<RefusalsView> {
  const form: RefusalForm = {};
  for (const k of REFUSAL_FIELDS) {
    const v = query[k]?.trim().slice(0, 200);
    if (v) form[k] = v;
  }
  const view: RefusalsView = { form, recusas: [], proximo: null, erro: null };
  try {
    const found = await services.monitoring.refusals(parseRefusalQuery({ ...form, cursor: query.cursor, limite: String(REFUSALS_PAGE) }), who);
    return { ...view, recusas: found.recusas, proximo: found.proximo };
  } catch (e) {
    if (e instanceof EloError && e.code === 'validation_failed') return { ...view, erro: e.mensagem };
    throw e;
  }
}
