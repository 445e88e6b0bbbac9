import { createHash } from 'node:crypto';
import { fromBase64, toHex } from '../pki/encoding.ts';

/**
 * How a receipt is named to a person: the first 128 bits of the SHA-256 of its signature
 * (`hashDaAssinatura`, base64), in groups of 8 hex digits, as `elo send`, `elo receive` and the
 * demo print it. A fingerprint, not the signature: two receipts are told apart at a glance.
 */
export function impressaoDigitalDaAssinatura(hashDaAssinatura: string): string {
  const signature = fromBase64(hashDaAssinatura) ?? new TextEncoder().encode(hashDaAssinatura);
  return toHex(new Uint8Array(createHash('sha256').update(signature).digest()))
    .slice(0, 32)
    .replace(/(.{8})(?!$)/g, '$1:');
}
