import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';
import { optionalObject } from './body.ts';
import { allow, READERS } from './roles.ts';
import { systemView } from './views.ts';

/** Systems (SPE) of the participants and the structures they act for; each registration is an audit event. */
export function registerAdminSystems(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.systems;

  app.get('/sistemas', async (c) => {
    const who = allow(c, READERS);
    const bindings = await service.bindings();
    const visible = (await service.list()).filter((s) => who.role !== 'participante' || s.participantId === who.participantId);
    return json({ sistemas: visible.map((s) => systemView(s, bindings)) });
  });

  /** Body: `{id, participante: CNPJ, nome, estruturas: [{repositorio, numero, subarvore?, papel?: "ambos"|"envia"|"recebe"}]}`. */
  app.post('/sistemas', async (c) => {
    const who = allow(c, ['admin', 'participante']);
    // a participant's administrator registers systems of its own participant only
    const r = await service.register(await optionalObject(c), c.get('operator'), who.role === 'participante' ? who.participantId : undefined);
    return json(systemView(r.system, r.bindings), 201);
  });
}
