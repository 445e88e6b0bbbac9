/**
 * Bytes written as text: hex, base64 (RFC 4648 §4) and PEM (RFC 7468). The one place Elo encodes
 * and decodes them, on `atob`/`btoa` so pki/ stays runtime-portable (no `Buffer`, no `node:*`).
 */
import { err, ok, type Result } from '../domain/result.ts';

/**
 * Lower-case hex without separators (fingerprints, token hashes, serials).
 *
 * @example toHex(new Uint8Array([0, 171])) // '00ab'
 */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/**
 * Standard base64 with padding.
 *
 * @example toBase64(new TextEncoder().encode('Elo')) // 'RWxv'
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // in slices: spreading a large array into fromCharCode overflows the call stack
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Strict standard base64: padded to a multiple of 4, no whitespace, no URL alphabet; `null` for
 * anything else, so a sloppy value is refused instead of silently read as other bytes.
 *
 * @example fromBase64('RWxv') // Uint8Array [69, 108, 111]; fromBase64('RWx') // null
 */
/** Base64url without padding (RFC 4648 §5): tokens that travel in headers and URLs. */
export const toBase64Url = (bytes: Uint8Array): string => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * One PEM block as RFC 7468 §2 writes it: base64 in lines of 64, `-----BEGIN <label>-----`.
 *
 * @example toPem('CERTIFICATE', new Uint8Array(cert.rawData))
 */
export const toPem = (label: string, der: ArrayBuffer | Uint8Array): string => {
  const b64 = toBase64(der instanceof Uint8Array ? der : new Uint8Array(der));
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
};

export interface PemBlock {
  label: string;
  der: Uint8Array<ArrayBuffer>;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Every PEM block of a text (RFC 7468), whatever its label, in text order. Headers (RFC 1421)
 * are skipped; a block whose body is not base64 is an error naming it (Portuguese).
 *
 * @example
 * const blocks = pemBlocks(bundle);
 * if (blocks.ok) blocks.value.filter((b) => b.label === 'CERTIFICATE');
 */
export function pemBlocks(text: string): Result<PemBlock[], string> {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1] ?? '';
    const body = (match[2] ?? '').replace(/^[A-Za-z-]+:.*$/gm, '');
    const der = fromBase64(body.replace(/\s/g, ''));
    if (!der) return err(`o bloco PEM "${label}" nº ${blocks.length + 1} não contém base64 válido`);
    blocks.push({ label, der });
  }
  return ok(blocks);
}

/**
 * The DER of the first `label` block; throws when there is none (for files Elo wrote itself).
 *
 * @example fromPem(await readFile('chave.pem', 'utf8'), 'PRIVATE KEY')
 */
export const fromPem = (pem: string, label: string): Uint8Array<ArrayBuffer> => {
  const blocks = pemBlocks(pem);
  const block = blocks.ok ? blocks.value.find((b) => b.label === label) : undefined;
  if (!block) throw new TypeError(`no ${label} block in PEM`);
  return block.der;
};
