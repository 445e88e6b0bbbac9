import { fingerprint256, type X509Certificate } from '../x509.ts';
import { EloError } from '../../domain/errors.ts';
import { formatName } from './names.ts';
import { toCertificates } from './parse.ts';
import type { CertInput, CertSummary } from './types.ts';

/** `2026-01-01T00:00:00Z`: UTC, no milliseconds (X.509 times have whole seconds). */
export const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Upper-case, even-length hex of the serial's value, as OpenSSL prints `serial=`. */
export function formatSerial(hex: string): string {
  const trimmed = hex.toUpperCase().replace(/^(00)+(?=[0-9A-F]{2})/, '');
  return trimmed.length % 2 === 1 ? `0${trimmed}` : trimmed;
}

const summaries = new WeakMap<X509Certificate, CertSummary>();

export function summarizeCertificate(cert: X509Certificate): CertSummary {
  const cached = summaries.get(cert);
  if (cached) return cached;
  const summary: CertSummary = {
    subject: formatName(cert.subjectName),
    issuer: formatName(cert.issuerName),
    serial: formatSerial(cert.serialNumber),
    fingerprint256: fingerprint256(cert),
    notBefore: isoSeconds(cert.notBefore),
    notAfter: isoSeconds(cert.notAfter),
  };
  summaries.set(cert, summary);
  return summary;
}

/**
 * The facts people use to recognise a certificate: names, serial, SHA-256 fingerprint, validity.
 *
 * @throws EloError `validation_failed` when the input is not a certificate.
 * @example
 * summarize(pem).fingerprint256 // '3f0c…' (64 lower-case hex digits)
 */
export function summarize(cert: CertInput): CertSummary {
  const parsed = toCertificates(cert);
  if (!parsed.ok || !parsed.value[0]) {
    const detail = parsed.ok ? 'nenhum certificado' : parsed.error;
    throw new EloError('validation_failed', `Certificado X.509 inválido: ${detail}.`);
  }
  return summarizeCertificate(parsed.value[0]);
}
