import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parseBool } from '../../wire.ts';

/**
 * `GET tramites/pendentes` (spec §2.14): `todas=1` lists every open pendência of the caller;
 * `todas=0` only those not yet returned to it. A call with `idTramiteDaPendenciaRecebida` and no
 * `todas` is SEI's long-poll client pointed at this URL (spec §2.15): it gets the full list,
 * which never carries `encontrou: true`, so its loop ends.
 */
export function registerGetPendentes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/tramites/pendentes', async (c) => {
    const caller = c.get('caller');
    const todas = parseBool(c.req.query('todas'));
    const list = todas === false ? await deps.services.query.undeliveredPendencias(caller) : await deps.services.query.pendencias(caller);
    return json(list.map((p) => ({ IDT: p.idt, status: p.situacao })));
  });
}
