import type { Hono } from 'hono';
import type { ParticipantAction } from '../../../domain/participant.ts';
import { validationFailed } from '../../../domain/tramita/index.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parsePositiveInt } from '../../wire.ts';
import { bodyBytes, optionalObject } from './body.ts';
import { ADMIN, allow, ownParticipantOnly, READERS } from './roles.ts';
import { participantChangeView, participantView } from './views.ts';

/** Largest unit-tree file the API takes: a state's whole tree; the national one goes through `elo structures import`. */
const MAX_TREE_BYTES = 64 * 1_048_576;

const view = participantView;

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
    return json({ ...view(participant), historico: history.map(participantChangeView) });
  });

  /**
   * A participant's unit tree (README "Árvore de unidades"): the file as the body (CSV or JSON);
   * `?repositorio=ID` (required), `&nome=` to create the repository, `&simular=1`,
   * `&desativarAusentes=1`, `&vigencia=AAAA-MM-DD`. A participant's administrator imports its own.
   */
  app.post('/participantes/:cnpj/estruturas', async (c) => {
    const who = allow(c, ['admin', 'participante']);
    ownParticipantOnly(who, (await service.find(c.req.param('cnpj'))).id);
    const q = (k: string) => c.req.query(k);
    const report = await deps.services.structureTrees.importTree(
      await bodyBytes(c, MAX_TREE_BYTES),
      {
        repositorio: Number(q('repositorio') ?? NaN),
        participante: c.req.param('cnpj'),
        ...(q('nome') ? { nome: q('nome')! } : {}),
        simular: q('simular') === '1' || q('simular') === 'true',
        desativarAusentes: q('desativarAusentes') === '1' || q('desativarAusentes') === 'true',
        ...(q('vigencia') ? { vigencia: q('vigencia')! } : {}),
      },
      c.get('operator'),
    );
    return json(report);
  });

  /** The tree as a file: `?repositorio=ID&formato=csv|json`. */
  app.get('/participantes/:cnpj/estruturas', async (c) => {
    const who = allow(c, READERS);
    ownParticipantOnly(who, (await service.find(c.req.param('cnpj'))).id);
    const formato = c.req.query('formato') === 'json' ? 'json' : 'csv';
    const r = await deps.services.structureTrees.exportTree({ repositorio: parsePositiveInt(c.req.query('repositorio') ?? '', 'repositorio'), participante: c.req.param('cnpj'), formato });
    return new Response(r.text, { headers: { 'content-type': formato === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8' } });
  });

  /** Body: `{"motivo": "…"}` (required: it stays in the history and is shown to the refused systems). */
  app.post('/participantes/:cnpj/:acao{(?:aprovacao|suspensao|reativacao|desligamento)}', async (c) => {
    allow(c, ADMIN);
    const body = await optionalObject(c);
    const r = await service.act(c.req.param('cnpj'), ACTIONS[c.req.param('acao')]!, body.motivo, c.get('operator'));
    return json({ ...view(r.participant), situacaoAnterior: r.from });
  });
}
