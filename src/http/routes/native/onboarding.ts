import { Hono } from 'hono';
import { EloError } from '../../../domain/errors.ts';
import type { OnboardingData } from '../../../domain/onboarding.ts';
import { MAX_ONBOARDING_BYTES } from '../../../services/onboarding.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readLimited } from '../../read-limited.ts';
import { json } from '../../wire.ts';

/** `Authorization: Convite <código>`: the partner's only credential before its approval. */
const invitationOf = (header: string | undefined) => /^Convite\s+(\S+)$/i.exec(header ?? '')?.[1];

/**
 * The partner's side of onboarding (README "Adesão por convite"), before it has a certificate:
 * submit the request once with the invitation, then read where it stands — and, once approved,
 * the system's certificate — with the same invitation.
 */
export function onboardingFace(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const service = deps.services.onboarding;

  /** Body: `{participante, repositorio: {id, nome}, estruturas: "CSV ou JSON como texto", sistema: {id, nome}, csr: "PEM"}`. */
  app.post('/', async (c) => {
    const code = invitationOf(c.req.header('authorization'));
    const declared = Number(c.req.header('content-length') ?? NaN);
    const raw = declared > MAX_ONBOARDING_BYTES || !c.req.raw.body ? null : await readLimited(c.req.raw.body, MAX_ONBOARDING_BYTES);
    if (declared > MAX_ONBOARDING_BYTES || (c.req.raw.body && raw === null))
      throw new EloError('payload_too_large', `O pedido de adesão excede ${MAX_ONBOARDING_BYTES / 1_048_576} MB. Envie a árvore de unidades sem colunas extras.`);
    let data: OnboardingData;
    try {
      data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw ?? new Uint8Array())) as OnboardingData;
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object');
    } catch {
      throw new EloError('malformed_json', 'O pedido de adesão deve ser um objeto JSON em UTF-8: {"participante", "repositorio", "estruturas", "sistema", "csr"}.');
    }
    const r = await service.submit(code, data);
    return json({ id: r.id, situacao: r.status, enviadoEm: r.submittedAt }, 201);
  });

  app.get('/', async (c) => {
    const r = await service.status(invitationOf(c.req.header('authorization')));
    return json({ id: r.id, situacao: r.status, enviadoEm: r.submittedAt, decididoEm: r.decidedAt, motivo: r.reason, certificado: r.certificatePem });
  });
  return app;
}
