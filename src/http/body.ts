import type { Context } from 'hono';
import { jsonSyntaxProblem } from '../domain/json-syntax.ts';
import { EloError } from '../domain/errors.ts';
import { validationFailed, type ValidationIssue } from '../domain/tramita/index.ts';
import type { LargeBodyGate } from './large-body-gate.ts';
import { readLimited } from './read-limited.ts';

/**
 * Limit of the small JSON bodies (recibo, recusa, download, término de envio): a few fields,
 * the longest a justificativa SEI cuts at 1000 characters or a signature of some hundreds.
 * 64 KB leaves room for any of them and keeps their parse, done on the event loop, to about a
 * millisecond even for the costliest JSON (1 MB of `[{},{},…]` took some 50 ms).
 */
export const SMALL_JSON_BYTES = 65_536;

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
  // RFC 8259 §8.1: no byte order mark on the wire; refused as start bodies refuse it.
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf)
    throw new EloError('malformed_json', 'O corpo da requisição começa com a marca de ordem de bytes (BOM) do UTF-8, que o JSON transmitido não pode ter (RFC 8259 §8.1). Envie o JSON sem o BOM.');
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
      `O corpo da requisição não é um JSON válido (${jsonSyntaxProblem(e)}). Corrija o JSON e envie de novo.`,
    );
  }
}

/**
 * Reads the exact bytes of a start body (spec §2.8, §2.9), up to `limit`, leaving the JSON to
 * the start service (analysed off the event loop when large). A body that is not announced as
 * small (Content-Length up to `smallBytes`; a body without Content-Length counts as large)
 * first waits for its turn at `gate`, before a byte of it is read, so waiting bodies are not
 * held in memory; when the waiting line is full it is refused with 503. The caller runs its
 * work and then calls `done`, which gives the turn to the next body.
 */
export async function readStartBody(
  c: Context,
  opts: { limit: number; smallBytes: number; gate: LargeBodyGate; reason?: string | undefined },
): Promise<{ raw: Uint8Array; done: () => void }> {
  const header = c.req.header('content-length');
  const declared = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  if (declared !== undefined && declared > opts.limit) throw tooLarge(opts.limit, opts.reason);
  let done = () => {};
  if (declared === undefined || declared > opts.smallBytes) {
    const turn = opts.gate.enter();
    if (!turn)
      throw new EloError(
        'large_body_busy',
        'O hub está recebendo outros pacotes grandes agora e não pode receber este. Tente novamente em alguns minutos.',
      );
    done = await turn;
  }
  try {
    const body = c.req.raw.body;
    const raw = body ? await readLimited(body, opts.limit, declared) : new Uint8Array();
    if (raw === null) throw tooLarge(opts.limit, opts.reason);
    return { raw, done };
  } catch (e) {
    done();
    throw e;
  }
}

const tooLarge = (limit: number, reason?: string) =>
  new EloError(
    'payload_too_large',
    limit >= 1_048_576
      ? `O corpo da requisição excede o limite de ${Math.floor(limit / 1_048_576)} MB para JSON neste hub.${reason ? ` ${reason}` : ''}`
      : `O corpo da requisição excede o limite de ${Math.floor(limit / 1024)} KB para JSON nesta operação.`,
  );

/** The body as a JSON object with string fields, or a 0001 naming the missing field. */
export function requireStringFields<K extends string>(value: unknown, fields: readonly K[]): Record<K, string> {
  const issues: ValidationIssue[] = [];
  const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  if (!obj) issues.push({ path: '', message: 'o corpo da requisição deve ser um objeto JSON' });
  else
    for (const f of fields) {
      if (obj[f] === undefined || obj[f] === null) issues.push({ path: f, message: 'é obrigatório' });
      else if (typeof obj[f] !== 'string') issues.push({ path: f, message: 'deve ser um texto' });
      else if ((obj[f] as string).length === 0) issues.push({ path: f, message: 'não pode ser vazio' });
    }
  if (issues.length) throw validationFailed(issues);
  return obj as Record<K, string>;
}
