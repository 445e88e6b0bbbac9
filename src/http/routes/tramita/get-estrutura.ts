import type { Hono } from 'hono';
import { EloError } from '../../../domain/errors.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, normaliseStructureId, parsePositiveInt } from '../../wire.ts';
import { structureView } from './directory-views.ts';

/** `GET repositorios-de-estruturas/{rep}/estruturas-organizacionais/{id}` (spec §2.4). */
export function registerGetEstrutura(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/repositorios-de-estruturas/:rep/estruturas-organizacionais/:id', async (c) => {
    const rep = parsePositiveInt(c.req.param('rep'), 'identificacaoDoRepositorioDeEstruturas');
    const repository = await deps.services.directory.getRepository(rep);
    if (!repository) throw new EloError('not_found', `Repositório de estruturas ${rep} não encontrado.`, { rep });
    const id = normaliseStructureId(c.req.param('id'));
    const found = id ? await deps.services.directory.getStructure(rep, id) : null;
    if (!found) {
      // spec §2.4: SEI recognises this error only with both codigoErro and mensagem.
      throw new EloError(
        'structure_not_in_repository',
        `A unidade ${c.req.param('id')} não está vinculada à estrutura organizacional selecionada: ${repository.nome}.`,
        { rep, id: c.req.param('id') },
      );
    }
    const lineage = await deps.services.structures.lineage({ repositoryId: rep, numero: found.structure.numero });
    return json(structureView(found.structure, lineage.slice(1), found.successor));
  });
}
