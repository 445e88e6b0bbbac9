import type { Hono } from 'hono';
import { EloError } from '../../../domain/errors.ts';
import { validationFailed } from '../../../domain/tramita/index.ts';
import { parseHoldings } from '../../../services/nre-holdings.ts';
import type { AppDeps, AppEnv } from '../../env.ts';
import { readLimited } from '../../read-limited.ts';
import { json } from '../../wire.ts';

/** Largest holdings file the API takes (README "Limites"); 50 000 rows fit well below it. */
export const MAX_HOLDINGS_BYTES = 10 * 1_048_576;

async function bodyText(c: { req: { raw: Request; header(name: string): string | undefined } }): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  const raw = declared > MAX_HOLDINGS_BYTES || !c.req.raw.body ? null : await readLimited(c.req.raw.body, MAX_HOLDINGS_BYTES);
  if (declared > MAX_HOLDINGS_BYTES || (c.req.raw.body && raw === null)) {
    throw new EloError('payload_too_large', `O corpo da requisição excede o limite de ${MAX_HOLDINGS_BYTES / 1_048_576} MB; divida o arquivo.`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw ?? new Uint8Array());
  } catch {
    throw new EloError('malformed_json', 'O corpo da requisição não está em UTF-8 válido. Envie o arquivo codificado em UTF-8.');
  }
}

async function optionalObject(c: Parameters<typeof bodyText>[0]): Promise<Record<string, unknown>> {
  const text = (await bodyText(c)).trim();
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new EloError('malformed_json', 'O corpo da requisição deve ser um objeto JSON, por exemplo {"sistema": "sei-x", "motivo": "…"}.');
}

const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * NRE holdings (docs/ameacas.md, spec §4.1): import a migrating partner's NREs, see who an NRE
 * is bound to, release it or reassign it. Each change is an audit event (`GET /eventos?tipo=nre.…`).
 */
export function registerAdminNres(app: Hono<AppEnv>, deps: AppDeps): void {
  const service = deps.services.nreHoldings;

  /** Body: the SEI export as CSV (`nre;protocolo[;sistema]`) or JSON; `?sistema=` names the system for rows without one. */
  app.post('/nres/importacao', async (c) => {
    const rows = parseHoldings(await bodyText(c), c.req.query('sistema') || undefined);
    return json(await service.importHoldings(rows, c.get('operator')));
  });

  app.get('/nres/:nre', async (c) => json(await service.describe(c.req.param('nre'))));

  /** Body (optional): `{"motivo": "…"}`. */
  app.post('/nres/:nre/liberacao', async (c) => {
    const body = await optionalObject(c);
    return json({ liberado: true, ...(await service.release(c.req.param('nre'), c.get('operator'), text(body.motivo))) });
  });

  /** Body: `{"sistema": "…", "motivo": "…"}`. */
  app.post('/nres/:nre/reatribuicao', async (c) => {
    const body = await optionalObject(c);
    const sistema = text(body.sistema);
    if (!sistema) throw validationFailed({ path: 'sistema', message: 'é obrigatório' });
    return json({ reatribuido: true, sistema, ...(await service.reassign(c.req.param('nre'), sistema, c.get('operator'), text(body.motivo))) });
  });
}
