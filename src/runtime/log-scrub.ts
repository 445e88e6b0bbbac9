/** Keys whose values never reach a log line, whatever event carries them. */
const SECRET_KEY = /^(authorization|token|tokens|senha|password|segredo|secret|chave(privada)?|privatekey|pem|certificadopem|cpf|conteudo|documento)$/i;
/** A PEM block (certificate or key) or a bearer credential inside any string. */
const PEM = /-{5}BEGIN [A-Z0-9 ]+-{5}[\s\S]*?(?:-{5}END [A-Z0-9 ]+-{5}|$)/g;
const BEARER = /\bBearer\s+\S+/gi;
/** A punctuated CPF inside free text (a bare CPF is caught by its key, `cpf`). */
const CPF = /\b\d{3}\.\d{3}\.\d{3}-\d{2}\b/g;

/**
 * Scrubs what must never be logged (tokens, PEM, CPF, document content) from an event's data,
 * wherever a future event might put it: values under secret-looking keys are replaced, PEM
 * blocks, bearer credentials and CPFs inside strings are masked. Depth and width are bounded.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(PEM, '[pem omitido]').replace(BEARER, 'Bearer [omitido]').replace(CPF, '[cpf omitido]');
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[omitido: profundo demais]';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 100)) out[k] = SECRET_KEY.test(k) ? '[omitido]' : scrub(v, depth + 1);
  return out;
}
