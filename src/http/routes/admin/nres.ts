import type { Hono } from 'hono';
import { validationFailed } from '../../../domain/tramita/index.ts';
import { parseHoldings } from '../../../services/nre-holdings.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { bodyText, optionalObject } from './body.ts';
import { ADMIN, allow, FEDERATION_READERS } from './roles.ts';
import { json } from '../../wire.ts';
import { nreHolderView } from './views.ts';

const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * NRE holdings (docs/ameacas.md, spec §4.1): import a migrating partner's NREs, see who an NRE
 * is bound to, release it or reassign it. Each change is an audit event (`GET /eventos?tipo=nre.…`).
 */
export function registerAdminNres(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.nreHoldings;

  /** Body: the SEI export as CSV (`nre;protocolo[;sistema]`) or JSON; `?sistema=` names the system for rows without one. */
  app.post('/nres/importacao', async (c) => {
    allow(c, ADMIN);
    const rows = parseHoldings(await bodyText(c), c.req.query('sistema') || undefined);
    return json(await service.importHoldings(rows, c.get('operator')));
  });

  app.get('/nres/:nre', async (c) => {
    allow(c, FEDERATION_READERS);
    const d = await service.describe(c.req.param('nre'));
    return json({ NRE: d.nre, protocolo: d.protocolo, documentosRegistrados: d.documentosRegistrados, vinculos: d.vinculos.map(nreHolderView) });
  });

  /** Body (optional): `{"motivo": "…"}`. */
  app.post('/nres/:nre/liberacao', async (c) => {
    allow(c, ADMIN);
    const body = await optionalObject(c);
    return json({ liberado: true, ...(await service.release(c.req.param('nre'), c.get('operator'), text(body.motivo))) });
  });

  /** Body: `{"sistema": "…", "motivo": "…"}`. */
  app.post('/nres/:nre/reatribuicao', async (c) => {
    allow(c, ADMIN);
    const body = await optionalObject(c);
    const sistema = text(body.sistema);
    if (!sistema) throw validationFailed({ path: 'sistema', message: 'é obrigatório' });
    return json({ reatribuido: true, sistema, ...(await service.reassign(c.req.param('nre'), sistema, c.get('operator'), text(body.motivo))) });
  });
}
