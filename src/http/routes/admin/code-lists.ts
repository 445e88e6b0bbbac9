import type { Hono } from 'hono';
import { kindOfPath, type CodeListEntry, type CodeListKind } from '../../../domain/codelist-entries.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, optionalInt, parsePositiveInt } from '../../wire.ts';
import { optionalObject } from './body.ts';
import { ADMIN, allow, READERS } from './roles.ts';
import { codeListChangeView } from './views.ts';

/**
 * The lists as the router names them (`/listas/especies`, …). The alternatives are grouped: in
 * the app's combined route pattern an ungrouped `a|b|c` anchors only `c` (`/listas/especiesX`
 * would route to `especies`).
 */
export const LISTA = ':lista{(?:especies|hipoteses|motivos)}';

const kindOf = (c: { req: { param(name: 'lista'): string } }): CodeListKind => kindOfPath(c.req.param('lista'))!;
const view = (e: CodeListEntry) => ({ codigo: e.codigo, nome: e.nome, ativo: e.ativo });

/**
 * The federation's code lists (README "Listas de códigos"): everyone with a token reads them and
 * their history; the federation's administrator adds entries, renames them and sets a hipótese's
 * status. The rules (codes never reused, nothing removed, 179 kept, motivos only appended) are the
 * service's; each change is a history row and an audit event (`GET /eventos?tipo=lista_de_codigos.entrada_alterada`).
 */
export function registerAdminCodeLists(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.codeLists;

  app.get(`/listas/${LISTA}`, async (c) => {
    allow(c, READERS);
    return json({ lista: c.req.param('lista'), entradas: (await service.list(kindOf(c))).map(view) });
  });

  /** Body: `{codigo?, nome, ativo?, motivo}` (motivo: why, kept in the history). */
  app.post(`/listas/${LISTA}`, async (c) => {
    allow(c, ADMIN);
    const entry = await service.add(kindOf(c), await optionalObject(c), c.get('operator'));
    return json(view(entry), 201);
  });

  /** Body: `{nome?, ativo?, motivo}`. */
  app.patch(`/listas/${LISTA}/:codigo{[0-9]+}`, async (c) => {
    allow(c, ADMIN);
    const r = await service.change(kindOf(c), parsePositiveInt(c.req.param('codigo'), 'codigo'), await optionalObject(c), c.get('operator'));
    return json({ ...view(r.entry), alterado: r.changed });
  });

  /** `?codigo=` one entry's changes; `?limite=` (default 100, at most 1000); newest first. */
  app.get(`/listas/${LISTA}/historico`, async (c) => {
    allow(c, READERS);
    const codigo = optionalInt(c.req.query('codigo'), 'codigo');
    const limit = optionalInt(c.req.query('limite'), 'limite');
    const history = await service.history(kindOf(c), { ...(codigo !== undefined ? { codigo } : {}), ...(limit !== undefined ? { limit } : {}) });
    return json({ lista: c.req.param('lista'), historico: history.map(codeListChangeView) });
  });
}
