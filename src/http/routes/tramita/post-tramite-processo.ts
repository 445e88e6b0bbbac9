import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readJsonBody } from '../../body.ts';
import { json } from '../../wire.ts';

/** `POST tramites/processo` (spec §2.8). */
export function registerPostTramiteProcesso(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/tramites/processo', async (c) => {
    const body = await readJsonBody(c, deps.services.limits.maxJsonBytes);
    const started = await deps.services.start.startProcesso({
      caller: c.get('caller'),
      rawBody: body?.raw ?? new Uint8Array(),
      body: body?.value,
    });
    const t = started.tramite;
    return json({
      IDT: t.idt,
      NRE: t.nre,
      ticketParaEnvioDeComponentesDigitais: t.ticket,
      dataHoraDeRegistroDoTramite: t.createdAt,
      processosComComponentesDigitaisSolicitados: started.solicitados,
    });
  });
}
