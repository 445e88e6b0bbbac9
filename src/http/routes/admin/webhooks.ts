import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json } from '../../wire.ts';
import { optionalObject } from './body.ts';
import { scopeOf } from './capabilities.ts';
import { allow, READERS } from './roles.ts';

/**
 * Push notifications (README "Notificações por webhook"): a system's webhook URL, and the dead
 * letters (notifications not delivered after every attempt) with their replay. Roles as the other
 * system routes: admin any system, participante its own, monitor reads.
 */
export function registerAdminWebhooks(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.webhooks;

  app.get('/sistemas/:id/webhook', async (c) => {
    const who = allow(c, READERS);
    return json(await service.get(c.req.param('id'), scopeOf(who)));
  });

  /** Body: `{url: "https://…"}` sets it (checked against SSRF), `{url: null}` removes it. */
  app.put('/sistemas/:id/webhook', async (c) => {
    const who = allow(c, ['admin', 'participante']);
    return json(await service.set(c.req.param('id'), await optionalObject(c), c.get('operator'), scopeOf(who)));
  });

  app.get('/webhooks/mortos', async (c) => {
    const who = allow(c, READERS);
    return json({ mortos: await service.deadLetters(who) });
  });

  app.post('/webhooks/mortos/:id/reenvio', async (c) => {
    const who = allow(c, ['admin', 'participante']);
    return json({ reenviado: true, notificacao: await service.replay(c.req.param('id'), who) });
  });
}
