/**
 * Finds where each top-level member's value of a JSON object lies in the exact bytes received,
 * so that Elo relays what a sender sent without re-rendering it (ARCHITECTURE "Byte stability")
 * and can stream it from storage later. It scans UTF-8 bytes directly: every structural
 * character of JSON is ASCII, and no byte of a multi-byte UTF-8 sequence is below 0x80, so byte
 * offsets come out right for any text. The input must already be valid JSON (it was parsed).
 *
 * @example memberSpans(utf8('{"a": {"b": 1}}')).get('a') // { ini: 6, fim: 14 }
 */
export interface Span {
  ini: number;
  fim: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isWs = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export function memberSpans(bytes: Uint8Array, within: Span = { ini: 0, fim: bytes.length }): Map<string, Span> {
  const out = new Map<string, Span>();
  const end = within.fim;
  let i = skipWs(bytes, within.ini, end);
  if (bytes[i] !== 0x7b /* { */) return out;
  i++;
  for (;;) {
    i = skipWs(bytes, i, end);
    if (i >= end || bytes[i] === 0x7d /* } */) return out;
    const keyEnd = endOfString(bytes, i, end);
    const key = JSON.parse(new TextDecoder().decode(bytes.subarray(i, keyEnd))) as string;
    i = skipWs(bytes, keyEnd, end);
    i = skipWs(bytes, i + 1, end); // ':'
    const valueEnd = endOfValue(bytes, i, end);
    out.set(key, { ini: i, fim: valueEnd }); // a repeated key: the last wins, as in JSON.parse
    i = skipWs(bytes, valueEnd, end);
    if (bytes[i] === 0x2c /* , */) i++;
    else return out;
  }
}

function skipWs(b: Uint8Array, i: number, end: number): number {
  while (i < end && isWs(b[i])) i++;
  return i;
}

function endOfString(b: Uint8Array, i: number, end: number): number {
  for (let j = i + 1; j < end; j++) {
    if (b[j] === BACKSLASH) j++;
    else if (b[j] === QUOTE) return j + 1;
  }
  return end;
}

function endOfValue(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c === QUOTE) return endOfString(b, i, end);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const d = b[j];
      if (d === QUOTE) j = endOfString(b, j, end) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return end;
  }
  let j = i;
  while (j < end && !isWs(b[j]) && b[j] !== 0x2c && b[j] !== 0x7d && b[j] !== 0x5d) j++;
  return j;
}
