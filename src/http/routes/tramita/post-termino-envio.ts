import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readJsonBody, SMALL_JSON_BYTES } from '../../body.ts';

/** `POST …/componentes-a-enviar/partes/sinalizacao-termino-envio` (spec §2.12). */
export function registerPostTerminoEnvio(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/tickets-de-envio-de-componente/:ticket/protocolos/componentes-a-enviar/partes/sinalizacao-termino-envio', async (c) => {
    const caller = c.get('caller');
    const target = await deps.services.upload.openTicket(caller, c.req.param('ticket'));
    const body = ((await readJsonBody(c, SMALL_JSON_BYTES))?.value ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    await deps.services.upload.endPartedUpload({
      caller,
      target,
      hash: str(body.hashDoComponenteDigital) ?? c.req.query('hashDoComponenteDigital'),
      protocolo: str(body.protocolo) ?? c.req.query('protocolo'),
    });
    return c.body(null, 200);
  });
}
