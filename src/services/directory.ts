import { PARTICIPANT_STATUSES, participantTransfers, type Participant } from '../domain/participant.ts';
import type { Repository, Structure } from '../domain/registry.ts';
import type { StructureSearch } from '../store/index.ts';
import { directoryCache, type DirectoryCache } from './directory-cache.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * The federation directory as the Tramita face shows it (spec §2.2–§2.4): repositories and their
 * structures, read only.
 */
/**
 * The form of a name or sigla term under which a page is remembered: "Saúde", "SAUDE" and
 * "saude" are one search, since the stores match terms of three characters or more ignoring
 * case and accents (SQLite FTS5 trigram with diacritics removed; PostgreSQL pg_trgm over
 * unaccent). Shorter terms, and terms that are not plain Latin once folded, are kept as typed:
 * there the stores' folding is not this one.
 */
function searchKey(term: string): string {
  const t = term.trim();
  const folded = t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return [...t].length >= 3 && /^[\x20-\x7e]*$/.test(folded) ? folded : t;
}

export function directoryService(deps: Pick<ServiceDeps, 'store'>, cache: DirectoryCache = directoryCache()) {
  const { registry } = deps.store;
  /** Statuses whose units receive: an active participant's (domain/participant.ts). */
  const RECEIVING = PARTICIPANT_STATUSES.filter(participantTransfers);

  /** The directory's version now, the cache emptied if it moved. */
  async function seen(): Promise<number> {
    const v = await registry.directoryVersion();
    cache.at(v);
    return v;
  }

  async function participantOf(v: number, id: string): Promise<Participant | null> {
    const hit = cache.participants.get(id);
    if (hit !== undefined) return hit;
    const p = await registry.getParticipant(id);
    if (cache.keeps(v)) cache.participants.set(id, p);
    return p;
  }

  /**
   * A unit of a participant that may not transfer (suspended, pending, disconnected) is shown
   * not apt to receive: a send to it would be refused (README "Participantes suspensos ou
   * desligados"). Each participant of the page is read once.
   */
  async function asShown(v: number, structures: Structure[]): Promise<Structure[]> {
    const ids = [...new Set(structures.flatMap((s) => (s.participantId ? [s.participantId] : [])))];
    const blocked = new Set<string>();
    for (const id of ids) {
      const p = await participantOf(v, id);
      if (p && !participantTransfers(p.status)) blocked.add(id);
    }
    return structures.map((s) => (s.participantId && blocked.has(s.participantId) ? { ...s, aptoParaReceberTramites: false } : s));
  }

  /**
   * Each unit's ancestors, nearest first. Units of one page mostly share their parent (the same
   * municipality, the same secretaria): a parent's lineage is read once and then remembered.
   */
  async function ancestorsOf(v: number, repositoryId: number, units: Structure[]): Promise<Map<string, Structure[]>> {
    const key = (numero: string) => `${repositoryId}/${numero}`;
    // each distinct parent is looked up once: a page of 50 units has a handful of parents
    const lineageOf = new Map<string, Structure[] | undefined>();
    const missing = new Map<string, string>(); // parent → one child to ask the store with
    for (const u of units) {
      if (!u.parentNumero || lineageOf.has(u.parentNumero)) continue;
      const known = cache.lineages.get(key(u.parentNumero));
      lineageOf.set(u.parentNumero, known);
      if (!known) missing.set(u.parentNumero, u.numero);
    }
    const read = missing.size ? await registry.ancestorsOf(repositoryId, [...missing.values()]) : new Map<string, Structure[]>();
    for (const [parent, child] of missing) {
      const lineage = read.get(child) ?? [];
      lineageOf.set(parent, lineage);
      if (cache.keeps(v) && lineage[0]?.numero === parent) cache.lineages.set(key(parent), lineage);
    }
    return new Map(units.map((u) => [u.numero, u.parentNumero ? (lineageOf.get(u.parentNumero) ?? []) : []]));
  }

  /**
   * The successor of each unit that has one (spec §4.3: a merged or renamed unit keeps its number
   * and points to the unit that replaces it), so a search shows where to send instead.
   */
  async function successorsOf(v: number, repositoryId: number, units: Structure[]): Promise<Map<string, Structure>> {
    const out = new Map<string, Structure>();
    for (const u of units) {
      if (!u.successorNumero) continue;
      const key = `${repositoryId}/${u.successorNumero}`;
      let next = cache.units.get(key);
      if (next === undefined) {
        next = await registry.getStructure(repositoryId, u.successorNumero);
        if (cache.keeps(v)) cache.units.set(key, next);
      }
      if (next) out.set(u.numero, next);
    }
    return out;
  }

  return {
    listRepositories: (): Promise<Repository[]> => registry.listRepositories(),
    async getRepository(id: number): Promise<Repository | null> {
      const v = await seen();
      const hit = cache.repositories.get(id);
      if (hit !== undefined) return hit;
      const r = await registry.getRepository(id);
      if (cache.keeps(v)) cache.repositories.set(id, r);
      return r;
    },
    async getStructure(repositoryId: number, numero: string): Promise<{ structure: Structure; successor: Structure | null } | null> {
      const v = await seen();
      const s = await registry.getStructure(repositoryId, numero);
      if (!s) return null;
      return { structure: (await asShown(v, [s]))[0]!, successor: (await successorsOf(v, repositoryId, [s])).get(s.numero) ?? null };
    },
    /**
     * A page of structures with each one's hierarchy (spec §2.3). Totals above `countUpTo` are
     * estimated (`estimated`): counting every match of a broad term in a national directory
     * would cost more than the page itself.
     */
    async searchStructures(
      q: StructureSearch,
    ): Promise<{ items: { structure: Structure; ancestors: Structure[]; successor: Structure | null }[]; total: number; estimated: boolean }> {
      const v = await seen();
      const query = q.permiteRecebimento ? { ...q, participantStatuses: RECEIVING } : q;
      const key = JSON.stringify({ ...query, ...(query.nome ? { nome: searchKey(query.nome) } : {}), ...(query.sigla ? { sigla: searchKey(query.sigla) } : {}) });
      let page = cache.pages.get(key);
      if (!page) {
        page = await registry.searchStructures(query);
        if (cache.keeps(v)) cache.pages.set(key, page);
      }
      const ancestors = await ancestorsOf(v, q.repositoryId, page.items);
      const successors = await successorsOf(v, q.repositoryId, page.items);
      const shown = await asShown(v, page.items);
      return {
        items: shown.map((s) => ({ structure: s, ancestors: ancestors.get(s.numero) ?? [], successor: successors.get(s.numero) ?? null })),
        total: page.total,
        estimated: page.estimated,
      };
    },
  };
}
