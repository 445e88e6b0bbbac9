import {
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  type X509Certificate,
} from '../x509.ts';
import { BROKEN_HASHES, describeKey, keyInfo } from './algorithms.ts';
import { isSelfIssued, isSelfSigned, type CompletePath } from './chain.ts';
import { messages, type CertRole } from './messages.ts';
import { checkCertificateRevocation, type Refusal, type RevocationContext } from './revocation.ts';
import { signatureInfoOf } from './signature.ts';
import { isoSeconds, summarizeCertificate } from './summary.ts';
import type { CertPurpose, PkiPolicy, VerifyWarning } from './types.ts';

export interface PathContext extends RevocationContext {
  purpose: CertPurpose;
}

/**
 * `stage` counts the groups of checks a refused path passed (dates, algorithms, extensions, CA
 * constraints, purpose, revocation): when every candidate path is refused, the one that went
 * furthest explains the refusal best.
 */
export type PathVerdict =
  { ok: true; warnings: VerifyWarning[] } | { ok: false; refusal: Refusal; stage: number };

const OID = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

/**
 * Extensions whose meaning Elo either enforces or may ignore without loosening anything, so they
 * may be critical (RFC 5280 §4.2: a certificate with any other critical extension is refused).
 * Certificate policies are not required by Elo (no explicit-policy input), so their constraints
 * cannot make a path acceptable that would otherwise be refused.
 */
const KNOWN_EXTENSIONS = new Set([
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extKeyUsage
  '2.5.29.19', // basicConstraints
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.32', // certificatePolicies
  '2.5.29.36', // policyConstraints
  '2.5.29.54', // inhibitAnyPolicy
  '2.5.29.31', // cRLDistributionPoints
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
]);

/** What the leaf's extended key usage must contain for a purpose (RFC 5280 §4.2.1.12). */
const PURPOSE_EKU: Record<CertPurpose, string | null> = {
  client: OID.clientAuth,
  server: OID.serverAuth,
  signing: null,
  any: null,
};

/** Key usage bits that allow a purpose (any one of them). */
const PURPOSE_KU: Record<CertPurpose, { flags: number; label: string } | null> = {
  client: { flags: KeyUsageFlags.digitalSignature, label: 'digitalSignature' },
  server: {
    flags:
      KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment | KeyUsageFlags.keyAgreement,
    label: 'digitalSignature, keyEncipherment ou keyAgreement',
  },
  signing: {
    flags: KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation,
    label: 'digitalSignature ou nonRepudiation',
  },
  any: null,
};

const roleAt = (index: number, length: number): CertRole =>
  index === 0 ? 'leaf' : index === length - 1 ? 'anchor' : 'intermediate';

function keyRefusal(cert: X509Certificate, role: CertRole, policy: PkiPolicy): Refusal | null {
  const key = keyInfo(cert);
  const s = summarizeCertificate(cert);
  if (key.kind === 'rsa' && key.bits < policy.minRsaBits) {
    return {
      code: 'weak_key',
      message: messages.weakKey(
        role,
        s,
        describeKey(key),
        `mínimo de ${policy.minRsaBits} bits para RSA`,
      ),
      certificate: cert,
    };
  }
  if (key.kind === 'ec' && (!key.curve || !policy.allowedCurves.includes(key.curve))) {
    return {
      code: 'weak_key',
      message: messages.weakKey(
        role,
        s,
        describeKey(key),
        `curvas aceitas: ${policy.allowedCurves.join(', ')}`,
      ),
      certificate: cert,
    };
  }
  if (key.kind === 'other' && !policy.allowedCurves.includes(key.name)) {
    return {
      code: 'unsupported_algorithm',
      message: messages.unsupportedAlgorithm(role, s, `chave ${describeKey(key)}`),
      certificate: cert,
    };
  }
  return null;
}

/**
 * Everything RFC 5280 §6.1 and Elo's policy require of one candidate path, in an order that makes
 * the first failure the most useful one to report: validity dates, algorithm strength, critical
 * extensions, CA constraints, the leaf's purpose, then revocation.
 */
