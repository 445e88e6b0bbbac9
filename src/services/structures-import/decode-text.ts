/**
 * The text of a file as Brazilian offices save it: UTF-8 (with or without the BOM Excel writes)
 * or Windows-1252, which Excel uses for "CSV (separado por vírgulas)" here. UTF-8 is tried first
 * and strictly (Windows-1252 accents next to letters are not valid UTF-8 sequences, so a
 * Windows-1252 file of names practically never passes as UTF-8); otherwise the bytes are read as Windows-1252, refused when they hold a byte
 * that encoding leaves undefined (then the file is neither, and the line is named).
 */
export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'windows-1252';

/** Bytes Windows-1252 does not define (WHATWG maps them to C1 controls, never typed by a person). */
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

export function decodeText(bytes: Uint8Array): { ok: true; text: string; encoding: TextEncodingName } | { ok: false; line: number; message: string } {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: bom ? 'utf-8-bom' : 'utf-8' };
  } catch {
    // not UTF-8: Windows-1252, if every byte means something there
  }
  let line = 1;
  for (const b of body) {
    if (b === 0x0a) line++;
    else if (UNDEFINED_1252.has(b))
      return {
        ok: false,
        line,
        message: `linha ${line}: o arquivo não está em UTF-8 nem em Windows-1252 (byte 0x${b.toString(16).toUpperCase()}). Salve-o como "CSV UTF-8" e envie de novo.`,
      };
  }
  return { ok: true, text: new TextDecoder('windows-1252').decode(body), encoding: 'windows-1252' };
}
