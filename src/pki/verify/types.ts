import type { X509Certificate, X509Crl } from '../x509.ts';

/** What the leaf certificate is being accepted for (RFC 5280 §4.2.1.3 and §4.2.1.12). */
export type CertPurpose = 'client' | 'server' | 'signing' | 'any';

/**
 * Stable refusal codes (snake_case). Never rename or reuse one: callers, logs and the
 * administration screens key on them.
 */
export type RefusalCode =
  | 'cert_expired'
  | 'cert_not_yet_valid'
  | 'cert_revoked'
  | 'crl_stale'
  | 'crl_missing'
  | 'crl_invalid'
  | 'crl_not_yet_valid'
  | 'chain_untrusted'
  | 'issuer_mismatch'
  | 'signature_invalid'
  | 'key_usage_missing'
  | 'ext_key_usage_missing'
  | 'not_a_ca'
  | 'weak_key'
  | 'weak_signature'
  | 'unsupported_algorithm'
  | 'path_len_exceeded'
  | 'self_signed_leaf'
  | 'unknown_critical_extension'
  | 'malformed_certificate'
  /** Path building reached its work limits (chain.ts PATH_BUILDING_LIMITS) without a path. */
  | 'chain_too_complex'
  /** The peer presented more certificates or bytes than PRESENTED_CHAIN_LIMITS allows. */
  | 'chain_too_large';

export interface CertSummary {
  /** RFC 4514 string, most specific RDN first (`CN=…,O=…,C=BR`). */
  subject: string;
  issuer: string;
  /** Upper-case hex of the serial number, no leading zero byte, no colons. */
  serial: string;
  /** SHA-256 of the DER encoding, lower-case hex, no colons. */
  fingerprint256: string;
  /** ISO-8601 UTC without milliseconds (`2026-01-01T00:00:00Z`). */
  notBefore: string;
  notAfter: string;
}

export interface PkiPolicy {
  /** Smallest accepted RSA modulus, in bits. */
  minRsaBits: number;
  /** SHA-1 signatures (RSA or ECDSA). MD2/MD4/MD5 are never accepted. */
  allowSha1: boolean;
  /** Accepted EC curves, WebCrypto names (`P-256`) or brainpool names (`brainpoolP256r1`). */
  allowedCurves: string[];
  /**
   * `if-crl-present`: a CRL whose issuer name matches is checked; `require`: every issuer below
   * the anchor needs one; `off`: CRLs are ignored.
   */
  revocation: 'off' | 'if-crl-present' | 'require';
  /** A CRL past its nextUpdate becomes a warning instead of a refusal. */
  staleCrlSoftFail: boolean;
}

export type CertInput = string | Uint8Array | X509Certificate;
export type CrlInput = string | Uint8Array | X509Crl;

export interface VerifyInput {
  /**
   * A PEM bundle is read as a full chain: the first certificate is the leaf, the others join
   * the intermediates.
   */
  leaf: CertInput;
  /** Any order, unrelated extras allowed. */
  intermediates?: CertInput[];
  /** Trust anchors: roots or intermediates; a path ends at the first anchor reached. */
  anchors: CertInput[];
  crls?: CrlInput[];
  /** The instant at which validity and CRL freshness are judged (the clock is never read). */
  at: Date;
  purpose: CertPurpose;
  policy?: Partial<PkiPolicy>;
}

export interface VerifyWarning {
  code: RefusalCode;
  message: string;
}

export type VerifyResult =
  | { valid: true; chain: CertSummary[]; warnings: VerifyWarning[] }
  | {
      valid: false;
      code: RefusalCode;
      message: string;
      chain: CertSummary[];
      certificate?: CertSummary;
    };

export const DEFAULT_POLICY: Readonly<PkiPolicy> = Object.freeze({
  minRsaBits: 2048,
  allowSha1: false,
  allowedCurves: [
    'P-256',
    'P-384',
    'P-521',
    'brainpoolP256r1',
    'brainpoolP384r1',
    'brainpoolP512r1',
  ],
  revocation: 'if-crl-present',
  staleCrlSoftFail: false,
});
