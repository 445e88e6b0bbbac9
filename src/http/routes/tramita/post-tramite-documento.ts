import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readJsonBody } from '../../body.ts';
import { json } from '../../wire.ts';

/** `POST tramites/documento` (spec §2.9): a documento avulso to one or more destinatários. */
export function registerPostTramiteDocumento(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/tramites/documento', async (c) => {
    const body = await readJsonBody(c, deps.services.limits.maxJsonBytes);
    const started = await deps.services.start.startDocumento({
      caller: c.get('caller'),
      rawBody: body?.raw ?? new Uint8Array(),
      body: body?.value,
    });
    return json({
      ticketParaEnvioDeComponentesDigitais: started.ticket,
      tramites: started.tramites.map((t) => ({
        IDT: t.idt,
        NRE: t.nre,
        dataHoraDeRegistroDoTramite: t.createdAt,
        destinatario: { identificacaoDoRepositorioDeEstruturas: t.destinatario.repositoryId, numeroDeIdentificacaoDaEstrutura: t.destinatario.numero },
      })),
      componentesDigitaisSolicitados: started.solicitados,
    });
  });
}
