import type { Hono } from 'hono';
import { ONBOARDING_STATUSES, type OnboardingRequest, type OnboardingStatus } from '../../../domain/onboarding.ts';
import { validationFailed } from '../../../domain/tramita/index.ts';
import { treeUnitCount } from '../../../services/onboarding.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parsePositiveInt } from '../../wire.ts';
import { optionalObject } from './body.ts';
import { ADMIN, allow, FEDERATION_READERS } from './roles.ts';

/** A request as the administrator reads it: what was asked, without the tree's whole text. */
export const onboardingView = (r: OnboardingRequest) => ({
  id: r.id,
  situacao: r.status,
  enviadoEm: r.submittedAt,
  participante: r.data.participante,
  repositorio: r.data.repositorio,
  sistema: r.data.sistema,
  unidades: treeUnitCount(r.data.estruturas),
  decididoEm: r.decidedAt,
  decididoPor: r.decidedBy,
  motivo: r.reason,
  certificado: r.certificatePem,
});

/**
 * Onboarding in one approval (README "Adesão por convite"): invitations, the pending requests
 * and the administrator's decision. Each act is an audit event (`convite.criado`,
 * `adesao.pedida`, `adesao.aprovada`, `adesao.recusada`).
 */
export function registerAdminOnboarding(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.onboarding;

  /** Body (optional): `{"validadeDias": 14, "nota": "…"}`; the code is shown only in this answer. */
  app.post('/convites', async (c) => {
    allow(c, ADMIN);
    const body = await optionalObject(c);
    if (body.validadeDias !== undefined && typeof body.validadeDias !== 'number') throw validationFailed({ path: 'validadeDias', message: 'deve ser um número' });
    return json(await service.invite(c.get('operator'), { ...(typeof body.validadeDias === 'number' ? { validadeDias: body.validadeDias } : {}), ...(typeof body.nota === 'string' ? { nota: body.nota } : {}) }), 201);
  });

  app.get('/adesoes', async (c) => {
    allow(c, FEDERATION_READERS);
    const situacao = c.req.query('situacao');
    if (situacao !== undefined && !(ONBOARDING_STATUSES as readonly string[]).includes(situacao))
      throw validationFailed({ path: 'situacao', message: `deve ser ${ONBOARDING_STATUSES.join(', ')}` });
    return json({ adesoes: (await service.list(situacao as OnboardingStatus | undefined)).map(onboardingView) });
  });

  app.get('/adesoes/:id{[0-9]+}', async (c) => {
    allow(c, FEDERATION_READERS);
    return json(onboardingView(await service.get(parsePositiveInt(c.req.param('id'), 'id'))));
  });

  /** Body (optional): `{"motivo": "…"}`. */
  app.post('/adesoes/:id{[0-9]+}/aprovacao', async (c) => {
    allow(c, ADMIN);
    const body = await optionalObject(c);
    return json(onboardingView(await service.approve(parsePositiveInt(c.req.param('id'), 'id'), c.get('operator'), typeof body.motivo === 'string' ? body.motivo : undefined)));
  });

  /** Body: `{"motivo": "…"}` (required: the partner reads it). */
  app.post('/adesoes/:id{[0-9]+}/recusa', async (c) => {
    allow(c, ADMIN);
    const body = await optionalObject(c);
    return json(onboardingView(await service.refuse(parsePositiveInt(c.req.param('id'), 'id'), c.get('operator'), body.motivo)));
  });
}
