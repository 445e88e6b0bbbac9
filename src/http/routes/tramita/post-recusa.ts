import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readJsonBody, requireStringFields } from '../../body.ts';
import { parsePositiveInt } from '../../wire.ts';

/** `POST tramites/{idt}/recusa` (spec §2.22). */
export function registerPostRecusa(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/tramites/:idt/recusa', async (c) => {
    const idt = parsePositiveInt(c.req.param('idt'), 'IDT');
    const body = requireStringFields((await readJsonBody(c, 1_048_576))?.value, ['motivo', 'justificativa'] as const);
    await deps.services.lifecycle.refuse(c.get('caller'), idt, body);
    return c.body(null, 200);
  });
}
