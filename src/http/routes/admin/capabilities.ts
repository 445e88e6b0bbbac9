import type { Hono } from 'hono';
import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';
import { optionalObject } from './body.ts';
import { allow, READERS } from './roles.ts';

/** A participant's administrator reaches its own participant's systems only (services check it). */
export const scopeOf = (who: AdminPrincipal) => (who.role === 'participante' ? who.participantId : undefined);

/**
 * Capabilities of any system (README "Capacidades dos sistemas"), as an administrator sets them:
 * for an SEI, imported from what its PEN module enforces, for preflight only.
 */
export function registerAdminCapabilities(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.capabilities;

  app.get('/sistemas/:id/capacidades', async (c) => {
    const who = allow(c, READERS);
    return json(await service.get(c.req.param('id'), scopeOf(who)));
  });

  /** Body: `{mimeTypesAceitos?, tamanhoMaximoEmBytes?, envioParcial?}`; replaces the declaration whole. */
  app.put('/sistemas/:id/capacidades', async (c) => {
    const who = allow(c, ['admin', 'participante']);
    return json(await service.declare(c.req.param('id'), await optionalObject(c), { source: 'administracao', actor: c.get('operator'), onlyFor: scopeOf(who) }));
  });
}
