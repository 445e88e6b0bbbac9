import { RSA_SHA256, type X509Certificate } from './x509.ts';

/**
 * The Signer port (ARCHITECTURE "Keys behind a Signer port"; STYLE: X-Road's isolated signer):
 * callers hand over bytes and get a signature back; keys never leave the signer, so an HSM or a
 * KMS can replace the file-backed one.
 */
export interface Signer {
  /** RSA PKCS#1 v1.5 with SHA-256 (spec §7.3). */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Signing certificate and its intermediates, PEM, leaf first (spec §7.3). */
  readonly chainPem: string;
}

export function cryptoKeySigner(privateKey: CryptoKey, chainPem: string): Signer {
  return {
    chainPem,
    async sign(data) {
      return new Uint8Array(await globalThis.crypto.subtle.sign(RSA_SHA256, privateKey, data as Uint8Array<ArrayBuffer>));
    },
  };
}

/** Verifies an RSA PKCS#1 v1.5 SHA-256 signature with a certificate's public key. */
export async function verifyRsaSha256(
  cert: X509Certificate,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const key = await cert.publicKey.export(RSA_SHA256, ['verify']);
    return await globalThis.crypto.subtle.verify(RSA_SHA256, key, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
  } catch {
    return false; // not an RSA key, or an unusable one: not a valid receipt signature either way
  }
}
