import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parseBool } from '../../wire.ts';

/**
 * `GET especies`, `GET hipoteses`, `GET motivosUrgencia` (spec §2.5–§2.7): the lists as they
 * stand now (an administrator's change is served at the next request, services/code-lists.ts).
 */
export function registerGetCodeLists(app: Hono<AppEnv>, deps: AppDeps): void {
  const lists = deps.services.codeLists;
  app.get('/especies', async () => json({ especies: (await lists.current()).especies.map((e) => ({ codigo: e.codigo, nomeNoProdutor: e.nome })) }));
  app.get('/hipoteses', async (c) => {
    // `ativos=1|0`; third-party clients send `status=true|false` (spec §2.6).
    const ativos = parseBool(c.req.query('ativos') ?? c.req.query('status'));
    return json({ hipotesesLegais: (await lists.current()).hipotesesLegais.filter((h) => ativos === undefined || h.status === ativos) });
  });
  app.get('/motivosUrgencia', async () => json({ motivosUrgencia: (await lists.current()).motivosUrgencia }));
}
