import { EloError } from '../domain/errors.ts';
import type { System } from '../domain/registry.ts';
import type { RegistryReader } from '../store/index.ts';

/**
 * The system an operation names, within the caller's reach: `onlyFor` is the participant of a
 * participant's administrator token (README "Sistemas e papéis"), undefined for the federation's
 * administrators, monitors, the CLI and the system itself.
 */
export async function systemInScope(registry: Pick<RegistryReader, 'getSystem'>, systemId: string, onlyFor?: string | null): Promise<System> {
  const system = await registry.getSystem(systemId);
  if (!system) throw new EloError('not_found', `Sistema "${systemId}" não encontrado. Veja os sistemas com "elo system list".`, { sistema: systemId });
  if (onlyFor !== undefined && system.participantId !== onlyFor)
    throw new EloError('not_authorised', `O sistema "${systemId}" é de outro participante: este token não pode lê-lo nem alterá-lo.`, { sistema: systemId });
  return system;
}
