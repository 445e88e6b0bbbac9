import type { Hono } from 'hono';
import { formatCnpj } from '../../../domain/cnpj.ts';
import type { Participant, ParticipantAction } from '../../../domain/participant.ts';
import { validationFailed } from '../../../domain/tramita/index.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';
import { optionalObject } from './body.ts';
import { ADMIN, allow, ownParticipantOnly, READERS } from './roles.ts';

/** A participant as the API shows it: the CNPJ formatted as people read it, beside the stored one. */
const view = (p: Participant) => ({ ...p, cnpjFormatado: formatCnpj(p.cnpj) });

/** The administrator's actions on a participant, each a move of the lifecycle (domain/participant.ts). */
const ACTIONS: Record<string, ParticipantAction> = {
  aprovacao: 'aprovar',
  suspensao: 'suspender',
  reativacao: 'reativar',
  desligamento: 'desligar',
};

/**
 * Participants (órgãos e entidades): register, read with the history of their status, and move
 * them through the lifecycle with a reason. Each change is an audit event
 * (`GET /eventos?tipo=participante.situacao_alterada`).
 */
export function registerAdminParticipants(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.participants;

  app.get('/participantes', async (c) => {
    const who = allow(c, READERS);
    const all = await service.list();
    return json({ participantes: all.filter((p) => who.role !== 'participante' || p.id === who.participantId).map(view) });
  });

  /** Body: `{cnpj, nome, sigla, esfera, poder?, uf?, ibge?, contatos?, situacao?: "ativo"|"pendente", motivo?}`. */
  app.post('/participantes', async (c) => {
    allow(c, ADMIN);
    const body = await optionalObject(c);
    const { situacao, motivo, ...data } = body;
    if (situacao !== undefined && situacao !== 'ativo' && situacao !== 'pendente')
      throw validationFailed({ path: 'situacao', message: 'deve ser "ativo" (padrão) ou "pendente"' });
    const p = await service.register(data, c.get('operator'), situacao ?? 'ativo', typeof motivo === 'string' ? motivo : undefined);
    return json(view(p), 201);
  });

  app.get('/participantes/:cnpj', async (c) => {
    const who = allow(c, READERS);
    const { participant, history } = await service.history(c.req.param('cnpj'));
    ownParticipantOnly(who, participant.id);
    return json({ ...view(participant), historico: history });
  });

  /** Body: `{"motivo": "…"}` (required: it stays in the history and is shown to the refused systems). */
  app.post('/participantes/:cnpj/:acao{aprovacao|suspensao|reativacao|desligamento}', async (c) => {
    allow(c, ADMIN);
    const body = await optionalObject(c);
    const r = await service.act(c.req.param('cnpj'), ACTIONS[c.req.param('acao')]!, body.motivo, c.get('operator'));
    return json({ ...view(r.participant), situacaoAnterior: r.from });
  });
}
