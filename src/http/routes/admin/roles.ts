import type { Context } from 'hono';
import { ROLE_LABEL, type AdminPrincipal, type AdminRole } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { AppEnv } from '../../env.ts';

/**
 * The role a route needs (ARCHITECTURE "Faces": admin everything, participante its own
 * participant only, monitor read only). A valid token of another role is refused with 403
 * (not 401: the token is fine, the operation is not its to make) and changes nothing.
 */
export function allow(c: Context<AppEnv>, roles: readonly AdminRole[]): AdminPrincipal {
  const who = c.get('principal');
  if (!roles.includes(who.role))
    throw new EloError(
      'not_authorised',
      `O token "${who.label}" é de ${ROLE_LABEL[who.role]}: esta operação pede ${roles.map((r) => ROLE_LABEL[r]).join(' ou ')}.`,
      { papel: who.role, papeisAceitos: roles },
    );
  return who;
}

/** A participant's administrator reaches only its own participant; other roles pass. */
export function ownParticipantOnly(who: AdminPrincipal, participantId: string): void {
  if (who.role === 'participante' && who.participantId !== participantId)
    throw new EloError('not_authorised', `O token "${who.label}" administra outro participante: não pode ler nem alterar este.`, { papel: who.role });
}

/** Reading roles: everyone with a token reads, each within its reach. */
export const READERS: readonly AdminRole[] = ['admin', 'monitor', 'participante'];
/** Federation-wide reading: the participant's administrator sees only its own. */
export const FEDERATION_READERS: readonly AdminRole[] = ['admin', 'monitor'];
export const ADMIN: readonly AdminRole[] = ['admin'];
