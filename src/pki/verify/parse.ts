import { X509Certificate, X509Crl } from '../x509.ts';
import { EloError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { pemBlocks } from '../encoding.ts';
import type { CertInput, CrlInput } from './types.ts';

const isPem = (text: string): boolean => text.includes('-----BEGIN ');

/**
 * Parses eagerly every field the verifier reads, so a malformed certificate is reported where it
 * is loaded instead of surfacing as an exception in the middle of the chain building.
 */
function parseCertificateDer(der: BufferSource | string): Result<X509Certificate, string> {
  try {
    const cert = new X509Certificate(der);
    void cert.subjectName.toJSON();
    void cert.issuerName.toJSON();
    void cert.serialNumber;
    void cert.notBefore.getTime();
    void cert.notAfter.getTime();
    void cert.extensions;
    void cert.signature;
    return ok(cert);
  } catch {
    // The library's own text is English; people get a Portuguese reason.
    return err('o conteúdo não pôde ser decodificado como certificado X.509 (DER/ASN.1 inválido)');
  }
}

function parseCrlDer(der: BufferSource | string): Result<X509Crl, string> {
  try {
    const crl = new X509Crl(der);
    void crl.issuerName.toJSON();
    void crl.thisUpdate.getTime();
    void crl.nextUpdate;
    void crl.extensions;
    return ok(crl);
  } catch {
    return err('o conteúdo não pôde ser decodificado como LCR X.509 (DER/ASN.1 inválido)');
  }
}

/**
 * A certificate file's content, PEM (one or several certificates) or DER, as a list.
 *
 * @example
 * const read = readCertificates(await readFile('cadeia.pem'));
 * if (!read.ok) return usage(read.error); // Portuguese reason
 */
export function readCertificates(data: string | Uint8Array): Result<X509Certificate[], string> {
  if (typeof data !== 'string') {
    const text = looksLikeText(data) ? new TextDecoder().decode(data) : null;
    if (text === null || !isPem(text)) {
      const one = parseCertificateDer(new Uint8Array(data));
      return one.ok ? ok([one.value]) : one;
    }
    data = text;
  }
  if (!isPem(data)) {
    // Bare base64 or hex of one DER certificate (what some proxies put in a header).
    const one = parseCertificateDer(data.trim());
    return one.ok ? ok([one.value]) : err('o conteúdo não está em PEM nem em DER');
  }
  const blocks = pemBlocks(data);
  if (!blocks.ok) return blocks;
  const certs: X509Certificate[] = [];
  for (const block of blocks.value) {
    if (block.label !== 'CERTIFICATE' && block.label !== 'X509 CERTIFICATE') continue;
    const parsed = parseCertificateDer(new Uint8Array(block.der));
    if (!parsed.ok) return err(`certificado nº ${certs.length + 1}: ${parsed.error}`);
    certs.push(parsed.value);
  }
  if (certs.length === 0) return err('nenhum bloco "BEGIN CERTIFICATE" encontrado');
  return ok(certs);
}

/**
 * A CRL file's content, PEM (one or several `X509 CRL` blocks) or DER, as a list.
 *
 * @example
 * const read = readCrls(await readFile('ac.crl')); // DER as published by most CAs
 */
export function readCrls(data: string | Uint8Array): Result<X509Crl[], string> {
  if (typeof data !== 'string') {
    const text = looksLikeText(data) ? new TextDecoder().decode(data) : null;
    if (text === null || !isPem(text)) {
      const one = parseCrlDer(new Uint8Array(data));
      return one.ok ? ok([one.value]) : one;
    }
    data = text;
  }
  if (!isPem(data)) {
    const one = parseCrlDer(data.trim());
    return one.ok ? ok([one.value]) : err('o conteúdo não está em PEM nem em DER');
  }
  const blocks = pemBlocks(data);
  if (!blocks.ok) return blocks;
  const crls: X509Crl[] = [];
  for (const block of blocks.value) {
    // RFC 7468 §5 says `X509 CRL`; some tools (and @peculiar/x509) write `CRL`.
    if (block.label !== 'X509 CRL' && block.label !== 'CRL') continue;
    const parsed = parseCrlDer(new Uint8Array(block.der));
    if (!parsed.ok) return err(`LCR nº ${crls.length + 1}: ${parsed.error}`);
    crls.push(parsed.value);
  }
  if (crls.length === 0) return err('nenhum bloco "BEGIN X509 CRL" encontrado');
  return ok(crls);
}

/** DER starts with a SEQUENCE tag (0x30); PEM is printable ASCII. */
const looksLikeText = (bytes: Uint8Array): boolean => bytes.length > 0 && bytes[0] !== 0x30;

export function toCertificates(input: CertInput): Result<X509Certificate[], string> {
  if (input instanceof X509Certificate) return ok([input]);
  return readCertificates(input);
}

export function toCrls(input: CrlInput): Result<X509Crl[], string> {
  if (input instanceof X509Crl) return ok([input]);
  return readCrls(input);
}

/**
 * Splits a PEM bundle into certificates, in file order. Blocks with other labels (keys, CRLs)
 * are ignored.
 *
 * @throws EloError `validation_failed` when a certificate block is malformed or there is none.
 * @example
 * const [leaf, ...chain] = parseCertificatesPem(await file.text());
 */
export function parseCertificatesPem(pem: string): X509Certificate[] {
  const result = readCertificates(pem);
  if (!result.ok) {
    throw new EloError(
      'validation_failed',
      `Conteúdo PEM de certificados inválido: ${result.error}.`,
    );
  }
  return result.value;
}
