import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readStartBody } from '../../body.ts';
import type { LargeBodyGate } from '../../large-body-gate.ts';
import { json } from '../../wire.ts';
import { INLINE_START_BODY_BYTES } from '../../../domain/tramita/index.ts';

/** `POST tramites/documento` (spec §2.9): a documento avulso to one or more destinatários. */
export function registerPostTramiteDocumento(app: Hono<AppEnv>, deps: AppDeps, gate: LargeBodyGate): void {
  app.post('/tramites/documento', async (c) => {
    const { raw, done } = await readStartBody(c, { limit: deps.services.limits.maxJsonBytes, smallBytes: INLINE_START_BODY_BYTES, gate, reason: deps.services.limits.maxJsonReason });
    let started;
    try {
      started = await deps.services.start.startDocumento({ caller: c.get('caller'), rawBody: raw });
    } finally {
      done();
    }
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
