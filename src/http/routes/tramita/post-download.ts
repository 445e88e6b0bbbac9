import type { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../../env.ts';
import { clip } from '../../../domain/bounded-text.ts';
import { base64JsonStream } from '../../base64-stream.ts';
import { readJsonBody, SMALL_JSON_BYTES, requireStringFields } from '../../body.ts';
import { parsePositiveInt, validationError } from '../../wire.ts';

/**
 * `POST tramites/{idt}/protocolos/componentes-digitais` (whole, spec §2.18) and
 * `…/partes/{ini}-{fim}` (ranged, half-open, spec §2.19): base64 of the bytes as a JSON string.
 */
export function registerPostDownload(app: Hono<AppEnv>, deps: AppDeps): void {
  const handler = (ranged: boolean) => async (c: import('hono').Context<AppEnv>) => {
    const idt = parsePositiveInt(c.req.param('idt'), 'IDT');
    let range: { ini: number; fim: number } | null = null;
    if (ranged) {
      const m = /^(\d{1,15})-(\d{1,15})$/.exec(c.req.param('faixa') ?? '');
      if (!m) throw validationError('faixa', `deve ter a forma {ini}-{fim} (recebido: "${clip(c.req.param('faixa') ?? '')}")`);
      range = { ini: Number(m[1]), fim: Number(m[2]) };
    }
    const body = requireStringFields((await readJsonBody(c, SMALL_JSON_BYTES))?.value, ['hashDoComponenteDigital'] as const);
    const { stream } = await deps.services.delivery.download(c.get('caller'), idt, body.hashDoComponenteDigital, range);
    return new Response(base64JsonStream(stream), {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  };
  app.post('/tramites/:idt/protocolos/componentes-digitais', handler(false));
  app.post('/tramites/:idt/protocolos/componentes-digitais/partes/:faixa', handler(true));
}
