import type { Context } from 'hono';
import { EloError } from '../domain/errors.ts';
import { readLimited } from './read-limited.ts';

/**
 * Reads a JSON body up to `limit` bytes, keeping the exact bytes (they are relayed as received,
 * ARCHITECTURE "Byte stability"). An empty body declared as JSON is no body (spec §1.5.1).
 */
export async function readJsonBody(c: Context, limit: number): Promise<{ raw: Uint8Array; value: unknown } | null> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit);
  const body = c.req.raw.body;
  if (!body) return null;
  const raw = await readLimited(body, limit);
  if (raw === null) throw tooLarge(limit);
  if (raw.byteLength === 0) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
  } catch {
    throw new EloError('malformed_json', 'O corpo da requisição não está em UTF-8 válido. Envie o JSON codificado em UTF-8.');
  }
  try {
    return { raw, value: JSON.parse(text) };
  } catch (e) {
    throw new EloError(
      'malformed_json',
      `O corpo da requisição não é um JSON válido (${e instanceof Error ? e.message : 'erro de sintaxe'}). Corrija o JSON e envie de novo.`,
    );
  }
}

const tooLarge = (limit: number) =>
  new EloError(
    'payload_too_large',
    `O corpo da requisição excede o limite de ${Math.floor(limit / 1_048_576)} MB para JSON neste hub.`,
  );

/** The body as a JSON object with string fields, or a 0001 naming the missing field. */
export function requireStringFields<K extends string>(value: unknown, fields: readonly K[]): Record<K, string> {
  const issues: string[] = [];
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  if (!obj) issues.push('- o corpo da requisição deve ser um objeto JSON');
  else
    for (const f of fields) {
      if (obj[f] === undefined || obj[f] === null) issues.push(`- ${f} é obrigatório`);
      else if (typeof obj[f] !== 'string') issues.push(`- ${f} deve ser um texto`);
      else if ((obj[f] as string).length === 0) issues.push(`- ${f} não pode ser vazio`);
    }
  if (issues.length)
    throw new EloError('validation_failed', `Os seguintes erros de validação de campos foram identificados: ${issues.join(' ')}`);
  return obj as Record<K, string>;
}
