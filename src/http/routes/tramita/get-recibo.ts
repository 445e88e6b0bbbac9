import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parsePositiveInt } from '../../wire.ts';

/** `GET tramites/{idt}/recibo` (spec §2.21): the receiver's receipt, verbatim, for the sender. */
export function registerGetRecibo(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/tramites/:idt/recibo', async (c) => {
    const { idt, nre, receipt } = await deps.services.receipts.completionReceipt(
      c.get('caller'),
      parsePositiveInt(c.req.param('idt'), 'IDT'),
    );
    return json({
      recibo: { IDT: idt, NRE: nre, dataDeRecebimento: receipt.dataDeRecebimento, hashesDosComponentesDigitais: receipt.hashes },
      cadeiaDoCertificado: receipt.signerChainPem,
      hashDaAssinatura: receipt.hashDaAssinatura,
    });
  });
}
