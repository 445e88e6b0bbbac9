import { PARTICIPANT_STATUSES, participantTransfers } from '../domain/participant.ts';
import type { Repository, Structure } from '../domain/registry.ts';
import type { StructureSearch } from '../store/index.ts';
import type { ServiceDeps } from './deps.ts';

/**
 * The federation directory as the Tramita face shows it (spec §2.2–§2.4): repositories and their
 * structures, read only.
 */
export function directoryService(deps: Pick<ServiceDeps, 'store'>) {
  const { registry } = deps.store;
  /** Statuses whose units receive: an active participant's (domain/participant.ts). */
  const RECEIVING = PARTICIPANT_STATUSES.filter(participantTransfers);

  /**
   * A unit of a participant that may not transfer (suspended, pending, disconnected) is shown
   * not apt to receive: a send to it would be refused (README "Participantes suspensos ou
   * desligados"). Each participant of the page is read once.
   */
  async function asShown(structures: Structure[]): Promise<Structure[]> {
    const ids = [...new Set(structures.flatMap((s) => (s.participantId ? [s.participantId] : [])))];
    const blocked = new Set<string>();
    for (const id of ids) {
      const p = await registry.getParticipant(id);
      if (p && !participantTransfers(p.status)) blocked.add(id);
    }
    return structures.map((s) => (s.participantId && blocked.has(s.participantId) ? { ...s, aptoParaReceberTramites: false } : s));
  }

  return {
    listRepositories: (): Promise<Repository[]> => registry.listRepositories(),
    getRepository: (id: number): Promise<Repository | null> => registry.getRepository(id),
    async getStructure(repositoryId: number, numero: string): Promise<Structure | null> {
      const s = await registry.getStructure(repositoryId, numero);
      return s ? (await asShown([s]))[0]! : null;
    },
    /**
     * A page of structures with each one's hierarchy (spec §2.3). Totals above `countUpTo` are
     * estimated (`estimated`): counting every match of a broad term in a national directory
     * would cost more than the page itself.
     */
    async searchStructures(q: StructureSearch): Promise<{ items: { structure: Structure; ancestors: Structure[] }[]; total: number; estimated: boolean }> {
      const r = await registry.searchStructures(q.permiteRecebimento ? { ...q, participantStatuses: RECEIVING } : q);
      const ancestors = await registry.ancestorsOf(q.repositoryId, r.items.map((s) => s.numero));
      const shown = await asShown(r.items);
      return { items: shown.map((s) => ({ structure: s, ancestors: ancestors.get(s.numero) ?? [] })), total: r.total, estimated: r.estimated };
    },
  };
}
