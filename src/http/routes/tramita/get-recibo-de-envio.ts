import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { json, parsePositiveInt } from '../../wire.ts';

/** `GET tramites/{idt}/recibo-de-envio` (spec §2.13, §7.3). Redundant `?IDT=` is ignored. */
export function registerGetReciboDeEnvio(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/tramites/:idt/recibo-de-envio', async (c) => {
    const { idt, nre, receipt } = await deps.services.receipts.sendReceipt(c.get('caller'), parsePositiveInt(c.req.param('idt'), 'IDT'));
    return json({
      reciboDeEnvio: {
        IDT: idt,
        NRE: nre,
        dataDeRecebimentoDoUltimoComponenteDigital: receipt.dataDeRecebimentoDoUltimoComponenteDigital,
        hashesDosComponentesDigitais: receipt.hashes,
      },
      cadeiaDoCertificado: receipt.chainPem,
      hashDaAssinatura: receipt.hashDaAssinatura,
    });
  });
}
