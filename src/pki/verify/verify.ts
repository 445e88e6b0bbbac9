import type { X509Certificate, X509Crl } from '../x509.ts';
import {
  buildPaths,
  fingerprintOf,
  isSelfSigned,
  SignatureCache,
  type DeadEnd,
  type PoolEntry,
} from './chain.ts';
import { evaluatePath, type PathContext } from './checks.ts';
import { messages } from './messages.ts';
import { toCertificates, toCrls } from './parse.ts';
import type { Refusal } from './revocation.ts';
import { summarizeCertificate } from './summary.ts';
import {
  DEFAULT_POLICY,
  type CertInput,
  type CertSummary,
  type PkiPolicy,
  type VerifyInput,
  type VerifyResult,
} from './types.ts';

function refusal(refused: Refusal, chain: X509Certificate[]): VerifyResult {
  return {
    valid: false,
    code: refused.code,
    message: refused.message,
    chain: chain.map(summarizeCertificate),
    ...(refused.certificate ? { certificate: summarizeCertificate(refused.certificate) } : {}),
  };
}

function explainDeadEnd(dead: DeadEnd): VerifyResult {
  const last = dead.certs[dead.certs.length - 1]!;
  const role = dead.certs.length === 1 ? 'leaf' : 'intermediate';
  const s = summarizeCertificate(last);
  const leaf = summarizeCertificate(dead.certs[0]!);
  switch (dead.kind) {
    case 'issuer_not_found':
      return refusal(
        { code: 'chain_untrusted', message: messages.issuerNotFound(role, s), certificate: last },
        dead.certs,
      );
    case 'untrusted_root':
      return refusal(
        { code: 'chain_untrusted', message: messages.untrustedRoot(s, leaf), certificate: last },
        dead.certs,
      );
    case 'too_long':
      return refusal(
        { code: 'chain_untrusted', message: messages.tooLong(leaf), certificate: dead.certs[0]! },
        dead.certs,
      );
    case 'key_id_mismatch':
      return refusal(
        {
          code: 'issuer_mismatch',
          message: messages.issuerMismatch(role, s, summarizeCertificate(dead.candidate)),
          certificate: last,
        },
        dead.certs,
      );
    case 'signature_invalid':
      return refusal(
        {
          code: 'signature_invalid',
          message: messages.signatureInvalid(role, s, summarizeCertificate(dead.candidate)),
          certificate: last,
        },
        dead.certs,
      );
  }
}

type Loaded<T> = { ok: true; value: T[] } | { ok: false; result: VerifyResult };

function loadCertificates(
  inputs: CertInput[],
  what: (n: number) => string,
): Loaded<X509Certificate> {
  const out: X509Certificate[] = [];
  for (const [i, input] of inputs.entries()) {
    const parsed = toCertificates(input);
    if (!parsed.ok) {
      return {
        ok: false,
        result: {
          valid: false,
          code: 'malformed_certificate',
          message: messages.malformed(what(i + 1), parsed.error),
          chain: [],
        },
      };
    }
    out.push(...parsed.value);
  }
  return { ok: true, value: out };
}

/**
 * Validates a certificate for a purpose at an instant: builds a path from the leaf through the
 * given intermediates (any order, extras ignored, several candidate issuers tried) to a trust
 * anchor, then checks validity dates, algorithms, CA constraints, purpose and — per policy — CRL
 * revocation. Expected refusals are returned, never thrown; the refusal is the most specific
 * reason found, with a Portuguese message naming the certificate at fault.
 *
 * @example
 * const result = await verifyCertificate({
 *   leaf: pem, intermediates: [acPem], anchors: [raizPem], crls: [lcrDer],
 *   at: clock.now(), purpose: 'client',
 * });
 * if (!result.valid) return err({ code: result.code, mensagem: result.message });
 */
