import type { Repository, Structure } from '../domain/registry.ts';
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
    listStructures: (repositoryId: number): Promise<Structure[]> => registry.listStructures(repositoryId),
  };
}
