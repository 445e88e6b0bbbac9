import type { Repository, Structure } from '../domain/registry.ts';
import type { StructureSearch } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * The federation directory as the Tramita face shows it (spec §2.2–§2.4): repositories and their
 * structures, read only.
 */
export function directoryService(deps: Pick<ServiceDeps, 'store'>) {
  const { registry } = deps.store;
  return {
    listRepositories: (): Promise<Repository[]> => registry.listRepositories(),
    getRepository: (id: number): Promise<Repository | null> => registry.getRepository(id),
    getStructure: (repositoryId: number, numero: string): Promise<Structure | null> => registry.getStructure(repositoryId, numero),
    /**
     * A page of structures with each one's hierarchy (spec §2.3). Totals above `countUpTo` are
     * estimated (`estimated`): counting every match of a broad term in a national directory
     * would cost more than the page itself.
     */
    async searchStructures(q: StructureSearch): Promise<{ items: { structure: Structure; ancestors: Structure[] }[]; total: number; estimated: boolean }> {
      const r = await registry.searchStructures(q);
      const ancestors = await registry.ancestorsOf(q.repositoryId, r.items.map((s) => s.numero));
      return { items: r.items.map((s) => ({ structure: s, ancestors: ancestors.get(s.numero) ?? [] })), total: r.total, estimated: r.estimated };
    },
  };
}
