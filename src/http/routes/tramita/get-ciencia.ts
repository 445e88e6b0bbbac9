import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { parsePositiveInt } from '../../wire.ts';

/** `GET tramites/{idt}/ciencia` (spec §2.23): a GET with a side effect, 8 → 9. */
export function registerGetCiencia(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/tramites/:idt/ciencia', async (c) => {
    await deps.services.lifecycle.acknowledge(c.get('caller'), parsePositiveInt(c.req.param('idt'), 'IDT'));
    return c.body(null, 200);
  });
}
