import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';
import { optionalObject } from './body.ts';

/** Systems (SPE) of the participants and the structures they act for; each registration is an audit event. */
export function registerAdminSystems(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.systems;

  app.get('/sistemas', async () => {
    const bindings = await service.bindings();
    return json({ sistemas: (await service.list()).map((s) => ({ ...s, estruturas: bindings.filter((b) => b.systemId === s.id) })) });
  });

  /** Body: `{id, participante: CNPJ, nome, estruturas: [{repositorio, numero, subarvore?, papel?: "ambos"|"envia"|"recebe"}]}`. */
  app.post('/sistemas', async (c) => {
    const r = await service.register(await optionalObject(c), c.get('operator'));
    return json({ ...r.system, estruturas: r.bindings }, 201);
  });
}
