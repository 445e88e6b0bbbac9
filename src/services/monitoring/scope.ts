import type { AdminPrincipal } from '../../domain/admin-roles.ts';
import { EloError } from '../../domain/errors.ts';
import type { Participant } from '../../domain/participant.ts';
import type { System } from '../../domain/registry.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { Store } from '../../store/index.ts';

/** Sets of systems a trâmite must have a party in (store: `partySystems`): one per restriction. */
export type PartySets = string[][];

/**
 * Who may see what (ARCHITECTURE "Faces"): `admin` and `monitor` the whole federation, a
 * `participante` token only trâmites where one of its participant's systems is the sender or the
 * recipient. The systems are read once per call from the registry (a few hundred rows).
 */
export async function scopeOf(store: Pick<Store, 'registry'>, who: AdminPrincipal) {
  const systems = await store.registry.listSystems();
  const owner = new Map(systems.map((s) => [s.id, s.participantId]));
  const systemsOf = (participantId: string) => systems.filter((s) => s.participantId === participantId).map((s) => s.id);
  const own = who.role === 'participante' ? (who.participantId ?? '') : null;
  return {
    systems,
    /** The participant a system belongs to, or null for a system no longer registered. */
    ownerOf: (systemId: string): string | null => owner.get(systemId) ?? null,
    systemsOf,
    /** The participant a `participante` token is limited to; null for the federation roles. */
    own,
    /** Restrictions of the principal: its own participant's systems, for a `participante` token. */
    sets: (): PartySets => (own === null ? [] : [systemsOf(own)]),
    /** Whether the principal may see this trâmite. */
    sees: (t: Pick<TramiteRecord, 'senderSystemId' | 'receiverSystemId'>): boolean =>
      own === null || owner.get(t.senderSystemId) === own || owner.get(t.receiverSystemId) === own,
  };
}

export type Scope = Awaited<ReturnType<typeof scopeOf>>;
export type { System };

/** A participant named by its id or its CNPJ (with or without punctuation), or null. */
export async function findParticipant(store: Pick<Store, 'registry'>, name: string): Promise<Participant | null> {
  const byId = await store.registry.getParticipant(name);
  if (byId) return byId;
  const digits = name.replace(/[.\-/\s]/g, '');
  return /^\d{14}$/.test(digits) ? store.registry.findParticipantByCnpj(digits) : null;
}

/**
 * The one answer for a trâmite the principal may not see, whether it exists or not: IDTs are
 * sequential, so a distinct "not yours" would tell a participant which IDTs exist.
 */
export const tramiteNotFound = (idt: number) => new EloError('not_found', `Trâmite ${idt} não encontrado.`, { idt });