export async function verifyCertificate(input: VerifyInput): Promise<VerifyResult> {
  if (!(input.at instanceof Date) || Number.isNaN(input.at.getTime())) {
    throw new TypeError('verifyCertificate: `at` must be a valid Date');
  }
  const policy: PkiPolicy = { ...DEFAULT_POLICY, ...input.policy };

  const leafLoad = loadCertificates([input.leaf], () => 'O certificado apresentado');
  if (!leafLoad.ok) return leafLoad.result;
  const [leaf, ...leafExtras] = leafLoad.value as [X509Certificate, ...X509Certificate[]];
  const intermediates = loadCertificates(
    input.intermediates ?? [],
    (n) => `O certificado intermediário nº ${n}`,
  );
  if (!intermediates.ok) return intermediates.result;
  const anchors = loadCertificates(input.anchors, (n) => `A âncora de confiança nº ${n}`);
  if (!anchors.ok) return anchors.result;
  const crls: X509Crl[] = [];
  for (const [i, crlInput] of (input.crls ?? []).entries()) {
    const parsed = toCrls(crlInput);
    if (!parsed.ok) {
      return {
        valid: false,
        code: 'crl_invalid',
        message: messages.malformedCrl(`A LCR nº ${i + 1}`, parsed.error),
        chain: [summarizeCertificate(leaf)],
        certificate: summarizeCertificate(leaf),
      };
    }
    crls.push(...parsed.value);
  }

  // One entry per distinct certificate; being an anchor wins over being an intermediate.
  const pool = new Map<string, PoolEntry>();
  let order = 0;
  for (const cert of anchors.value) {
    const fp = fingerprintOf(cert);
    if (!pool.has(fp)) pool.set(fp, { cert, anchor: true, order: order++ });
  }
  for (const cert of [...leafExtras, ...intermediates.value]) {
    const fp = fingerprintOf(cert);
    if (!pool.has(fp)) pool.set(fp, { cert, anchor: false, order: order++ });
  }

  const signatures = new SignatureCache();
  const leafIsAnchor = pool.get(fingerprintOf(leaf))?.anchor === true;
  if (!leafIsAnchor && (await isSelfSigned(leaf, signatures))) {
    return refusal(
      {
        code: 'self_signed_leaf',
        message: messages.selfSignedLeaf(summarizeCertificate(leaf)),
        certificate: leaf,
      },
      [leaf],
    );
  }

  const ctx: PathContext = {
    at: input.at,
    purpose: input.purpose,
    policy,
    crls,
    crlVerdicts: new Map(),
    signatures,
  };
  const failures: { chain: X509Certificate[]; refusal: Refusal; stage: number }[] = [];
  let warnings: { code: Refusal['code']; message: string }[] = [];
  const built = await buildPaths(leaf, [...pool.values()], {
    at: input.at,
    signatures,
    onComplete: async (path) => {
      const verdict = await evaluatePath(path, ctx);
      if (verdict.ok) {
        warnings = verdict.warnings;
        return true;
      }
      failures.push({ chain: path.certs, refusal: verdict.refusal, stage: verdict.stage });
      return false;
    },
  });

  if (built.accepted) {
    return { valid: true, chain: built.accepted.certs.map(summarizeCertificate), warnings };
  }
  // Cut short, the search may have missed the path that would pass: say so rather than explain
  // whichever path it happened to reach.
  if (built.exhausted) {
    return refusal(
      {
        code: 'chain_too_complex',
        message: messages.chainTooComplex(summarizeCertificate(leaf), built.work.candidates),
        certificate: leaf,
      },
      [leaf],
    );
  }
  // A complete path that failed a check explains more than a path that could not be completed;
  // among those, the one that passed the most checks (the first such in preference order).
  const best = failures.reduce<(typeof failures)[number] | undefined>(
    (a, b) => (a === undefined || b.stage > a.stage ? b : a),
    undefined,
  );
  if (best) return refusal(best.refusal, best.chain);
  if (built.deadEnd) return explainDeadEnd(built.deadEnd);
  const s: CertSummary = summarizeCertificate(leaf);
  return refusal(
    { code: 'chain_untrusted', message: messages.issuerNotFound('leaf', s), certificate: leaf },
    [leaf],
  );
}
