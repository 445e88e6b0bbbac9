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
