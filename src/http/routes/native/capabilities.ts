import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';
import { optionalObject } from '../admin/body.ts';

/**
 * A system declares what it accepts (README "Capacidades dos sistemas"): the caller is the system
 * its certificate names, and it reads and writes only its own declaration. The hub reads it in
 * preflight only; a start is never refused because of it.
 */
export function registerNativeCapabilities(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.capabilities;

  app.get('/capacidades', async (c) => json(await service.get(c.get('caller').system.id)));

  /** Body: `{mimeTypesAceitos?: [..], tamanhoMaximoEmBytes?: n, envioParcial?: bool}`; replaces the declaration whole. */
  app.put('/capacidades', async (c) => {
    const system = c.get('caller').system;
    return json(await service.declare(system.id, await optionalObject(c), { source: 'sistema', actor: system.id }));
  });
}
