import {
  KeyUsageFlags,
  KeyUsagesExtension,
  type X509Certificate,
  type X509Crl,
} from '../x509.ts';
import { BROKEN_HASHES } from './algorithms.ts';
import { keyIdConflict, type SignatureCache } from './chain.ts';
import { CRL_REJECTION, messages, REVOCATION_REASON, type CertRole } from './messages.ts';
import { nameKey } from './names.ts';
import { signatureInfoOf } from './signature.ts';
import { isoSeconds, summarizeCertificate } from './summary.ts';
import type { PkiPolicy, RefusalCode, VerifyWarning } from './types.ts';

export interface Refusal {
  code: RefusalCode;
  message: string;
  certificate?: X509Certificate;
}

export interface RevocationContext {
  at: Date;
  policy: PkiPolicy;
  crls: X509Crl[];
  signatures: SignatureCache;
  /** Per-call memo: a CRL is judged once per issuer, whatever the number of paths tried. */
  crlVerdicts: Map<X509Crl, Map<X509Certificate, Promise<CrlRejection | null>>>;
}

/** CRL extensions understood (RFC 5280 §5.2): CRL number and authority key identifier. */
const KNOWN_CRITICAL_CRL_EXTENSIONS = new Set(['2.5.29.20', '2.5.29.35']);
/** removeFromCRL (RFC 5280 §5.3.1): the entry cancels an earlier hold, it does not revoke. */
const REMOVE_FROM_CRL = 8;

export type CrlRejection = keyof typeof CRL_REJECTION | 'not_yet_valid';

/**
 * Whether `crl` is usable evidence about certificates issued by `issuer` at `at`: same key
 * (authority key identifier), issuer allowed to sign CRLs, no critical extension we do not
 * process (a delta or partitioned CRL would be read as complete), an acceptable signature made
 * by the issuer's key, and already in force.
 */
async function rejectionOf(
  crl: X509Crl,
  issuer: X509Certificate,
  ctx: RevocationContext,
): Promise<CrlRejection | null> {
  if (keyIdConflict(crl, issuer)) return 'other_issuer';
  const ku = issuer.getExtension(KeyUsagesExtension);
  if (ku && !(ku.usages & KeyUsageFlags.cRLSign)) return 'no_crl_sign';
  if (crl.extensions.some((e) => e.critical && !KNOWN_CRITICAL_CRL_EXTENSIONS.has(e.type))) {
    return 'critical_extension';
  }
  const info = signatureInfoOf(crl);
  if (
    info?.hash &&
    (BROKEN_HASHES.has(info.hash) || (info.hash === 'SHA-1' && !ctx.policy.allowSha1))
  ) {
    return 'weak_signature';
  }
  const check = await ctx.signatures.check(crl, issuer);
  if (check.status !== 'valid') return 'signature';
  if (crl.thisUpdate.getTime() > ctx.at.getTime()) return 'not_yet_valid';
  return null;
}

function cachedRejection(
  crl: X509Crl,
  issuer: X509Certificate,
  ctx: RevocationContext,
): Promise<CrlRejection | null> {
  let perIssuer = ctx.crlVerdicts.get(crl);
  if (!perIssuer) {
    perIssuer = new Map();
    ctx.crlVerdicts.set(crl, perIssuer);
  }
  let verdict = perIssuer.get(issuer);
  if (!verdict) {
    verdict = rejectionOf(crl, issuer, ctx);
    perIssuer.set(issuer, verdict);
  }
  return verdict;
}

/**
 * Revocation status of one certificate from the CRLs of its issuer (RFC 5280 §6.3, complete
 * CRLs only). A CRL counts only if its issuer name matches and it was signed by the issuer's key.
 */
export async function checkCertificateRevocation(
  cert: X509Certificate,
  role: CertRole,
  issuer: X509Certificate,
  ctx: RevocationContext,
): Promise<{ refusal: Refusal | null; warning: VerifyWarning | null }> {
  const none = { refusal: null, warning: null };
  if (ctx.policy.revocation === 'off') return none;
  const s = summarizeCertificate(cert);
  const issuerName = nameKey(cert.issuerName);
  const named = ctx.crls.filter((crl) => nameKey(crl.issuerName) === issuerName);
  const refuse = (code: RefusalCode, message: string) => ({
    refusal: { code, message, certificate: cert },
    warning: null,
  });
  if (named.length === 0) {
    return ctx.policy.revocation === 'require'
      ? refuse('crl_missing', messages.crlMissing(s, s.issuer))
      : none;
  }
  const usable: X509Crl[] = [];
  const rejected: { crl: X509Crl; why: CrlRejection }[] = [];
  for (const crl of named) {
    const why = await cachedRejection(crl, issuer, ctx);
    if (why) rejected.push({ crl, why });
    else usable.push(crl);
  }
  if (usable.length === 0) {
    for (const { why } of rejected) {
      if (why !== 'not_yet_valid') {
        return refuse('crl_invalid', messages.crlInvalid(s, s.issuer, CRL_REJECTION[why]));
      }
    }
    const earliest = named.reduce((a, b) =>
      b.thisUpdate.getTime() < a.thisUpdate.getTime() ? b : a,
    );
    return refuse(
      'crl_not_yet_valid',
      messages.crlNotYetValid(s, s.issuer, isoSeconds(earliest.thisUpdate), isoSeconds(ctx.at)),
    );
  }
  const crl = usable.reduce((a, b) => (b.thisUpdate.getTime() > a.thisUpdate.getTime() ? b : a));
  let entry: ReturnType<X509Crl['findRevoked']> = null;
  try {
    entry = crl.findRevoked(cert);
  } catch {
    entry = null;
  }
  if (entry && entry.reason !== REMOVE_FROM_CRL) {
    const reason = entry.reason;
    return refuse(
      'cert_revoked',
      messages.revoked(role, s, {
        revokedAt: isoSeconds(entry.revocationDate),
        reason: reason === undefined ? null : (REVOCATION_REASON[reason] ?? String(reason)),
        crlIssuer: s.issuer,
        crlThisUpdate: isoSeconds(crl.thisUpdate),
      }),
    );
  }
  const nextUpdate = crl.nextUpdate;
  if (nextUpdate && nextUpdate.getTime() <= ctx.at.getTime()) {
    const message = messages.crlStale(
      s,
      s.issuer,
      isoSeconds(crl.thisUpdate),
      isoSeconds(nextUpdate),
      isoSeconds(ctx.at),
    );
    return ctx.policy.staleCrlSoftFail
      ? { refusal: null, warning: { code: 'crl_stale', message } }
      : refuse('crl_stale', message);
  }
  return none;
}
