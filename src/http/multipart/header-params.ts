/** A header value split into its leading value (lower-cased) and its parameters. */
export interface ParameterizedValue {
  value: string;
  /** Parameter names lower-cased (RFC 2045 §5.1: they are case-insensitive); values as sent. */
  params: Map<string, string>;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * Parses `value; name=token; name="quoted \"string\""` as in Content-Type (RFC 2045 §5.1) and
 * Content-Disposition (RFC 7578 §4.2, RFC 6266 §4.1). Quoted strings keep their inner spaces and
 * lose their backslash escapes; unquoted values run to the next `;` and are trimmed. Parameters
 * without `=` are ignored. Returns undefined for an unterminated quoted string, text after a
 * closing quote, an empty parameter name or a repeated parameter: an ambiguous header must not
 * be read one way here and another way by the sender's proxy.
 */
export function parseParameterizedValue(input: string): ParameterizedValue | undefined {
  const firstSemicolon = input.indexOf(';');
  const value = (firstSemicolon < 0 ? input : input.slice(0, firstSemicolon)).trim().toLowerCase();
  const params = new Map<string, string>();
  const length = input.length;
  let pos = firstSemicolon < 0 ? length : firstSemicolon;
  while (pos < length) {
    pos++; // the ';'
    while (isSpace(input[pos])) pos++;
    const nameStart = pos;
    while (pos < length && input[pos] !== '=' && input[pos] !== ';') pos++;
    const name = input.slice(nameStart, pos).trim().toLowerCase();
    if (pos >= length || input[pos] === ';') {
      // An empty segment (`;;`, trailing `;`) or a flag without a value: nothing to record.
      continue;
    }
    pos++; // the '='
    while (isSpace(input[pos])) pos++;
    let paramValue: string;
    if (input[pos] === '"') {
      pos++;
      let text = '';
      let closed = false;
      while (pos < length) {
        const c = input[pos]!;
        if (c === '\\' && pos + 1 < length) {
          text += input[pos + 1];
          pos += 2;
        } else if (c === '"') {
          closed = true;
          pos++;
          break;
        } else {
          text += c;
          pos++;
        }
      }
      if (!closed) return undefined;
      while (isSpace(input[pos])) pos++;
      if (pos < length && input[pos] !== ';') return undefined;
      paramValue = text;
    } else {
      const valueStart = pos;
      while (pos < length && input[pos] !== ';') pos++;
      paramValue = input.slice(valueStart, pos).trim();
    }
    if (name === '' || params.has(name)) return undefined;
    params.set(name, paramValue);
  }
  return { value, params };
}

/**
 * Decodes an RFC 8187 ext-value (`UTF-8''na%C3%AFve.txt`), as used by `filename*`. Only UTF-8
 * and ISO-8859-1 are accepted (RFC 8187 §3.2.1 requires no others); anything else, a bad
 * percent escape or a byte sequence invalid in its charset gives undefined.
 */
export function decodeExtValue(input: string): string | undefined {
  const match = /^([A-Za-z0-9!#$%&+^_`{}~-]+)'[^']*'(.*)$/.exec(input);
  if (match === null) return undefined;
  const charset = match[1]!.toLowerCase();
  const encoded = match[2]!;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const code = encoded.charCodeAt(i);
    if (code === 0x25 /* % */) {
      const hex = encoded.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (code > 0x20 && code < 0x7f) {
      bytes.push(code);
    } else {
      return undefined;
    }
  }
  if (charset === 'utf-8') return decodeUtf8(Uint8Array.from(bytes));
  if (charset === 'iso-8859-1') return decodeLatin1(Uint8Array.from(bytes));
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, or undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** ISO-8859-1 text: each byte is the code point of the same value. */
export function decodeLatin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return text;
}
