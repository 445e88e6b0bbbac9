/**
 * In-process test PKI for unit tests: certificates and CRLs made with @peculiar/x509 and
 * WebCrypto (ECDSA P-256, so key generation costs nothing). The differential corpus, made with
 * the openssl command line, lives in certs/corpus/.
 */
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
  X509CrlGenerator,
  type Extension,
  type X509Certificate,
  type X509Crl,
  type X509CrlReason,
} from '../../src/pki/x509.ts';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface TestCert {
  cert: X509Certificate;
  keys: CryptoKeyPair;
}

export const newKeys = (): Promise<CryptoKeyPair> =>
  globalThis.crypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

let serialCounter = 0x1000;

/**
 * @peculiar/x509 encodes a name string in the order written, while RFC 4514 strings list the
 * most specific RDN first: reverse, so `CN=x,O=y,C=BR` is encoded C, O, CN as CAs do.
 */
const derOrder = (rfc4514: string): string => rfc4514.split(',').reverse().join(',');

export interface CertOptions {
  /** RFC 4514 order: `CN=…,O=…,C=BR`. */
  subject: string;
  /** Omitted: self-signed. */
  issuer?: TestCert;
  keys?: CryptoKeyPair;
  /** true/false: basicConstraints CA flag; null: no basicConstraints at all. Default: false. */
  ca?: boolean | null;
  pathLength?: number;
  /** null: no keyUsage. Default: keyCertSign|cRLSign for CAs, digitalSignature for leaves. */
  keyUsage?: KeyUsageFlags | null;
  eku?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Default true. */
  authorityKeyId?: boolean;
  hash?: 'SHA-256' | 'SHA-384' | 'SHA-1';
  extra?: Extension[];
}

export const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export async function makeCert(o: CertOptions): Promise<TestCert> {
  const keys = o.keys ?? (await newKeys());
  const signer = o.issuer ?? { keys, cert: undefined };
  const ca = o.ca === undefined ? false : o.ca;
  const extensions: Extension[] = [];
  if (ca !== null) extensions.push(new BasicConstraintsExtension(ca, o.pathLength, true));
  const keyUsage =
    o.keyUsage === undefined
      ? ca
        ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign
        : KeyUsageFlags.digitalSignature
      : o.keyUsage;
  if (keyUsage !== null) extensions.push(new KeyUsagesExtension(keyUsage, true));
  if (o.eku) extensions.push(new ExtendedKeyUsageExtension(o.eku));
  extensions.push(await SubjectKeyIdentifierExtension.create(keys.publicKey));
  if (o.authorityKeyId !== false) {
    extensions.push(await AuthorityKeyIdentifierExtension.create(signer.keys.publicKey));
  }
  extensions.push(...(o.extra ?? []));
  const cert = await X509CertificateGenerator.create({
    serialNumber: (serialCounter++).toString(16).padStart(6, '0'),
    subject: derOrder(o.subject),
    issuer: o.issuer ? o.issuer.cert.subjectName : derOrder(o.subject),
    notBefore: o.notBefore ?? new Date('2025-01-01T00:00:00Z'),
    notAfter: o.notAfter ?? new Date('2030-01-01T00:00:00Z'),
    publicKey: keys.publicKey,
    signingKey: signer.keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: o.hash ?? 'SHA-256' } as EcdsaParams,
    extensions,
  });
  return { cert, keys };
}

export interface CrlOptions {
  issuer: TestCert;
  /** Signs with these keys instead of the issuer's (a forged CRL). */
  signingKeys?: CryptoKeyPair;
  thisUpdate?: Date;
  nextUpdate?: Date;
  revoked?: { cert: X509Certificate; date?: Date; reason?: X509CrlReason }[];
}

export async function makeCrl(o: CrlOptions): Promise<X509Crl> {
  const keys = o.signingKeys ?? o.issuer.keys;
  return X509CrlGenerator.create({
    issuer: o.issuer.cert.subjectName,
    thisUpdate: o.thisUpdate ?? new Date('2026-01-01T00:00:00Z'),
    nextUpdate: o.nextUpdate ?? new Date('2026-02-01T00:00:00Z'),
    entries: (o.revoked ?? []).map((r) => ({
      serialNumber: r.cert.serialNumber,
      revocationDate: r.date ?? new Date('2025-10-01T00:00:00Z'),
      ...(r.reason === undefined ? {} : { reason: r.reason }),
    })),
    extensions: [await AuthorityKeyIdentifierExtension.create(keys.publicKey)],
    signingKey: keys.privateKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  });
}

/** Root → intermediate → client leaf, the shape most tests start from. */
export async function federation(): Promise<{ root: TestCert; int: TestCert; leaf: TestCert }> {
  const root = await makeCert({ subject: 'CN=Raiz de Teste,O=Federacao,C=BR', ca: true });
  const int = await makeCert({
    subject: 'CN=AC de Teste,O=Federacao,C=BR',
    issuer: root,
    ca: true,
    pathLength: 0,
  });
  const leaf = await makeCert({
    subject: 'CN=sei.teste.gov.br,O=Prefeitura,C=BR',
    issuer: int,
    eku: [CLIENT_AUTH],
  });
  return { root, int, leaf };
}

/** Inside every test PKI window (2025-01-01 … 2030-01-01) and inside the default CRL window. */
export const AT = new Date('2026-01-15T12:00:00Z');

/**
 * The chain-flood shape: two CA names whose keys certify each other, `k` certificates
 * "N1 issued by N2" and `k` "N2 issued by N1" (every link verifies, distinct serials), and a
 * leaf with a made-up key issued by N1. No certificate chains to any real anchor; a path builder
 * that explores every ordering meets about k!² paths.
 */
export async function pingPongChain(
  k: number,
  o: { notBefore?: Date; notAfter?: Date; leafSubject?: string } = {},
): Promise<{ leaf: TestCert; pool: X509Certificate[] }> {
  const dates = { notBefore: o.notBefore, notAfter: o.notAfter };
  const keys1 = await newKeys();
  const keys2 = await newKeys();
  const n1 = 'CN=AC Espelho Um,C=BR';
  const n2 = 'CN=AC Espelho Dois,C=BR';
  const self2 = await makeCert({ subject: n2, keys: keys2, ca: true, ...dates });
  const self1 = await makeCert({ subject: n1, keys: keys1, ca: true, ...dates });
  const pool: X509Certificate[] = [];
  for (let i = 0; i < k; i++) {
    pool.push((await makeCert({ subject: n1, keys: keys1, issuer: self2, ca: true, ...dates })).cert);
    pool.push((await makeCert({ subject: n2, keys: keys2, issuer: self1, ca: true, ...dates })).cert);
  }
  const leaf = await makeCert({
    subject: o.leafSubject ?? 'CN=cliente-inventado,C=BR',
    issuer: self1,
    eku: [CLIENT_AUTH],
    ...dates,
  });
  return { leaf, pool };
}
