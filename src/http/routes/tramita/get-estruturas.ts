import type { Hono } from 'hono';
import { EloError } from '../../../domain/errors.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, normaliseStructureId, parseBool, parsePositiveInt } from '../../wire.ts';
import { structureView } from './directory-views.ts';

/**
 * Matches are counted exactly up to this many; beyond it `totalDeRegistros` grows as the caller
 * pages (README "Diretório"): a broad term in a national directory matches hundreds of thousands.
 */
const COUNT_UP_TO = 1000;

/**
 * `GET repositorios-de-estruturas/{rep}/estruturas-organizacionais` (spec §2.3): filters (name and
 * sigla as substrings ignoring case and accents), subtree and paging, answered by the store's
 * search index a page at a time.
 */
export function registerGetEstruturas(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/repositorios-de-estruturas/:rep/estruturas-organizacionais', async (c) => {
    const rep = parsePositiveInt(c.req.param('rep'), 'identificacaoDoRepositorioDeEstruturas');
    const repository = await deps.services.directory.getRepository(rep);
    if (!repository) throw new EloError('not_found', `Repositório de estruturas ${rep} não encontrado.`, { rep });
    const q = (k: string) => c.req.query(k);
    // spec §2.3 quirk: a non-numeric subtree root is the user's free text — ignore it.
    const root = normaliseStructureId(q('numeroDeIdentificacaoDaEstruturaRaizDaConsulta') ?? '');
    const offset = Math.max(0, Number(q('registroInicial') ?? 0) || 0);
    const limit = Math.min(500, Math.max(1, Number(q('quantidadeDeRegistros') ?? 50) || 50));
    const found = await deps.services.directory.searchStructures({
      repositoryId: rep,
      ...(q('nome') ? { nome: q('nome')! } : {}),
      ...(q('sigla') ? { sigla: q('sigla')! } : {}),
      ...(root ? { root } : {}),
      apenasAtivas: parseBool(q('apenasAtivas')) === true,
      permiteRecebimento: parseBool(q('permiteRecebimento')) === true,
      permiteEnvio: parseBool(q('permiteEnvio')) === true,
      offset,
      limit,
      countUpTo: COUNT_UP_TO,
    });
    return json({
      estruturas: found.items.map((x) => structureView(x.structure, x.ancestors, x.successor)),
      totalDeRegistros: found.total,
    });
  });
}
