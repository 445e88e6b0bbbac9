import { EloError } from '../../../domain/errors.ts';
import { readLimited } from '../../read-limited.ts';

/** Largest body the administration API takes (README "Limites"); 50 000 NRE rows fit well below it. */
export const MAX_HOLDINGS_BYTES = 10 * 1_048_576;

export async function bodyText(c: { req: { raw: Request; header(name: string): string | undefined } }): Promise<string> {
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

/** A file sent as the body (a unit tree: README "Árvore de unidades"), as bytes: its encoding is detected later. */
export async function bodyBytes(c: Parameters<typeof bodyText>[0], limit: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  const raw = declared > limit || !c.req.raw.body ? null : await readLimited(c.req.raw.body, limit);
  if (declared > limit || (c.req.raw.body && raw === null)) {
    throw new EloError('payload_too_large', `O arquivo excede o limite de ${limit / 1_048_576} MB desta operação; use o comando elo na máquina do hub.`);
  }
  return raw ?? new Uint8Array();
}

export async function optionalObject(c: Parameters<typeof bodyText>[0]): Promise<Record<string, unknown>> {
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
