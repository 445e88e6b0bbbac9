import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { parsePositiveInt } from '../../wire.ts';

/** `GET tramites/{idt}` (spec §2.16): the package as sent, in its envelope. */
export function registerGetTramite(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/tramites/:idt{[0-9]+}', async (c) => {
    const body = await deps.services.delivery.metadata(c.get('caller'), parsePositiveInt(c.req.param('idt'), 'IDT'));
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
  });
}
