import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readUploadForm } from '../../upload-form.ts';
import { clip } from '../../../domain/bounded-text.ts';
import { validationError } from '../../wire.ts';

/**
 * `PUT …/componentes-a-enviar/partes/{ini}-{fim}` (spec §2.11): one half-open part of a
 * component, streamed aside; nothing is visible until the end signal.
 */
export function registerPutComponenteParte(app: Hono<AppEnv>, deps: AppDeps): void {
  app.put('/tickets-de-envio-de-componente/:ticket/protocolos/componentes-a-enviar/partes/:faixa{[0-9]+-[0-9]+}', async (c) => {
    const caller = c.get('caller');
    const [ini, fim] = c.req.param('faixa').split('-').map(Number) as [number, number];
    if (!Number.isSafeInteger(ini) || !Number.isSafeInteger(fim) || fim < ini)
      throw validationError('faixa', `deve ter a forma {ini}-{fim} com ini ≤ fim (recebido: "${clip(c.req.param('faixa') ?? '')}")`);
    // [ini, fim) is half-open (spec §2.11): an empty part carries nothing. A component of no
    // bytes is sent by its termination alone (§2.12), as SEI does: its loop over parts never runs.
    if (fim === ini)
      throw validationError(
        'faixa',
        `a parte ${ini}-${fim} não tem bytes (fim − ini = 0): envie a faixa [ini, fim) com os bytes que ela cobre; um componente de 0 bytes se envia só com a sinalização de término`,
      );
    const target = await deps.services.upload.openTicket(caller, c.req.param('ticket'));
    await deps.services.upload.admitPart(target, { ini, fim });
    // Read at most one byte more than the part claims: enough to tell it is too long.
    const form = await readUploadForm(c, deps, Math.min(fim - ini, target.maxSize) + 1);
    await deps.services.upload.acceptPart({ caller, target, range: { ini, fim }, ...form });
    return c.body(null, 200);
  });
}
