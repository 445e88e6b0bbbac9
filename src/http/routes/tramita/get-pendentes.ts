import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';

/**
 * `GET tramites/pendentes` (spec §2.14): the caller's pendências, scoped by its certificate.
 * A call with `idTramiteDaPendenciaRecebida` and no `todas` is the fallback of the long-poll
 * client (spec §2.15): answered with the same list, which never carries `encontrou: true`.
 */
export function registerGetPendentes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/tramites/pendentes', async (c) => {
    const list = await deps.services.query.pendencias(c.get('caller'));
    return json(list.map((p) => ({ IDT: p.idt, status: p.situacao })));
  });
}
