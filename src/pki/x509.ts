/**
 * The one place that loads @peculiar/x509 (it needs reflect-metadata first) and binds it to the
 * platform's WebCrypto, so pki/ runs unchanged on Node and on Workers. Everything else imports
 * the library from here (test/one-of-each.test.ts holds it so).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { toHex } from './encoding.ts';
import { sha256 } from './sha256.ts';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
export {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
  X509Crl,
  X509CrlGenerator,
  X509CrlReason,
  type Extension,
} from '@peculiar/x509';

export const RSA_SHA256: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/** SHA-256 of the DER, lower-case hex without separators (the registry key, spec §1.4). */
export const fingerprint256 = (cert: x509.X509Certificate): string => toHex(sha256(new Uint8Array(cert.rawData)));
