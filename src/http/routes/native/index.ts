import { Hono } from 'hono';
import { INLINE_START_BODY_BYTES } from '../../../domain/tramita/index.ts';
import { readStartBody } from '../../body.ts';
import { routedPath } from '../../routed-path.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import type { LargeBodyGate } from '../../large-body-gate.ts';
import { systemAdmission } from '../../middleware/system-admission.ts';
import { json } from '../../wire.ts';
import { registerNativeCapabilities } from './capabilities.ts';
import { registerNativeTramites } from './tramites.ts';
import { registerNativeDossie } from './dossie.ts';

/**
 * The native face (`/api/v1`, ARCHITECTURE "Faces"): Elo's own operations for systems, with the
 * same credential as the Tramita face (the client certificate, checked on every request) and
 * errors as problem+json.
 */
export function nativeFace(deps: AppDeps, gate: LargeBodyGate): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // the dossiê authenticates on its own (a certificate, or an admin or monitor token): before the middleware
  registerNativeDossie(app, deps);
  app.use('*', async function nativeIdentity(c, next) {
    // onboarding (`/api/v1/adesao`) comes before any certificate: its credential is the invitation
    if (routedPath(c.req.raw).startsWith('/api/v1/adesao')) return next();
    c.set('caller', await deps.services.identity.authenticate(deps.peerCertificate(c)));
    return next();
  });
  app.use('*', systemAdmission(deps));

  /**
   * Preflight (README "Pré-verificação"): the body of a `tramites/processo` start; the answer
   * lists every reason the send would be refused now, and nothing is stored.
   */
  app.post('/preflight', async (c) => {
    const { raw, done } = await readStartBody(c, { limit: deps.services.limits.maxJsonBytes, smallBytes: INLINE_START_BODY_BYTES, gate });
    try {
      const { problems } = await deps.services.preflight.check({ caller: c.get('caller'), rawBody: raw });
      return json({ aceitaria: problems.length === 0, problemas: problems });
    } finally {
      done();
    }
  });
  registerNativeCapabilities(app, deps);
  registerNativeTramites(app, deps, gate);
  return app;
}
