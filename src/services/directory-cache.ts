import type { Participant } from '../domain/participant.ts';
import type { Repository, Structure } from '../domain/registry.ts';

/** What a directory page holds once read: the units, their count and whether it was estimated. */
export interface SearchPage {
  items: Structure[];
  total: number;
  estimated: boolean;
}

/**
 * Bounds of the directory cache. Memory stays within a few tens of MB: a cached unit is a few
 * hundred bytes, and at most `maxPageUnits` units (pages) plus `maxLineages` ancestor chains are
 * kept.
 */
export const DIRECTORY_CACHE_LIMITS = { maxPageUnits: 20_000, maxLineages: 50_000, maxParticipants: 10_000 };

/** A Map that forgets its oldest entries past a bound (insertion order; a hit refreshes). */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  private weight = 0;
  constructor(
    private readonly max: number,
    private readonly weigh: (v: V) => number = () => 1,
  ) {}
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    const w = this.weigh(v);
    if (w > this.max) return;
    const old = this.map.get(k);
    if (old !== undefined) {
      this.weight -= this.weigh(old);
      this.map.delete(k);
    }
    this.map.set(k, v);
    this.weight += w;
    for (const [oldest, ov] of this.map) {
      if (this.weight <= this.max) break;
      this.map.delete(oldest);
      this.weight -= this.weigh(ov);
    }
  }
  clear(): void {
    this.map.clear();
    this.weight = 0;
  }
}

/**
 * Directory reads remembered while the directory is unchanged. The key is the store's
 * directory version, which every write to units, repositories and participants moves — in this
 * process, on another node, or by `elo` on the data folder — so a change is seen at the next
 * request, as `elo`'s contract asks (README "Diretório"). An auto-complete asks the same pages
 * and the same hierarchies over and over: a municipality's 200 units share one lineage.
 */
export function directoryCache(limits = DIRECTORY_CACHE_LIMITS) {
  let version: number | null = null;
  const pages = new Lru<string, SearchPage>(limits.maxPageUnits, (p) => Math.max(1, p.items.length));
  /** `rep/numero` → that unit followed by its ancestors, nearest first. */
  const lineages = new Lru<string, Structure[]>(limits.maxLineages);
  /** `rep/numero` → a unit read on its own (a successor), or null when it does not exist. */
  const units = new Lru<string, Structure | null>(limits.maxLineages);
  const participants = new Lru<string, Participant | null>(limits.maxParticipants);
  const repositories = new Lru<number, Repository | null>(1_000);
  return {
    /** Forgets everything when the directory moved since the last call. */
    at(current: number): void {
      if (version !== null && current <= version) return;
      version = current;
      pages.clear();
      lineages.clear();
      units.clear();
      participants.clear();
      repositories.clear();
    },
    /**
     * Whether what was read after seeing `seen` may be kept: not when a newer version was seen
     * meanwhile (a concurrent request), since the read may predate that change.
     */
    keeps: (seen: number): boolean => seen === version,
    pages,
    lineages,
    units,
    participants,
    repositories,
  };
}

export type DirectoryCache = ReturnType<typeof directoryCache>;
