import { X509Certificate, type X509Crl } from '../x509.ts';
import {
  BROKEN_HASHES,
  keyInfo,
  signatureAlgorithmInfo,
  type SignatureAlgorithmInfo,
} from './algorithms.ts';
import { isBrainpoolCurve, verifyBrainpoolEcdsa } from './brainpool.ts';
import { spkiKeyBits, splitSigned } from './der.ts';

export type SignatureCheck =
  | { status: 'valid' }
  | { status: 'invalid' }
  /** Neither proven nor disproven: a broken hash (MD5) or an algorithm WebCrypto lacks. */
  | { status: 'unverifiable'; reason: 'broken_hash' | 'unsupported' };

/** Curves WebCrypto verifies natively (W3C Web Cryptography API §23). */
const WEBCRYPTO_CURVES = new Set(['P-256', 'P-384', 'P-521']);
const WEBCRYPTO_HASHES = new Set(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);

const kindOf = (signed: X509Certificate | X509Crl): 'certificate' | 'crl' =>
  signed instanceof X509Certificate ? 'certificate' : 'crl';

const infoCache = new WeakMap<X509Certificate | X509Crl, SignatureAlgorithmInfo | null>();

/** The signature algorithm of a certificate or CRL, read from its outer AlgorithmIdentifier. */
export function signatureInfoOf(signed: X509Certificate | X509Crl): SignatureAlgorithmInfo | null {
  if (infoCache.has(signed)) return infoCache.get(signed) ?? null;
  const parts = splitSigned(new Uint8Array(signed.rawData), kindOf(signed));
  let web: { hash?: unknown } | undefined;
  try {
    web = signed.signatureAlgorithm as { hash?: unknown };
  } catch {
    web = undefined;
  }
  const info = parts ? signatureAlgorithmInfo(parts.signatureOid, web) : null;
  infoCache.set(signed, info);
  return info;
}

/**
 * Checks that `signed` (a certificate or a CRL) was signed with the key of `issuer`, through
 * WebCrypto (`globalThis.crypto.subtle`), or the brainpool verifier for those curves.
 *
 * @example
 * const check = await verifySignedBy(leaf, intermediate);
 * if (check.status !== 'valid') …
 */
export async function verifySignedBy(
  signed: X509Certificate | X509Crl,
  issuer: X509Certificate,
): Promise<SignatureCheck> {
  const parts = splitSigned(new Uint8Array(signed.rawData), kindOf(signed));
  const info = signatureInfoOf(signed);
  if (!parts || !info) return { status: 'invalid' };
  if (info.hash && BROKEN_HASHES.has(info.hash))
    return { status: 'unverifiable', reason: 'broken_hash' };
  if (info.family === 'unknown' || info.family === 'dsa') {
    return { status: 'unverifiable', reason: 'unsupported' };
  }
  if (info.hash && !WEBCRYPTO_HASHES.has(info.hash)) {
    return { status: 'unverifiable', reason: 'unsupported' };
  }
  const key = keyInfo(issuer);
  if (key.kind === 'ec' && key.curve && isBrainpoolCurve(key.curve)) {
    if (info.family !== 'ecdsa' || !info.hash) return { status: 'invalid' };
    const point = spkiKeyBits(new Uint8Array(issuer.publicKey.rawData));
    if (!point) return { status: 'invalid' };
    const digest = new Uint8Array(
      await globalThis.crypto.subtle.digest(info.hash, new Uint8Array(parts.tbs)),
    );
    return verifyBrainpoolEcdsa(key.curve, digest, parts.signature, point)
      ? { status: 'valid' }
      : { status: 'invalid' };
  }
  if (key.kind === 'ec' && (!key.curve || !WEBCRYPTO_CURVES.has(key.curve))) {
    return { status: 'unverifiable', reason: 'unsupported' };
  }
  if (key.kind === 'other' && key.name !== 'Ed25519' && key.name !== 'Ed448') {
    return { status: 'unverifiable', reason: 'unsupported' };
  }
  try {
    // Pass the issuer's PublicKey, not the certificate: X509Crl.verify({publicKey: cert}) mixes the
    // certificate's own signature algorithm into the key import (an EC CA signed by an RSA root
    // then never verifies its CRLs) — @peculiar/x509 2.2.0.
    const ok =
      signed instanceof X509Certificate
        ? await signed.verify(
            { publicKey: issuer.publicKey, signatureOnly: true },
            globalThis.crypto,
          )
        : await signed.verify({ publicKey: issuer.publicKey }, globalThis.crypto);
    return ok ? { status: 'valid' } : { status: 'invalid' };
  } catch {
    return { status: 'invalid' };
  }
}
