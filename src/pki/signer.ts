import { readCertificates } from './verify/parse.ts';
import { RSA_SHA256, type X509Certificate } from './x509.ts';

/**
 * The Signer port (ARCHITECTURE "Keys behind a Signer port"; STYLE: X-Road's isolated signer):
 * callers hand over bytes and get a signature back; keys never leave the signer, so an HSM or a
 * KMS can replace the file-backed one.
 */
export interface Signer {
  /** RSA PKCS#1 v1.5 with SHA-256 (spec §7.3); ECDSA P-256 with SHA-256, raw r||s, when `algorithm` says so. */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Signing certificate and its intermediates, PEM, leaf first (spec §7.3). */
  readonly chainPem: string;
  /** What `sign` produces; absent means RSA-SHA256 (every receipt signer). */
  readonly algorithm?: SignerAlgorithm;
}

/**
 * `ecdsa-p256-sha256` is for sender-signed packages (issue 11: systems may sign with P-256 keys);
 * the signature is IEEE P1363 r||s, which is both what WebCrypto produces and what XMLDSig's
 * ecdsa-sha256 SignatureValue holds (RFC 4051 §3.3).
 */
export type SignerAlgorithm = 'rsa-sha256' | 'ecdsa-p256-sha256';

export const ECDSA_P256_SHA256: EcdsaParams & EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** A Signer over an ECDSA P-256 private key (WebCrypto); the key stays inside. */
export function ecdsaCryptoKeySigner(privateKey: CryptoKey, chainPem: string): Signer {
  return {
    chainPem,
    algorithm: 'ecdsa-p256-sha256',
    async sign(data) {
      return new Uint8Array(await globalThis.crypto.subtle.sign(ECDSA_P256_SHA256, privateKey, data as Uint8Array<ArrayBuffer>));
    },
  };
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

/**
 * Verifies RSA-SHA256 signatures by a certificate given as PEM, parsing the certificate and
 * importing its key once per PEM (up to `max` remembered): a system signs every completion
 * receipt with one of its few certificates, and reading one cost more than the verification.
 * A PEM that is not a certificate with a usable RSA key verifies nothing.
 */
export function pemSignatureVerifier(max = 1_000) {
  const keys = new Map<string, Promise<CryptoKey | null>>();
  const keyOf = (pem: string) => {
    let key = keys.get(pem);
    if (!key) {
      if (keys.size >= max) keys.clear();
      const read = readCertificates(pem);
      const leaf = read.ok ? read.value[0] : undefined;
      key = leaf ? leaf.publicKey.export(RSA_SHA256, ['verify']).catch(() => null) : Promise.resolve(null);
      keys.set(pem, key);
    }
    return key;
  };
  return async (pem: string, data: Uint8Array, signature: Uint8Array): Promise<boolean> => {
    const key = await keyOf(pem);
    if (!key) return false;
    try {
      return await globalThis.crypto.subtle.verify(RSA_SHA256, key, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
    } catch {
      return false;
    }
  };
}
