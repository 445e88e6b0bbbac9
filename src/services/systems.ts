import { z } from 'zod';
import { EloError } from '../domain/errors.ts';
import { participantLabel, participantStatusLabel } from '../domain/participant.ts';
import { unitLabel, type System, type SystemBinding } from '../domain/registry.ts';
import { validationFailed } from '../domain/tramita/index.ts';
import type { ServiceDeps } from './deps.ts';
import type { ParticipantService } from './participants.ts';

/** What an administrator sends to register a system (SPE) of a participant. */
export const systemInputSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'use de 2 a 63 letras minúsculas, dígitos e hífens, começando por letra ou dígito, p. ex. sei-pbh'),
  participante: z.string().min(1, 'informe o CNPJ do participante'),
  nome: z.string().trim().min(1, 'não pode ficar em branco').max(250),
  estruturas: z
    .array(
      z.object({
        repositorio: z.number().int().positive(),
        numero: z.string().regex(/^\d{1,19}$/, 'deve ser o número da estrutura (só dígitos)'),
        subarvore: z.boolean().default(false),
        /** envia: só remete por ela; recebe: só recebe para ela; ambos (padrão). */
        papel: z.enum(['ambos', 'envia', 'recebe']).default('ambos'),
      }),
    )
    .min(1, 'informe ao menos uma estrutura pela qual o sistema atua')
    .max(10_000),
});
export type SystemInput = z.input<typeof systemInputSchema>;

/**
 * Systems (SPE: each participant's SEI or other electronic-process system): registered for a
 * participant with the structures they act for, before a certificate is issued to them
 * (`elo ca issue --sistema ID`). Every structure must exist, belong to the participant's
 * repository, and be received by one system only.
 */
export function systemService(deps: Pick<ServiceDeps, 'store' | 'clock'>, participants: ParticipantService) {
  const { registry } = deps.store;
  return {
    list: () => registry.listSystems(),
    bindings: (systemId?: string) => registry.listBindings(systemId),

    /** `onlyFor`: a participant's administrator registers systems of its own participant only. */
    async register(input: unknown, actor: string, onlyFor?: string | null): Promise<{ system: System; bindings: SystemBinding[] }> {
      const parsed = systemInputSchema.safeParse(input);
      if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
      const d = parsed.data;
      const owner = await participants.find(d.participante);
      if (onlyFor !== undefined && owner.id !== onlyFor)
        throw new EloError('not_authorised', `Este token administra outro participante: não pode cadastrar sistemas de ${participantLabel(owner)}.`, { participante: owner.id });
      if (owner.status === 'desligado')
        throw new EloError('registry_conflict', `${participantLabel(owner)} está ${participantStatusLabel(owner.status)}: não recebe sistemas novos.`, {
          participante: owner.id,
        });
      const problems: { path: string; message: string }[] = [];
      const seen = new Set<string>();
      const existing = await registry.listBindings();
      const systems = new Map((await registry.listSystems()).map((s) => [s.id, s]));
      for (const [i, e] of d.estruturas.entries()) {
        const unit = { repositoryId: e.repositorio, numero: e.numero.replace(/^0+(?=\d)/, '') };
        const path = `estruturas.${i}`;
        const key = `${unit.repositoryId}/${unit.numero}`;
        if (seen.has(key)) problems.push({ path, message: `a estrutura ${unitLabel(unit)} aparece duas vezes` });
        seen.add(key);
        const structure = await registry.getStructure(unit.repositoryId, unit.numero);
        if (!structure) {
          problems.push({ path, message: `a estrutura ${unitLabel(unit)} não existe: importe a árvore de unidades do participante antes` });
          continue;
        }
        const repository = await registry.getRepository(unit.repositoryId);
        if (repository?.participantId && repository.participantId !== owner.id)
          problems.push({ path, message: `a estrutura ${unitLabel(unit)} (${structure.sigla}) é de outro participante (${repository.participantId})` });
        if (e.papel !== 'envia') {
          const other = existing.find((b) => b.receives && b.repositoryId === unit.repositoryId && b.numero === unit.numero && systems.get(b.systemId)?.ativo);
          if (other) problems.push({ path, message: `a estrutura ${unitLabel(unit)} (${structure.sigla}) já é recebida pelo sistema "${other.systemId}"; use papel "envia" ou retire-a do outro sistema` });
        }
      }
      if (problems.length) throw validationFailed(problems, { problems });
      const system: System = { id: d.id, nome: d.nome, participantId: owner.id, ativo: true };
      const bindings: SystemBinding[] = d.estruturas.map((e) => ({
        systemId: d.id,
        repositoryId: e.repositorio,
        numero: e.numero.replace(/^0+(?=\d)/, ''),
        subtree: e.subarvore,
        sends: e.papel !== 'recebe',
        receives: e.papel !== 'envia',
      }));
      const at = deps.clock.now().toISOString();
      const r = await registry.addSystem(system, bindings, at, {
        kind: 'sistema.cadastrado',
        actor,
        data: { sistema: system.id, participante: owner.id, estruturas: bindings.map((b) => `${b.repositoryId}/${b.numero}`) },
      });
      if (!r.ok)
        throw new EloError('already_registered', `Já existe um sistema com o id "${system.id}" (${r.existing.nome}). Escolha outro id.`, { sistema: system.id });
      return { system, bindings };
    },
  };
}
