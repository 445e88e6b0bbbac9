import { toPem } from '../encoding.ts';
import { RSA_SHA256, x509 } from '../x509.ts';
import type { Issuer } from './issue.ts';

export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
}

/**
 * A CRL signed by the issuing CA (RFC 5280 §5): every revoked serial, with `nextUpdate` telling
 * verifiers how long it may be trusted; a CRL past `nextUpdate` is stale and refused.
 *
 * @example await issueCrl({ issuer, entries: [{ serial: '0a1b', revokedAt }], at: new Date(), days: 7 })
 */
export async function issueCrl(p: { issuer: Issuer; entries: RevokedEntry[]; at: Date; days?: number }): Promise<x509.X509Crl> {
  return x509.X509CrlGenerator.create({
    issuer: p.issuer.certificate.subject,
    thisUpdate: p.at,
    nextUpdate: new Date(p.at.getTime() + (p.days ?? 7) * 86_400_000),
    signingAlgorithm: RSA_SHA256,
    signingKey: p.issuer.privateKey,
    entries: p.entries.map((e) => ({ serialNumber: e.serial, revocationDate: e.revokedAt, reason: x509.X509CrlReason.unspecified })),
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(p.issuer.certificate.publicKey)],
  });
}

/**
 * PEM as OpenSSL and RFC 7468 §5 write it: label "X509 CRL". @peculiar/x509 writes "CRL", which
 * `openssl crl` refuses ("No supported data to decode"), so Elo never uses its toString('pem').
 */
export const crlToPem = (crl: x509.X509Crl): string => toPem('X509 CRL', crl.rawData);
