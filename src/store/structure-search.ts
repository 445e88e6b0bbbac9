import type { StructureSearch } from './index.ts';

/**
 * What both stores' directory search share: which name and sigla terms need the trigram index
 * (three characters or more: a trigram index cannot answer shorter ones) and how a term is
 * escaped for LIKE. The index itself is each store's own (SQLite FTS5 trigram with diacritics
 * removed; PostgreSQL pg_trgm over unaccent).
 */
export const TRIGRAM = 3;

/** The non-empty, trimmed text filters of a search. */
export function textFilters(q: StructureSearch): { column: 'nome' | 'sigla'; term: string }[] {
  return (['nome', 'sigla'] as const).flatMap((column) => {
    const term = q[column]?.trim();
    return term ? [{ column, term }] : [];
  });
}

/** A LIKE pattern matching `term` anywhere, with `%`, `_` and `\\` taken literally (ESCAPE '\\'). */
export const containsPattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** How many to count: at least `countUpTo`, and always past the page asked for, so paging never ends early. */
export const countLimit = (q: StructureSearch): number => Math.max(q.countUpTo, q.offset + q.limit) + 1;
