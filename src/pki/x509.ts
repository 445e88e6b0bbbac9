/**
 * One place that loads @peculiar/x509 (it needs reflect-metadata first) and binds it to the
 * platform's WebCrypto, so pki/ runs unchanged on Node and on Workers.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };

export const RSA_SHA256: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

/** SHA-256 of the DER, lower-case hex without separators (the registry key, spec §1.4). */
export async function fingerprint256(cert: x509.X509Certificate): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', cert.rawData);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const toPem = (label: string, der: ArrayBuffer | Uint8Array): string => {
  const bytes = der instanceof Uint8Array ? der : new Uint8Array(der);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  const b64 = btoa(bin);
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
};

export const fromPem = (pem: string, label: string): Uint8Array => {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!m) throw new TypeError(`no ${label} block in PEM`);
  const bin = atob(m[1]!.replace(/\s+/g, ''));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

/** Every certificate in a PEM bundle, in file order. */
export const certificatesInPem = (pem: string): x509.X509Certificate[] =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map(
    (m) => new x509.X509Certificate(m[0]),
  );
