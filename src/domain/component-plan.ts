import type { ComponentRef } from './tramita/index.ts';

/**
 * What a trâmite asks the sender to upload and the receiver to download (spec §6.2): every hash
 * of a non-retirado component, each distinct hash once; components of `retirado` documents are
 * never requested, uploaded or pending.
 */
export interface PlannedComponent {
  hash: string;
  size: number;
  protocolo: string;
  occurrences: number;
}

export interface ComponentPlan {
  components: PlannedComponent[];
  /** Distinct hashes per process protocolo, in wire order (main process first). */
  byProtocolo: { protocolo: string; hashes: string[] }[];
  /** A hash declared with two different sizes: the package contradicts itself. */
  conflicts: { hash: string; paths: string[]; sizes: number[] }[];
}

export function planComponents(refs: ComponentRef[]): ComponentPlan {
  const byHash = new Map<string, PlannedComponent & { paths: string[]; sizes: Set<number> }>();
  // A Set per protocolo keeps wire order (insertion order) and answers "seen?" in one lookup.
  const byProtocolo = new Map<string, Set<string>>();
  for (const r of refs) {
    if (r.retirado) continue;
    const seen = byHash.get(r.hash);
    if (seen) {
      seen.occurrences++;
      seen.paths.push(r.path);
      seen.sizes.add(r.tamanhoEmBytes);
    } else {
      byHash.set(r.hash, {
        hash: r.hash,
        size: r.tamanhoEmBytes,
        protocolo: r.protocolo,
        occurrences: 1,
        paths: [r.path],
        sizes: new Set([r.tamanhoEmBytes]),
      });
    }
    const hashes = byProtocolo.get(r.protocolo);
    if (hashes) hashes.add(r.hash);
    else byProtocolo.set(r.protocolo, new Set([r.hash]));
  }
  return {
    components: [...byHash.values()].map(({ hash, size, protocolo, occurrences }) => ({ hash, size, protocolo, occurrences })),
    byProtocolo: [...byProtocolo.entries()].map(([protocolo, hashes]) => ({ protocolo, hashes: [...hashes] })),
    conflicts: [...byHash.values()]
      .filter((c) => c.sizes.size > 1)
      .map((c) => ({ hash: c.hash, paths: c.paths, sizes: [...c.sizes] })),
  };
}

/**
 * A plan in a few flat values (one string of fixed-width hashes, typed arrays), so that a plan
 * of tens of thousands of components crosses between threads as a copy of bytes instead of
 * tens of thousands of objects to rebuild one by one. Only plans without conflicts are packed
 * (a conflict is a refusal, reported where it was found).
 */
export interface PackedPlan {
  protocolos: string[];
  /** Every distinct hash, in plan order; each is 44 characters (base64 of 32 bytes). */
  hashes: string;
  sizes: Float64Array;
  occurrences: Uint32Array;
  /** Index in `protocolos` of each component's owning process. */
  owners: Uint32Array;
  /** Per protocolo, the indexes of its hashes in `hashes`, in wire order. */
  byProtocolo: Uint32Array[];
}

const HASH_CHARS = 44;

export function packPlan(plan: ComponentPlan): PackedPlan | null {
  if (plan.conflicts.length > 0 || plan.components.some((c) => c.hash.length !== HASH_CHARS)) return null;
  const protocolos = plan.byProtocolo.map((p) => p.protocolo);
  const owner = new Map(protocolos.map((p, i) => [p, i]));
  for (const c of plan.components) if (!owner.has(c.protocolo)) owner.set(c.protocolo, protocolos.push(c.protocolo) - 1);
  const index = new Map(plan.components.map((c, i) => [c.hash, i]));
  return {
    protocolos,
    hashes: plan.components.map((c) => c.hash).join(''),
    sizes: Float64Array.from(plan.components, (c) => c.size),
    occurrences: Uint32Array.from(plan.components, (c) => c.occurrences),
    owners: Uint32Array.from(plan.components, (c) => owner.get(c.protocolo)!),
    byProtocolo: plan.byProtocolo.map((p) => Uint32Array.from(p.hashes, (h) => index.get(h)!)),
  };
}

export function unpackPlan(p: PackedPlan): ComponentPlan {
  const hash = (i: number) => p.hashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS);
  const components: PlannedComponent[] = [];
  for (let i = 0; i < p.sizes.length; i++)
    components.push({ hash: hash(i), size: p.sizes[i]!, protocolo: p.protocolos[p.owners[i]!]!, occurrences: p.occurrences[i]! });
  return {
    components,
    byProtocolo: p.byProtocolo.map((idx, k) => ({ protocolo: p.protocolos[k]!, hashes: Array.from(idx, (i) => components[i]!.hash) })),
    conflicts: [],
  };
}
