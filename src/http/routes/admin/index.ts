import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parsePositiveInt } from '../../wire.ts';
import { registerAdminNres } from './nres.ts';
import { registerAdminMonitoring } from './monitoring.ts';
import { adminOpenApi } from './openapi.ts';
import { ADMIN, allow, FEDERATION_READERS, READERS } from './roles.ts';
import { registerAdminParticipants } from './participants.ts';
import { registerAdminSystems } from './systems.ts';
import { registerAdminOnboarding } from './onboarding.ts';
import { registerAdminCodeLists } from './code-lists.ts';
import { registerAdminCapabilities } from './capabilities.ts';
import { registerAdminCodeMappings } from './code-mappings.ts';
import { registerAdminWebhooks } from './webhooks.ts';
import { certificateView, eventView } from './views.ts';

/**
 * Administration face (`/admin/api/…`, bearer token, role admin; ARCHITECTURE "Faces"). The
 * first endpoints operators need: certificates with days to expiry, a trâmite's full story
 * (who must act next), and the operator's cancel (spec §2.24: "operators cancel through hub
 * administration").
 */
export function adminFace(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async function adminToken(c, next) {
    const who = await deps.services.identity.authenticateToken(c.req.header('authorization'), deps.peerAddress?.(c) ?? undefined);
    c.set('principal', who);
    c.set('operator', who.label);
    await next();
  });

  /**
   * Events monitors act on: warnings before automatic cancellation, certificates about to
   * expire, and every transition, newest first; `?tipo=` filters by kind.
   */
  app.get('/eventos', async (c) => {
    allow(c, FEDERATION_READERS);
    const kind = c.req.query('tipo') || undefined;
    const limit = Math.min(1000, Math.max(1, Number(c.req.query('limite') ?? 100) || 100));
    return json({ eventos: (await deps.services.audit.events({ kind, limit })).map(eventView) });
  });

  app.get('/certificados', async (c) => {
    allow(c, FEDERATION_READERS);
    const list = await deps.services.certificates.list();
    return json({ certificados: list.map(certificateView) });
  });

  app.delete('/tramites/:idt{[0-9]+}', async (c) => {
    allow(c, ADMIN);
    const r = await deps.services.lifecycle.cancel(null, parsePositiveInt(c.req.param('idt'), 'IDT'), c.get('operator'));
    return json({ cancelado: true, alterado: r.changed });
  });

  registerAdminMonitoring(app, deps);
  registerAdminNres(app, deps);
  registerAdminParticipants(app, deps);
  registerAdminSystems(app, deps);
  registerAdminOnboarding(app, deps);
  registerAdminCodeLists(app, deps);
  registerAdminCapabilities(app, deps);
  registerAdminCodeMappings(app, deps);
  registerAdminWebhooks(app, deps);
  // generated from the same zod schemas the services validate with
  const document = adminOpenApi();
  app.get('/openapi.json', (c) => {
    allow(c, READERS);
    return json(document);
  });
  return app;
}
