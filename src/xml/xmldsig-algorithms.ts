import type { SignerAlgorithm } from '../pki/signer.ts';
import { toBase64 } from '../pki/encoding.ts';
import { X509Certificate } from '../pki/x509.ts';
import { fromBase64 } from '../pki/encoding.ts';

/**
 * The only XMLDSig algorithms Elo writes or accepts (issue 11, items 2–3): enveloped signature
 * over the whole document, exclusive c14n without comments (inclusive c14n disagrees with xmlsec1
 * when an ancestor carries xml:lang/xml:space: NOTES-ecosystem "XML signatures"), SHA-256
 * digests, RSA-SHA256 or ECDSA-SHA256 on P-256.
 */
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const RSA_SHA256_URI = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
/** RFC 4051 §2.3.6; the SignatureValue is r||s, each padded to the curve's 32 bytes. */
export const ECDSA_SHA256_URI = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';

export const algorithmUri: Record<SignerAlgorithm, string> = {
  'rsa-sha256': RSA_SHA256_URI,
  'ecdsa-p256-sha256': ECDSA_SHA256_URI,
};

export const algorithmByUri: Record<string, SignerAlgorithm | undefined> = {
  [RSA_SHA256_URI]: 'rsa-sha256',
  [ECDSA_SHA256_URI]: 'ecdsa-p256-sha256',
};

const importParams: Record<SignerAlgorithm, RsaHashedImportParams | EcKeyImportParams> = {
  'rsa-sha256': { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  'ecdsa-p256-sha256': { name: 'ECDSA', namedCurve: 'P-256' },
};

export const verifyParams: Record<SignerAlgorithm, AlgorithmIdentifier | EcdsaParams> = {
  'rsa-sha256': { name: 'RSASSA-PKCS1-v1_5' },
  'ecdsa-p256-sha256': { name: 'ECDSA', hash: 'SHA-256' },
};

/** Which of Elo's algorithms a WebCrypto public key can verify, or undefined (other curve, other type). */
export function algorithmOfKey(key: CryptoKey): SignerAlgorithm | undefined {
  const a = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>;
  if (a.name === 'RSASSA-PKCS1-v1_5' && (a.hash as { name?: string } | undefined)?.name === 'SHA-256') return 'rsa-sha256';
  if (a.name === 'ECDSA' && a.namedCurve === 'P-256') return 'ecdsa-p256-sha256';
  return undefined;
}

/** Which of Elo's algorithms a certificate's key is for, read from its SubjectPublicKeyInfo. */
export function algorithmOfCertificate(cert: X509Certificate): SignerAlgorithm | undefined {
  const a = cert.publicKey.algorithm as Partial<EcKeyAlgorithm> & { name?: string };
  if (a.name === 'RSASSA-PKCS1-v1_5' || a.name === 'RSA-PSS' || a.name === 'RSA-OAEP') return 'rsa-sha256';
  if (a.name === 'ECDSA' || a.name === 'ECDH') return a.namedCurve === 'P-256' ? 'ecdsa-p256-sha256' : undefined;
  return undefined;
}

/**
 * Imported verification keys, by the certificate's DER: a hub verifies the same few senders and
 * its own chain over and over, and importing an RSA key costs about as much as verifying with it.
 * Bounded, oldest out first, so a stream of distinct certificates cannot grow it.
 */
const keyCache = new Map<string, Promise<CryptoKey>>();
const KEY_CACHE_SIZE = 256;

export function verificationKey(cert: X509Certificate, algorithm: SignerAlgorithm): Promise<CryptoKey> {
  const id = `${algorithm}:${toBase64(new Uint8Array(cert.rawData))}`;
  let key = keyCache.get(id);
  if (key === undefined) {
    key = cert.publicKey.export(importParams[algorithm], ['verify']);
    key.catch(() => keyCache.delete(id));
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(id, key);
  }
  return key;
}

/**
 * Certificates read from KeyInfo, by their base64 text: parsing one costs several milliseconds
 * (ASN.1 in JavaScript), more than verifying a small package, and the same chains come back on
 * every document. Bounded like the key cache; undefined for text that is not a certificate.
 */
const certificateCache = new Map<string, X509Certificate>();

export function parseCertificate(base64: string): X509Certificate | undefined {
  const b64 = base64.replace(/\s+/g, '');
  const hit = certificateCache.get(b64);
  if (hit) return hit;
  const der = fromBase64(b64);
  if (!der) return undefined;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    return undefined;
  }
  if (certificateCache.size >= KEY_CACHE_SIZE) certificateCache.delete(certificateCache.keys().next().value!);
  certificateCache.set(b64, cert);
  return cert;
}
