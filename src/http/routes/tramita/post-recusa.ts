import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readJsonBody, SMALL_JSON_BYTES, requireStringFields } from '../../body.ts';
import { parsePositiveInt } from '../../wire.ts';

/** `POST tramites/{idt}/recusa` (spec §2.22). */
export function registerPostRecusa(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/tramites/:idt/recusa', async (c) => {
    const idt = parsePositiveInt(c.req.param('idt'), 'IDT');
    const value = (await readJsonBody(c, SMALL_JSON_BYTES))?.value;
    const { motivo } = requireStringFields(value, ['motivo'] as const);
    // spec §2.22: a rejected refusal leaves the trâmite stuck, so any justificativa is taken,
    // empty or absent included (cut at 1000 characters by the service).
    const j = (value as Record<string, unknown>).justificativa;
    await deps.services.lifecycle.refuse(c.get('caller'), idt, { motivo, justificativa: typeof j === 'string' ? j : j == null ? '' : String(j) });
    return c.body(null, 200);
  });
}
