import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readJsonBody, SMALL_JSON_BYTES, requireStringFields } from '../../body.ts';
import { parsePositiveInt } from '../../wire.ts';

/** `POST tramites/{idt}/recibo` (spec §2.20): the receiver's signed completion receipt. */
export function registerPostRecibo(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/tramites/:idt/recibo', async (c) => {
    const idt = parsePositiveInt(c.req.param('idt'), 'IDT');
    const body = requireStringFields((await readJsonBody(c, SMALL_JSON_BYTES))?.value, ['dataDeRecebimento', 'hashDaAssinatura'] as const);
    await deps.services.receipts.postCompletionReceipt(c.get('caller'), idt, body);
    return c.body(null, 200);
  });
}