export async function evaluatePath(path: CompletePath, ctx: PathContext): Promise<PathVerdict> {
  const { certs, links } = path;
  const n = certs.length;
  const at = ctx.at.getTime();
  let stage = 0;
  const refuse = (refusal: Refusal): PathVerdict => ({ ok: false, refusal, stage });
  const summary = summarizeCertificate;

  // Validity period, every certificate including the anchor (RFC 5280 §6.1.3 (a)(2)).
  for (let i = 0; i < n; i++) {
    const cert = certs[i]!;
    const role = roleAt(i, n);
    if (at < cert.notBefore.getTime()) {
      return refuse({
        code: 'cert_not_yet_valid',
        message: messages.notYetValid(role, summary(cert), isoSeconds(ctx.at)),
        certificate: cert,
      });
    }
    if (at > cert.notAfter.getTime()) {
      return refuse({
        code: 'cert_expired',
        message: messages.expired(role, summary(cert)),
        certificate: cert,
      });
    }
  }

  stage = 1;
  // Key strength, then signature hashes: a self-signed anchor's own signature is not relied on.
  for (let i = 0; i < n; i++) {
    const refusal = keyRefusal(certs[i]!, roleAt(i, n), ctx.policy);
    if (refusal) return refuse(refusal);
  }
  const lastSelfSigned = await isSelfSigned(certs[n - 1]!, ctx.signatures);
  for (let i = 0; i < n; i++) {
    if (i === n - 1 && lastSelfSigned) continue;
    const cert = certs[i]!;
    const info = signatureInfoOf(cert);
    const hash = info?.hash;
    if (hash && (BROKEN_HASHES.has(hash) || (hash === 'SHA-1' && !ctx.policy.allowSha1))) {
      return refuse({
        code: 'weak_signature',
        message: messages.weakSignature(roleAt(i, n), summary(cert), info.label),
        certificate: cert,
      });
    }
  }
  for (let i = 0; i < links.length; i++) {
    if (links[i] !== 'verified') {
      const cert = certs[i]!;
      const label = signatureInfoOf(cert)?.label ?? 'algoritmo desconhecido';
      return refuse({
        code: 'unsupported_algorithm',
        message: messages.unsupportedAlgorithm(roleAt(i, n), summary(cert), `assinatura ${label}`),
        certificate: cert,
      });
    }
  }

  stage = 2;
  for (let i = 0; i < n; i++) {
    const cert = certs[i]!;
    const unknown = cert.extensions.find((e) => e.critical && !KNOWN_EXTENSIONS.has(e.type));
    if (unknown) {
      return refuse({
        code: 'unknown_critical_extension',
        message: messages.unknownCriticalExtension(roleAt(i, n), summary(cert), unknown.type),
        certificate: cert,
      });
    }
  }

  stage = 3;
  // Issuers: CA flag, keyCertSign, path length (RFC 5280 §6.1.4 (k), (l), (m), (n)).
  for (let i = 1; i < n; i++) {
    const cert = certs[i]!;
    const role = roleAt(i, n);
    const bc = cert.getExtension(BasicConstraintsExtension);
    if (!bc?.ca) {
      return refuse({
        code: 'not_a_ca',
        message: messages.notACa(role, summary(cert), bc !== null),
        certificate: cert,
      });
    }
    const ku = cert.getExtension(KeyUsagesExtension);
    if (ku && !(ku.usages & KeyUsageFlags.keyCertSign)) {
      return refuse({
        code: 'key_usage_missing',
        message: messages.noCertSign(role, summary(cert)),
        certificate: cert,
      });
    }
    if (bc.pathLength !== undefined) {
      // Non-self-issued intermediates between this CA and the leaf (RFC 5280 §4.2.1.9).
      const below = certs.slice(1, i).filter((c) => !isSelfIssued(c)).length;
      if (below > bc.pathLength) {
        return refuse({
          code: 'path_len_exceeded',
          message: messages.pathLenExceeded(role, summary(cert), bc.pathLength, below),
          certificate: cert,
        });
      }
    }
  }

  stage = 4;
  // The leaf's purpose; an issuer's extKeyUsage, when present, bounds what it may certify (the
  // "EKU chaining" OpenSSL and the CA/Browser Forum apply).
  const leaf = certs[0]!;
  const wantedEku = PURPOSE_EKU[ctx.purpose];
  if (wantedEku) {
    for (let i = 0; i < n; i++) {
      const cert = certs[i]!;
      const eku = cert.getExtension(ExtendedKeyUsageExtension);
      if (!eku) continue;
      const usages = eku.usages.map(String);
      const allowed =
        usages.includes(wantedEku) || (i > 0 && usages.includes(OID.anyExtendedKeyUsage));
      if (!allowed) {
        return refuse({
          code: 'ext_key_usage_missing',
          message: messages.extKeyUsageMissing(roleAt(i, n), summary(cert), ctx.purpose, wantedEku),
          certificate: cert,
        });
      }
    }
  }
  const wantedKu = PURPOSE_KU[ctx.purpose];
  const leafKu = leaf.getExtension(KeyUsagesExtension);
  if (wantedKu && leafKu && !(leafKu.usages & wantedKu.flags)) {
    return refuse({
      code: 'key_usage_missing',
      message: messages.keyUsageMissing(summary(leaf), ctx.purpose, wantedKu.label),
      certificate: leaf,
    });
  }

  stage = 5;
  // Revocation: every certificate below the anchor, leaf first (RFC 5280 §6.1.3 (a)(3)).
  const warnings: VerifyWarning[] = [];
  for (let i = 0; i < n - 1; i++) {
    const status = await checkCertificateRevocation(certs[i]!, roleAt(i, n), certs[i + 1]!, ctx);
    if (status.refusal) return refuse(status.refusal);
    if (status.warning) warnings.push(status.warning);
  }
  return { ok: true, warnings };
}
