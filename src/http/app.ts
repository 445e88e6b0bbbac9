import { Hono } from 'hono';
import { EloError, isEloError } from '../domain/errors.ts';
import type { Caller } from '../domain/identity.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { renderError } from './errors.ts';
import { requestId } from './middleware/request-id.ts';
import { observeRequests, registerOps } from './routes/ops.ts';
import { routedPath } from './routed-path.ts';
import { adminFace } from './routes/admin/index.ts';
import { dashboardFace } from './dashboard/index.tsx';
import { onboardingFace } from './routes/native/onboarding.ts';
import { nativeFace } from './routes/native/index.ts';
import { largeBodyGate } from './large-body-gate.ts';
import { longPollFace, tramitaFace } from './routes/tramita/index.ts';
import { z } from 'zod';

// Messages of a schema without its own (a missing field, a wrong type) reach people verbatim
// (spec §1.5.7): they are Portuguese like every other refusal, never zod's English default.
z.config(z.locales.ptBR());

export const TRAMITA_BASES = ['/interoperabilidade/rest/v3', '/interoperabilidade/rest/v4'] as const;
export const LONG_POLL_PATH = '/interoperabilidade/pendencias';
export { routedPath };

/**
 * Which faces one listener serves: all of them (one port), the transfer faces only (the main
 * port when an internal listener exists), or the internal ones only (administration API and
 * dashboard on `ELO_ADMIN_PORT`, so they can stay on an internal network).
 */
export type FaceSet = 'all' | 'transfer' | 'internal';

/** The whole HTTP surface of Elo, runtime-independent (ARCHITECTURE "http/"). */
export function createApp(deps: AppDeps, faces: FaceSet = 'all'): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ getPath: routedPath });
  app.use('*', requestId(() => deps.services.newId()));
  app.use('*', observeRequests(deps));
  app.use('*', async function markDefaultFace(c, next) {
    c.set('face', [...TRAMITA_BASES, LONG_POLL_PATH].some((b) => c.req.path.startsWith(b)) ? 'tramita' : 'other');
    await next();
  });
  app.get('/healthz', (c) => c.json({ status: 'ok', hub: deps.hubName ?? 'Elo' }));
  registerOps(app, deps);
  // CRLs of the federation CA at a stable path, open like any CRL distribution point (RFC 5280 §4.2.1.13).
  app.get('/pki/:name{[a-z-]+\\.crl}', async (c) => {
    const bytes = await deps.publishedCrl?.(c.req.param('name'));
    if (!bytes) throw new EloError('not_found', `Lista de certificados revogados ${c.req.param('name')} não publicada.`);
    return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/x-pem-file', 'cache-control': 'max-age=3600' } });
  });
  // one large start body at a time per hub, whichever route it comes by (spec §1.5.9)
  const gate = largeBodyGate({ maxWaiting: deps.services.limits.maxJsonWaiting });
  if (faces !== 'internal') {
    const tramita = tramitaFace(deps, gate);
    for (const base of TRAMITA_BASES) app.route(base, tramita);
    app.route(LONG_POLL_PATH, longPollFace(deps));
  }
  if (faces !== 'transfer') {
    app.route('/admin/api', adminFace(deps));
    app.route('/monitor', dashboardFace(deps));
  }
  if (faces !== 'internal') {
    app.route('/api/v1/adesao', onboardingFace(deps));
    app.route('/api/v1', nativeFace(deps, gate));
  }
  app.notFound((c) =>
    renderError(
      c,
      new EloError('not_found', `Recurso não encontrado: ${c.req.method} ${c.req.path}. Confira o endereço configurado no sistema.`),
    ),
  );
  app.onError(async (e, c) => {
    // A refused request of a system (or a refused certificate) is kept for its administrator
    // (README "Monitorando"): most such failures (0001, 0047, 0044) never got an IDT to search by.
    // Only here, on the error path: the happy path pays nothing.
    if (isEloError(e)) {
      const caller = c.get('caller') as Caller | undefined;
      if (caller || e.code === 'certificate_refused' || e.code === 'participant_inactive')
        await deps.services.monitoring.recordRefusal({
          systemId: caller?.system.id ?? null,
          method: c.req.method,
          path: c.req.path,
          error: { code: e.code, codigoErro: e.codigoErro, status: e.status, mensagem: e.mensagem, ...(e.details ? { details: e.details } : {}) },
        });
    }
    return renderError(c, e, deps.services.log);
  });
  return app;
}
