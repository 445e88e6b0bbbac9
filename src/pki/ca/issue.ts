import type { Ambiente } from '../../domain/environment.ts';
import { fromPem, toHex, toPem } from '../encoding.ts';
import { RSA_SHA256, x509 } from '../x509.ts';

/**
 * Issuing side of the federation PKI: a root, and leaf certificates for systems (clientAuth),
 * for the hub's TLS (serverAuth) and for the hub's signatures. Profiles follow RFC 5280 §4.2.
 */
export type LeafPurpose = 'client' | 'server' | 'signing';

export interface Issuer {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
}

const DAY = 86_400_000;

/**
 * Names are written as people read them, most specific first (`CN=…, O=…`, RFC 4514), but
 * encoded root first as CAs do (RFC 5280 §4.1.2.4); @peculiar/x509 encodes in the order
 * written, so reverse.
 */
export const encodedName = (rfc4514: string): string =>
  rfc4514
    .split(/,(?=\s*[A-Za-z]+=)/)
    .map((s) => s.trim())
    .reverse()
    .join(', ');

/** Random positive 128-bit serial (RFC 5280 §4.1.2.2: ≤ 20 octets, positive). */
export function randomSerial(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return toHex(bytes);
}

export async function generateRsaKeys(modulusLength = 2048): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey({ ...RSA_SHA256, modulusLength }, true, ['sign', 'verify']);
}

/**
 * @example const root = await createRootCa({ name: 'CN=Elo AC Raiz de Desenvolvimento', at: new Date() })
 */
export async function createRootCa(p: { name: string; at: Date; days?: number; keys?: CryptoKeyPair }): Promise<Issuer> {
  const keys = p.keys ?? (await generateRsaKeys());
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: encodedName(p.name),
    notBefore: new Date(p.at.getTime() - 60_000),
    notAfter: new Date(p.at.getTime() + (p.days ?? 3650) * DAY),
    signingAlgorithm: RSA_SHA256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, privateKey: keys.privateKey };
}

/** An intermediate CA under `issuer`, path length 0: it issues leaves only. */
export async function createIntermediateCa(p: { issuer: Issuer; name: string; at: Date; days?: number }): Promise<Issuer> {
  const keys = await generateRsaKeys();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: encodedName(p.name),
    issuer: p.issuer.certificate.subjectName,
    notBefore: new Date(p.at.getTime() - 60_000),
    notAfter: new Date(p.at.getTime() + (p.days ?? 1825) * DAY),
    signingAlgorithm: RSA_SHA256,
    publicKey: keys.publicKey,
    signingKey: p.issuer.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(p.issuer.certificate.publicKey),
    ],
  });
  return { certificate, privateKey: keys.privateKey };
}

export interface IssueLeafParams {
  issuer: Issuer;
  subject: string;
  publicKey: CryptoKey;
  purpose: LeafPurpose;
  at: Date;
  days?: number;
  /** DNS names and IP addresses for server certificates. */
  dnsNames?: string[];
  /** The environment the certificate serves, written as the subject's OU (domain/environment.ts). */
  environment?: Ambiente;
  ipAddresses?: string[];
}

export async function issueLeaf(p: IssueLeafParams): Promise<x509.X509Certificate> {
  const usage =
    p.purpose === 'signing'
      ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation
      : p.purpose === 'server'
        ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
        : x509.KeyUsageFlags.digitalSignature;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    await x509.SubjectKeyIdentifierExtension.create(p.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(p.issuer.certificate.publicKey),
  ];
  if (p.purpose === 'client') extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]));
  if (p.purpose === 'server') {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
    const names = [
      ...(p.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(p.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  }
  return x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: encodedName(p.environment ? `${p.subject}, OU=${p.environment}` : p.subject),
    issuer: p.issuer.certificate.subjectName,
    notBefore: new Date(p.at.getTime() - 60_000),
    notAfter: new Date(p.at.getTime() + (p.days ?? 825) * DAY),
    signingAlgorithm: RSA_SHA256,
    publicKey: p.publicKey,
    signingKey: p.issuer.privateKey,
    extensions,
  });
}

export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  return toPem('PRIVATE KEY', await globalThis.crypto.subtle.exportKey('pkcs8', key));
}

export async function importRsaPrivateKeyPem(pem: string): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey('pkcs8', fromPem(pem, 'PRIVATE KEY'), RSA_SHA256, true, ['sign']);
}
