import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readJsonBody, SMALL_JSON_BYTES, requireStringFields } from '../../body.ts';
import { parsePositiveInt } from '../../wire.ts';

/** `POST tramites/{idt}/recibo` (spec §2.20): the receiver's signed completion receipt. */
export function registerPostRecibo(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/tramites/:idt/recibo', async (c) => {
    const idt = parsePositiveInt(c.req.param('idt'), 'IDT');
    const receipts = deps.services.receipts;
    let body: { dataDeRecebimento: string; hashDaAssinatura: string };
    try {
      body = requireStringFields((await readJsonBody(c, SMALL_JSON_BYTES))?.value, ['dataDeRecebimento', 'hashDaAssinatura'] as const);
    } catch (e) {
      // a malformed body is refused like any other receipt error, so it is alerted too (spec §2.20)
      await receipts.receiptRejected(c.get('caller'), idt, e);
      throw e;
    }
    await receipts.postCompletionReceipt(c.get('caller'), idt, body);
    return c.body(null, 200);
  });
}
