import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { parsePositiveInt } from '../../wire.ts';

/** `DELETE tramites/{idt}` (spec §2.24): the sender cancels, 1–4 → 7. */
export function registerDeleteTramite(app: Hono<AppEnv>, deps: AppDeps): void {
  app.delete('/tramites/:idt{[0-9]+}', async (c) => {
    await deps.services.lifecycle.cancel(c.get('caller'), parsePositiveInt(c.req.param('idt'), 'IDT'));
    return c.body(null, 200);
  });
}
