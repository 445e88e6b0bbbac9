import { brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 } from '@noble/curves/misc.js';

/**
 * ECDSA verification on the brainpool curves (RFC 5639), which WebCrypto does not offer and which
 * ICP-Brasil allows, through @noble/curves (audited; RFC 5639 §3.4, §3.6, §3.7 parameters).
 */
export const BRAINPOOL_CURVES = {
  brainpoolP256r1,
  brainpoolP384r1,
  brainpoolP512r1,
} as const;

export type BrainpoolCurve = keyof typeof BRAINPOOL_CURVES;

export const isBrainpoolCurve = (name: string): name is BrainpoolCurve =>
  Object.hasOwn(BRAINPOOL_CURVES, name);

/**
 * SEC 1 §4.1.4 ECDSA verification.
 *
 * @param digest the message hash, already computed (WebCrypto); truncated to the order's bit
 *   length as SEC 1 says, so SHA-512 over P-256 works as OpenSSL does
 * @param signatureDer ECDSA-Sig-Value (RFC 3279 §2.2.3) in strict DER: BER leniencies (long-form
 *   short lengths, padded integers, trailing bytes) are refused
 * @param publicPoint the subjectPublicKey octets (SEC 1 §2.3.4 point encoding, checked on-curve)
 */
export function verifyBrainpoolEcdsa(
  curveName: string,
  digest: Uint8Array,
  signatureDer: Uint8Array,
  publicPoint: Uint8Array,
): boolean {
  if (!isBrainpoolCurve(curveName)) return false;
  try {
    // X.509 signatures are not normalised to low S (that is a Bitcoin rule): accept both halves.
    return BRAINPOOL_CURVES[curveName].verify(signatureDer, digest, publicPoint, {
      prehash: false,
      lowS: false,
      format: 'der',
    });
  } catch {
    return false;
  }
}
