import type { Hono } from 'hono';
import { EloError } from '../../../domain/errors.ts';
import { INLINE_START_BODY_BYTES } from '../../../domain/tramita/index.ts';
import { readStartBody } from '../../body.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import type { LargeBodyGate } from '../../large-body-gate.ts';
import { json, parsePositiveInt, startedTramite } from '../../wire.ts';

/**
 * Trâmites started with a package signed by the sending system (issue 11 item 3; README "Pacotes
 * assinados na face nativa"). After the start, the trâmite is an ordinary one: components go up
 * through the Tramita face's ticket endpoints (`PUT tickets-de-envio-de-componente/{ticket}/…`),
 * pendências, metadata, downloads and receipts are the Tramita face's, and a recipient on either
 * face receives it.
 */
export function registerNativeTramites(app: Hono<AppEnv>, deps: AppDeps, gate: LargeBodyGate): void {
  const service = deps.services.signedStart;

  /**
   * Body: the package XML (`urn:elo:pacote:1`, docs/pacote-xml.md) with one enveloped XMLDSig
   * signature by the caller's own certificate. Bounded first (the start-body limit, taking its
   * turn at `gate` when large), then guarded, verified and read in xml/signed-package.ts.
   */
  app.post('/tramites', async (c) => {
    const limit = deps.services.limits.maxJsonBytes;
    let read;
    try {
      read = await readStartBody(c, { limit, smallBytes: INLINE_START_BODY_BYTES, gate });
    } catch (e) {
      if (e instanceof EloError && e.code === 'payload_too_large')
        throw new EloError('payload_too_large', `O pacote assinado excede o limite de ${Math.floor(limit / 1_048_576)} MB deste hub. Divida o processo ou envie os documentos em trâmites separados.`);
      throw e;
    }
    let started;
    try {
      started = await service.start({ caller: c.get('caller'), body: read.raw });
    } finally {
      read.done();
    }
    return json({
      ...startedTramite(started.tramite),
      ...(started.tipo === 'processo'
        ? { processosComComponentesDigitaisSolicitados: started.solicitados }
        : { componentesDigitaisSolicitados: started.solicitados }),
    });
  });

  /** The sender's signed package exactly as received, for the sender and the recipient system. */
  app.get('/tramites/:idt/pacote-assinado', async (c) => {
    const bytes = await service.signedPackage(c.get('caller'), parsePositiveInt(c.req.param('idt'), 'IDT'));
    return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-type': 'application/xml', 'content-length': String(bytes.byteLength) } });
  });
}
