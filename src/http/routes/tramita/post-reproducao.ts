import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readJsonBody, SMALL_JSON_BYTES } from '../../body.ts';
import { json, normaliseStructureId, parsePositiveInt, validationError } from '../../wire.ts';

/** `POST NREs/{nre}/destinatarios/{rep}/{estrutura}/reproducoes-de-tramite` (spec §2.25). Body `[]`. */
export function registerPostReproducao(app: Hono<AppEnv>, deps: AppDeps): void {
  app.post('/NREs/:nre/destinatarios/:rep/:estrutura/reproducoes-de-tramite', async (c) => {
    const nre = c.req.param('nre');
    if (!/^\d{16}$/.test(nre)) throw validationError('NRE', 'deve ter 16 dígitos');
    const rep = parsePositiveInt(c.req.param('rep'), 'identificacaoDoRepositorioDeEstruturas');
    const numero = normaliseStructureId(c.req.param('estrutura'));
    if (!numero) throw validationError('numeroDeIdentificacaoDaEstrutura', 'deve ser uma sequência de dígitos');
    // The body carries nothing (`[]`, or none at all), but a truncated or oversized one is a broken
    // request: it is refused like on every other JSON route, before a trâmite is created.
    await readJsonBody(c, SMALL_JSON_BYTES);
    const { tramite: t, solicitados } = await deps.services.replay.replay(c.get('caller'), nre, { repositoryId: rep, numero });
    return json({
      tramiteDeProcessoCriado: {
        IDT: t.idt,
        NRE: t.nre,
        ticketParaEnvioDeComponentesDigitais: t.ticket,
        dataHoraDeRegistroDoTramite: t.createdAt,
        processosComComponentesDigitaisSolicitados: solicitados,
      },
    });
  });
}
