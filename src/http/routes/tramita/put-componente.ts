import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readUploadForm } from '../../upload-form.ts';

/**
 * `PUT tickets-de-envio-de-componente/{ticket}/protocolos/componentes-a-enviar` (spec §2.10):
 * the whole component; kept only if it matches the metadata.
 */
export function registerPutComponente(app: Hono<AppEnv>, deps: AppDeps): void {
  app.put('/tickets-de-envio-de-componente/:ticket/protocolos/componentes-a-enviar', async (c) => {
    const caller = c.get('caller');
    const target = await deps.services.upload.openTicket(caller, c.req.param('ticket'));
    await deps.services.upload.admitWhole(target);
    const form = await readUploadForm(c, deps, target.maxSize);
    await deps.services.upload.acceptComponent({ caller, target, ...form });
    return c.body(null, 200);
  });
}
