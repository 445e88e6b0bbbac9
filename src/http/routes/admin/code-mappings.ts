import type { Hono } from 'hono';
import { validationFailed } from '../../../domain/tramita/index.ts';
import { requireCodeList } from '../../../services/code-list-mappings/code-list-mapping-service.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';
import { bodyBytes, optionalObject } from './body.ts';
import { scopeOf } from './capabilities.ts';
import { allow, READERS } from './roles.ts';
import { localCodeView, mappingChangeView } from './views.ts';

/** A system's file of codes is small (at most 10 000 lines): 2 MB is plenty. */
const MAX_CODE_LIST_BYTES = 2 * 1_048_576;

/** `especies` or `hipoteses`, checked by the handler (a `{especies|hipoteses}` pattern here sent `especies/cobertura` to the list route). */
export const LISTA = ':lista';

/**
 * A system's code lists mapped to espécies and hipóteses legais (README "Mapeamento de espécies e
 * hipóteses"): import its file, read or export the mappings, suggestions, coverage, confirm one
 * mapping and read its history. Writes: admin, or the participant's administrator for its own systems.
 */
export function registerAdminCodeMappings(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.codeListMappings;
  const base = `/sistemas/:id/mapeamentos/${LISTA}`;
  const target = (c: { req: { param(name: string): string | undefined } }) => ({ id: c.req.param('id') ?? '', lista: requireCodeList(c.req.param('lista')) });

  /** The system's codes and mappings; `?formato=csv` as the CSV `import` reads back. */
  app.get(base, async (c) => {
    const who = allow(c, READERS);
    const { id, lista } = target(c);
    if (c.req.query('formato') === 'csv')
      return new Response(await service.exportCsv(id, lista, scopeOf(who)), { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    return json({ sistema: id, lista, codigos: (await service.list(id, lista, scopeOf(who))).map(localCodeView) });
  });

  /** Body: the CSV `codigo;nome[;federacao]` (UTF-8 or Windows-1252, `;` or `,`); whole or nothing. */
  app.post(base, async (c) => {
    const who = allow(c, ['admin', 'participante']);
    const { id, lista } = target(c);
    return json(await service.importFile(id, lista, await bodyBytes(c, MAX_CODE_LIST_BYTES), c.get('operator'), scopeOf(who)));
  });

  app.get(`${base}/sugestoes`, async (c) => {
    const who = allow(c, READERS);
    const { id, lista } = target(c);
    return json({ sugestoes: (await service.suggest(id, lista, scopeOf(who))).map((s) => ({ ...s, codigo: localCodeView(s.codigo) })) });
  });

  app.get(`${base}/cobertura`, async (c) => {
    const who = allow(c, READERS);
    const { id, lista } = target(c);
    const coverage = await service.coverage(id, lista, scopeOf(who));
    return json({ ...coverage, codigosSemMapeamento: coverage.codigosSemMapeamento.map(localCodeView) });
  });

  /** Body: `{"federacao": 12}` to map, `{"federacao": null}` to remove the mapping. */
  app.put(`${base}/codigos/:codigo`, async (c) => {
    const who = allow(c, ['admin', 'participante']);
    const { id, lista } = target(c);
    const body = await optionalObject(c);
    const to = body.federacao;
    if (to !== null && !(typeof to === 'number' && Number.isInteger(to) && to > 0))
      throw validationFailed({ path: 'federacao', message: 'deve ser o código numérico da espécie ou hipótese, ou null para remover o mapeamento' });
    const codigo = c.req.param('codigo');
    await service.map(id, lista, codigo, to, c.get('operator'), scopeOf(who));
    return json({ sistema: id, lista, codigo, federacao: to });
  });

  app.get(`${base}/codigos/:codigo/historico`, async (c) => {
    const who = allow(c, READERS);
    const { id, lista } = target(c);
    return json({ historico: (await service.history(id, lista, c.req.param('codigo'), scopeOf(who))).map(mappingChangeView) });
  });
}
