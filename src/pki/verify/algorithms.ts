import type { X509Certificate } from '../x509.ts';

export type HashName =
  'MD2' | 'MD4' | 'MD5' | 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface SignatureAlgorithmInfo {
  oid: string;
  /** Name people know (`sha256WithRSAEncryption`, `ecdsa-with-SHA384`). */
  label: string;
  family: 'rsa' | 'rsa-pss' | 'ecdsa' | 'eddsa' | 'dsa' | 'unknown';
  /** null for EdDSA (hash built in) and unknown algorithms. */
  hash: HashName | null;
}

/** RFC 3279, RFC 4055, RFC 5758, RFC 8410 signature algorithm identifiers. */
const SIGNATURE_ALGORITHMS: Record<string, Omit<SignatureAlgorithmInfo, 'oid'>> = {
  '1.2.840.113549.1.1.2': { label: 'md2WithRSAEncryption', family: 'rsa', hash: 'MD2' },
  '1.2.840.113549.1.1.3': { label: 'md4WithRSAEncryption', family: 'rsa', hash: 'MD4' },
  '1.2.840.113549.1.1.4': { label: 'md5WithRSAEncryption', family: 'rsa', hash: 'MD5' },
  '1.2.840.113549.1.1.5': { label: 'sha1WithRSAEncryption', family: 'rsa', hash: 'SHA-1' },
  '1.2.840.113549.1.1.14': { label: 'sha224WithRSAEncryption', family: 'rsa', hash: 'SHA-224' },
  '1.2.840.113549.1.1.11': { label: 'sha256WithRSAEncryption', family: 'rsa', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { label: 'sha384WithRSAEncryption', family: 'rsa', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { label: 'sha512WithRSAEncryption', family: 'rsa', hash: 'SHA-512' },
  '1.2.840.113549.1.1.10': { label: 'RSASSA-PSS', family: 'rsa-pss', hash: null },
  '1.2.840.10045.4.1': { label: 'ecdsa-with-SHA1', family: 'ecdsa', hash: 'SHA-1' },
  '1.2.840.10045.4.3.1': { label: 'ecdsa-with-SHA224', family: 'ecdsa', hash: 'SHA-224' },
  '1.2.840.10045.4.3.2': { label: 'ecdsa-with-SHA256', family: 'ecdsa', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { label: 'ecdsa-with-SHA384', family: 'ecdsa', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { label: 'ecdsa-with-SHA512', family: 'ecdsa', hash: 'SHA-512' },
  '1.2.840.10040.4.3': { label: 'dsa-with-SHA1', family: 'dsa', hash: 'SHA-1' },
  '2.16.840.1.101.3.4.3.2': { label: 'dsa-with-SHA256', family: 'dsa', hash: 'SHA-256' },
  '1.3.101.112': { label: 'Ed25519', family: 'eddsa', hash: null },
  '1.3.101.113': { label: 'Ed448', family: 'eddsa', hash: null },
};

const PSS_HASHES: Record<string, HashName> = {
  'SHA-1': 'SHA-1',
  'SHA-256': 'SHA-256',
  'SHA-384': 'SHA-384',
  'SHA-512': 'SHA-512',
};

/**
 * @param oid the outer signatureAlgorithm OID (RFC 5280 §4.1.1.2)
 * @param webAlgorithm what @peculiar/x509 decoded, used for RSASSA-PSS whose hash sits in the
 *   parameters (RFC 4055 §3.1)
 */
export function signatureAlgorithmInfo(
  oid: string,
  webAlgorithm?: { hash?: unknown } | undefined,
): SignatureAlgorithmInfo {
  const known = Object.hasOwn(SIGNATURE_ALGORITHMS, oid) ? SIGNATURE_ALGORITHMS[oid] : undefined;
  if (!known) return { oid, label: oid, family: 'unknown', hash: null };
  if (known.family !== 'rsa-pss') return { oid, ...known };
  const hash = webAlgorithm?.hash;
  const hashText =
    typeof hash === 'string'
      ? hash
      : typeof hash === 'object' && hash !== null && 'name' in hash && typeof hash.name === 'string'
        ? hash.name
        : 'SHA-1'; // RFC 4055 §3.1 default when the parameters omit the hash
  const hashName = PSS_HASHES[hashText.toUpperCase()] ?? null;
  return {
    oid,
    ...known,
    label: `RSASSA-PSS (${hashName ?? 'hash desconhecido'})`,
    hash: hashName,
  };
}

/** Hashes broken for signatures (collisions): never accepted, whatever the policy. */
export const BROKEN_HASHES: ReadonlySet<HashName> = new Set(['MD2', 'MD4', 'MD5']);

export type KeyInfo =
  | { kind: 'rsa'; bits: number }
  | { kind: 'ec'; curve: string | null }
  | { kind: 'other'; name: string };

/** Key type and strength of a certificate's subject public key. */
export function keyInfo(cert: X509Certificate): KeyInfo {
  let algorithm: Algorithm & { modulusLength?: number; namedCurve?: string };
  try {
    algorithm = cert.publicKey.algorithm;
  } catch {
    return { kind: 'other', name: 'desconhecido' };
  }
  const name = String(algorithm?.name ?? '').toUpperCase();
  if (name === 'RSASSA-PKCS1-V1_5' || name === 'RSA-PSS' || name === 'RSA-OAEP') {
    return { kind: 'rsa', bits: algorithm.modulusLength ?? 0 };
  }
  if (name === 'ECDSA' || name === 'ECDH') {
    return {
      kind: 'ec',
      curve: typeof algorithm.namedCurve === 'string' ? algorithm.namedCurve : null,
    };
  }
  return { kind: 'other', name: String(algorithm?.name ?? 'desconhecido') };
}

export const describeKey = (key: KeyInfo): string =>
  key.kind === 'rsa'
    ? `RSA de ${key.bits} bits`
    : key.kind === 'ec'
      ? `EC na curva ${key.curve ?? 'com parâmetros explícitos'}`
      : key.name;
