import { formatCnpj, cnpjProblemMessage, parseCnpj } from '../domain/cnpj.ts';
import { EloError } from '../domain/errors.ts';
import {
  PARTICIPANT_ACTIONS,
  PARTICIPANT_LIFECYCLE,
  participantMove,
  participantInputSchema,
  participantLabel,
  participantStatusLabel,
  type Participant,
  type ParticipantAction,
  type ParticipantStatus,
} from '../domain/participant.ts';
import { validationFailed } from '../domain/tramita/index.ts';
import type { ServiceDeps } from './deps.ts';

/** The reason an administrator gives for a change: required, one line, bounded. */
const MAX_REASON = 500;

/**
 * The federation's participants as administrators govern them: registration and the lifecycle
 * `pendente → ativo ⇄ suspenso → desligado` (domain/participant.ts). Which moves are allowed is
 * the domain's table; the store applies each as a compare-and-set with its history row and audit
 * event. Administrators name a participant by its CNPJ.
 */
export function participantService(deps: Pick<ServiceDeps, 'store' | 'clock'>) {
  const { registry } = deps.store;

  async function find(cnpjInput: string): Promise<Participant> {
    const parsed = parseCnpj(cnpjInput);
    if (!parsed.ok) throw validationFailed({ path: 'cnpj', message: cnpjProblemMessage(cnpjInput, parsed.problem) });
    const p = await registry.findParticipantByCnpj(parsed.cnpj);
    if (!p)
      throw new EloError('not_found', `Nenhum participante com o CNPJ ${formatCnpj(parsed.cnpj)} está cadastrado. Confira o número ou cadastre-o com "elo participant add".`, {
        cnpj: parsed.cnpj,
      });
    return p;
  }

  const reasonOf = (motivo: unknown, required: boolean): string => {
    const text = typeof motivo === 'string' ? motivo.trim() : '';
    if (required && !text) throw validationFailed({ path: 'motivo', message: 'é obrigatório: diga por que o participante muda de situação (fica no histórico)' });
    if (text.length > MAX_REASON) throw validationFailed({ path: 'motivo', message: `deve ter no máximo ${MAX_REASON} caracteres` });
    if (/[\r\n]/.test(text)) throw validationFailed({ path: 'motivo', message: 'deve ter uma linha só' });
    return text;
  };

  return {
    list: () => registry.listParticipants(),
    find,
    async history(cnpjInput: string) {
      const p = await find(cnpjInput);
      return { participant: p, history: await registry.participantHistory(p.id) };
    },

    /**
     * Registers a participant. The federation's administrator registers it `ativo` (or
     * `pendente`, to approve later); a refused registration writes nothing.
     */
    async register(input: unknown, actor: string, status: Extract<ParticipantStatus, 'ativo' | 'pendente'> = 'ativo', motivo?: string): Promise<Participant> {
      const parsed = participantInputSchema.safeParse(input);
      if (!parsed.success)
        throw validationFailed(
          parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        );
      const reason = reasonOf(motivo, false) || (status === 'ativo' ? 'cadastrado pela administração da federação' : 'cadastro aguardando aprovação');
      const at = deps.clock.now().toISOString();
      const d = parsed.data;
      const participant: Participant = {
        // the CNPJ is unique and never reused by another entity: a stable id needs nothing else
        id: d.cnpj.toLowerCase(),
        cnpj: d.cnpj,
        nome: d.nome,
        sigla: d.sigla,
        esfera: d.esfera,
        poder: d.poder,
        uf: d.uf ?? null,
        ibge: d.ibge ?? null,
        contatos: d.contatos,
        status,
        statusReason: reason,
        statusChangedAt: at,
      };
      const r = await registry.addParticipant(participant, { actor, reason }, {
        kind: 'participante.cadastrado',
        actor,
        data: { participante: participant.id, cnpj: participant.cnpj, situacao: status, motivo: reason },
      });
      if (!r.ok)
        throw new EloError(
          'already_registered',
          `O CNPJ ${formatCnpj(participant.cnpj)} já está cadastrado como ${participantLabel(r.existing)}, situação ${participantStatusLabel(r.existing.status)}. Nada foi alterado; para mudar a situação use suspender, reativar ou desligar.`,
          { participante: r.existing.id, situacao: r.existing.status },
        );
      return r.participant;
    },

    /**
     * An administrator's action on a participant (aprovar, suspender, reativar, desligar), with
     * the reason in its history. Refused (409, nothing written) when the lifecycle does not allow
     * the action from where the participant stands.
     */
    async act(cnpjInput: string, action: ParticipantAction, motivo: unknown, actor: string): Promise<{ participant: Participant; from: ParticipantStatus }> {
      if (!PARTICIPANT_ACTIONS.includes(action)) throw validationFailed({ path: 'acao', message: `deve ser uma de: ${PARTICIPANT_ACTIONS.join(', ')}` });
      const reason = reasonOf(motivo, true);
      const p = await find(cnpjInput);
      const { from, to } = participantMove(action);
      const refused = (current: Participant) => {
        const possible = Object.values(PARTICIPANT_LIFECYCLE[current.status]);
        return new EloError(
          'registry_conflict',
          `${participantLabel(current)} está ${participantStatusLabel(current.status)}: a ação "${action}" não se aplica` +
            (current.status === 'desligado'
              ? '. Um participante desligado não volta à federação por reativação.'
              : `. A partir desta situação são possíveis: ${possible.join(', ')}.`),
          { participante: current.id, situacao: current.status, acao: action },
        );
      };
      if (!from.includes(p.status)) throw refused(p);
      const at = deps.clock.now().toISOString();
      const r = await registry.moveParticipant(p.id, from, to, { at, actor, reason }, {
        kind: 'participante.situacao_alterada',
        actor,
        data: { participante: p.id, cnpj: p.cnpj, acao: action, de: p.status, para: to, motivo: reason },
      });
      if (r.ok) return { participant: r.participant, from: r.from };
      // participants are never deleted: a missing row here is a store in trouble, said plainly
      if (r.reason === 'not_found') throw new EloError('not_found', `O participante ${participantLabel(p)} não foi encontrado ao mudar a situação. Nada foi alterado.`);
      throw refused(r.current);
    },
  };
}

export type ParticipantService = ReturnType<typeof participantService>;
