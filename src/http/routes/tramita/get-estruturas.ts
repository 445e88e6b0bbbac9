import type { Hono } from 'hono';
import { EloError } from '../../../domain/errors.ts';
import type { Structure } from '../../../domain/registry.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, normaliseStructureId, parseBool, parsePositiveInt } from '../../wire.ts';
import { structureView } from './directory-views.ts';

/** Case- and accent-insensitive comparison form (spec §2.3: filters SHOULD match that way). */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** `GET repositorios-de-estruturas/{rep}/estruturas-organizacionais` (spec §2.3): filters and paging. */
export function registerGetEstruturas(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/repositorios-de-estruturas/:rep/estruturas-organizacionais', async (c) => {
    const rep = parsePositiveInt(c.req.param('rep'), 'identificacaoDoRepositorioDeEstruturas');
    const repository = await deps.services.directory.getRepository(rep);
    if (!repository) throw new EloError('not_found', `Repositório de estruturas ${rep} não encontrado.`, { rep });
    const q = (k: string) => c.req.query(k);
    const all = await deps.services.directory.listStructures(rep);
    const byNumero = new Map(all.map((s) => [s.numero, s]));
    const ancestorsOf = (s: Structure): Structure[] => {
      const out: Structure[] = [];
      const seen = new Set([s.numero]);
      for (let p = s.parentNumero ? byNumero.get(s.parentNumero) : undefined; p && !seen.has(p.numero); ) {
        out.push(p);
        seen.add(p.numero);
        p = p.parentNumero ? byNumero.get(p.parentNumero) : undefined;
      }
      return out;
    };
    // spec §2.3 quirk: a non-numeric subtree root is the user's free text — ignore it.
    const root = normaliseStructureId(q('numeroDeIdentificacaoDaEstruturaRaizDaConsulta') ?? '');
    const sigla = q('sigla') ? fold(q('sigla')!) : undefined;
    const nome = q('nome') ? fold(q('nome')!) : undefined;
    const apenasAtivas = parseBool(q('apenasAtivas'));
    const permiteRecebimento = parseBool(q('permiteRecebimento'));
    const permiteEnvio = parseBool(q('permiteEnvio'));
    const matches = all.filter((s) => {
      if (apenasAtivas && !s.ativo) return false;
      if (permiteRecebimento && !s.aptoParaReceberTramites) return false;
      if (permiteEnvio && !s.aptoParaEnviarTramites) return false;
      if (sigla && !fold(s.sigla).includes(sigla)) return false;
      if (nome && !fold(s.nome).includes(nome)) return false;
      if (root && s.numero !== root && !ancestorsOf(s).some((a) => a.numero === root)) return false;
      return true;
    });
    const offset = Math.max(0, Number(q('registroInicial') ?? 0) || 0);
    const size = Math.min(500, Math.max(1, Number(q('quantidadeDeRegistros') ?? 50) || 50));
    return json({
      estruturas: matches.slice(offset, offset + size).map((s) => structureView(s, ancestorsOf(s))),
      totalDeRegistros: matches.length,
    });
  });
}
