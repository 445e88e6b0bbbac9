import type { Caller } from '../domain/identity.ts';
import type { Structure, SystemBinding, UnitKey } from '../domain/registry.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * The structure tree: ancestry, and which system acts for a unit. A system bound to a structure
 * with `subtree` acts for every descendant (spec §1.4: "granting a whole subtree by naming its
 * root structure").
 */
export function structureService(deps: Pick<ServiceDeps, 'store'>) {
  const { registry } = deps.store;

  /** The unit and its ancestors, nearest first; stops at a cycle or a missing parent. */
  async function lineage(unit: UnitKey): Promise<Structure[]> {
    const out: Structure[] = [];
    const seen = new Set<string>();
    let current = await registry.getStructure(unit.repositoryId, unit.numero);
    while (current && !seen.has(current.numero)) {
      out.push(current);
      seen.add(current.numero);
      current = current.parentNumero ? await registry.getStructure(unit.repositoryId, current.parentNumero) : null;
    }
    return out;
  }

  /** Depth of the binding that covers the unit in that role (0 = bound to the unit itself), or null. */
  function coverage(bindings: SystemBinding[], unit: UnitKey, chain: Structure[], role: 'sends' | 'receives'): number | null {
    let best: number | null = null;
    for (const b of bindings) {
      if (b.repositoryId !== unit.repositoryId || !b[role]) continue;
      const depth = chain.findIndex((s) => s.numero === b.numero);
      if (depth < 0 || (depth > 0 && !b.subtree)) continue;
      if (best === null || depth < best) best = depth;
    }
    return best;
  }

  return {
    lineage,
    async canActFor(caller: Caller, unit: UnitKey): Promise<boolean> {
      return coverage(caller.bindings, unit, await lineage(unit), 'sends') !== null;
    },
    /** The system that receives for a unit: the most specific binding wins. */
    async ownerSystemOf(unit: UnitKey): Promise<string | null> {
      const chain = await lineage(unit);
      if (chain.length === 0) return null;
      const bindings = await registry.listBindings();
      let best: { systemId: string; depth: number } | null = null;
      for (const systemId of new Set(bindings.map((b) => b.systemId))) {
        const system = await registry.getSystem(systemId);
        if (!system?.ativo) continue;
        const depth = coverage(bindings.filter((b) => b.systemId === systemId), unit, chain, 'receives');
        if (depth !== null && (best === null || depth < best.depth)) best = { systemId, depth };
      }
      return best?.systemId ?? null;
    },
  };
}

export type StructureService = ReturnType<typeof structureService>;
