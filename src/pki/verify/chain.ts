import {
  AuthorityKeyIdentifierExtension,
  SubjectKeyIdentifierExtension,
  type X509Certificate,
  type X509Crl,
} from '../x509.ts';
import { nameKey } from './names.ts';
import { verifySignedBy, type SignatureCheck } from './signature.ts';
import { formatSerial, summarizeCertificate } from './summary.ts';

/** Longest path tried (leaf and anchor included) and most complete paths evaluated. */
const MAX_DEPTH = 10;
const MAX_PATHS = 32;

/**
 * The total work one search may do, whatever the pool holds. Without it, CAs that certify each
 * other in several copies (k certificates "N1 by N2" and k "N2 by N1", every link valid) give
 * about k!² paths up to MAX_DEPTH: 15 certificates took half a minute and a gigabyte. A
 * legitimate ICP-Brasil path (leaf, 2–4 ACs, root) uses a handful of each; a pool with
 * cross-certified and re-issued ACs a few dozen. When a limit is reached the search stops and
 * the caller refuses the chain as too complex (RFC 4158 §3.5 leaves such bounds to the builder).
 */
export const PATH_BUILDING_LIMITS = Object.freeze({
  /** Candidate issuers examined (key identifiers compared, signature checked) over all paths. */
  candidates: 256,
  /** Signature verifications started (each pair is verified once, then remembered). */
  signatureChecks: 128,
  /** Paths abandoned before reaching an anchor (counted; only the most telling one is kept). */
  deadEnds: 64,
});

export interface PoolEntry {
  cert: X509Certificate;
  anchor: boolean;
  /** Position in the caller's input, the last tie-breaker. */
  order: number;
}

/** How path[i] is linked to path[i + 1]: its signature checked with path[i + 1]'s key. */
export type LinkStatus = 'verified' | 'unverifiable';

export interface CompletePath {
  /** Leaf first, trust anchor last. */
  certs: X509Certificate[];
  links: LinkStatus[];
}

export type DeadEnd =
  /** No certificate named like the last certificate's issuer. */
  | { kind: 'issuer_not_found'; certs: X509Certificate[] }
  /** The last certificate is a self-signed root that is not a configured anchor. */
  | { kind: 'untrusted_root'; certs: X509Certificate[] }
  /** A certificate carries the issuer's name but another key identifier (RFC 5280 §4.2.1.1). */
  | { kind: 'key_id_mismatch'; certs: X509Certificate[]; candidate: X509Certificate }
  /** Name and key identifier agree but the signature does not verify with the candidate's key. */
  | { kind: 'signature_invalid'; certs: X509Certificate[]; candidate: X509Certificate }
  | { kind: 'too_long'; certs: X509Certificate[] };

/** How much of PATH_BUILDING_LIMITS a search used. */
export interface PathBuildingWork {
  candidates: number;
  signatureChecks: number;
  deadEnds: number;
}

export interface BuildResult {
  /** The path `onComplete` accepted, if any. */
  accepted: CompletePath | null;
  complete: CompletePath[];
  /**
   * The dead end that best explains the failure (see `bestDeadEnd`). Only that one is kept: a
   * hostile pool can produce dead ends by the thousand, and none of the others is ever shown.
   */
  deadEnd: DeadEnd | null;
  /** A limit of PATH_BUILDING_LIMITS was reached and the search stopped before trying everything. */
  exhausted: boolean;
  work: PathBuildingWork;
}

export const fingerprintOf = (cert: X509Certificate): string =>
  summarizeCertificate(cert).fingerprint256;

export function subjectKeyId(cert: X509Certificate): string | null {
  try {
    return cert.getExtension(SubjectKeyIdentifierExtension)?.keyId?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}

export function authorityKeyId(signed: X509Certificate | X509Crl): {
  keyId: string | null;
  serial: string | null;
} {
  try {
    const aki = signed.getExtension(AuthorityKeyIdentifierExtension);
    return {
      keyId: aki?.keyId?.toLowerCase() ?? null,
      serial: aki?.certId ? formatSerial(aki.certId.serialNumber) : null,
    };
  } catch {
    return { keyId: null, serial: null };
  }
}

/**
 * True when the authority key identifier of `signed` rules `issuer` out: both key identifiers
 * present and different, or the issuer serial given and different (RFC 5280 §4.2.1.1, the check
 * OpenSSL reports as X509_V_ERR_AKID_SKID_MISMATCH).
 */
export function keyIdConflict(signed: X509Certificate | X509Crl, issuer: X509Certificate): boolean {
  const aki = authorityKeyId(signed);
  const ski = subjectKeyId(issuer);
  if (aki.keyId && ski && aki.keyId !== ski) return true;
  if (aki.serial && aki.serial !== formatSerial(issuer.serialNumber)) return true;
  return false;
}

export const sameName = (
  a: X509Certificate['subjectName'],
  b: X509Certificate['subjectName'],
): boolean => nameKey(a) === nameKey(b);

/** Subject and issuer names are the same (RFC 5280 §6.1: "self-issued"). */
export const isSelfIssued = (cert: X509Certificate): boolean =>
  sameName(cert.subjectName, cert.issuerName);

/**
 * Signature checks are the expensive part of path building (and a large CRL's hash more so).
 * Whether a signature verifies depends only on the signed bytes and the issuer's key, never on
 * the instant or the policy, so results are remembered per signed object for as long as the
 * caller keeps that object: pass parsed certificates and CRLs that live across calls (anchors,
 * CRLs loaded once) and their checks are done once.
 */
const remembered = new WeakMap<X509Certificate | X509Crl, Map<string, Promise<SignatureCheck>>>();

export class SignatureCache {
  /** Verifications this cache started (not answered from memory): the path builder's budget. */
  performed = 0;

  check(signed: X509Certificate | X509Crl, issuer: X509Certificate): Promise<SignatureCheck> {
    let byIssuer = remembered.get(signed);
    if (!byIssuer) {
      byIssuer = new Map();
      remembered.set(signed, byIssuer);
    }
    const key = fingerprintOf(issuer);
    let result = byIssuer.get(key);
    if (!result) {
      this.performed++;
      result = verifySignedBy(signed, issuer);
      byIssuer.set(key, result);
    }
    return result;
  }
}

/** Self-issued, not contradicted by its own key identifiers, and not disproven by its signature. */
export async function isSelfSigned(
  cert: X509Certificate,
  signatures: SignatureCache,
): Promise<boolean> {
  if (!isSelfIssued(cert) || keyIdConflict(cert, cert)) return false;
  return (await signatures.check(cert, cert)).status !== 'invalid';
}

export interface BuildOptions {
  at: Date;
  signatures: SignatureCache;
  /** Evaluates a complete path; returning true stops the search and accepts it. */
  onComplete: (path: CompletePath) => Promise<boolean>;
}

const validAt = (cert: X509Certificate, at: Date): boolean =>
  cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();

/**
 * Depth-first path building from the leaf to any trust anchor (RFC 4158 in miniature). Every
 * certificate whose subject matches the current issuer name is a candidate; candidates are tried
 * anchors first, then those whose key identifier matches, then those valid at `at`, then in input
 * order. A candidate joins the path only if its key identifiers do not contradict the child and
 * the child's signature verifies with its key (or cannot be checked at all — MD5 — in which case
 * the path is kept so the policy can name the real problem; such a path is never accepted).
 * The whole search is bounded by PATH_BUILDING_LIMITS; `exhausted` says when it was cut short.
 *
 * @example
 * const signatures = new SignatureCache();
 * const result = await buildPaths(leaf, pool, { at, signatures, onComplete });
 */
export async function buildPaths(
  leaf: X509Certificate,
  pool: PoolEntry[],
  options: BuildOptions,
): Promise<BuildResult> {
  const anchors = new Set(pool.filter((e) => e.anchor).map((e) => fingerprintOf(e.cert)));
  const result: BuildResult = {
    accepted: null,
    complete: [],
    deadEnd: null,
    exhausted: false,
    work: { candidates: 0, signatureChecks: 0, deadEnds: 0 },
  };
  const byName = new Map<string, PoolEntry[]>();
  for (const entry of pool) {
    const key = nameKey(entry.cert.subjectName);
    const same = byName.get(key);
    if (same) same.push(entry);
    else byName.set(key, [entry]);
  }
  const checksBefore = options.signatures.performed;

  /** True (and the search stops) once any limit is reached. */
  const overBudget = (): boolean => {
    const work = result.work;
    work.signatureChecks = options.signatures.performed - checksBefore;
    if (
      work.candidates >= PATH_BUILDING_LIMITS.candidates ||
      work.signatureChecks >= PATH_BUILDING_LIMITS.signatureChecks ||
      work.deadEnds >= PATH_BUILDING_LIMITS.deadEnds
    ) {
      result.exhausted = true;
    }
    return result.exhausted;
  };

  const deadEnd = (dead: DeadEnd): void => {
    result.work.deadEnds++;
    if (result.deadEnd === null || compareDeadEnds(dead, result.deadEnd) < 0) result.deadEnd = dead;
  };

  const finish = async (path: CompletePath): Promise<boolean> => {
    result.complete.push(path);
    if (await options.onComplete(path)) {
      result.accepted = path;
      return true;
    }
    return result.complete.length >= MAX_PATHS;
  };

  /** Returns true to stop the whole search. */
  const extend = async (certs: X509Certificate[], links: LinkStatus[]): Promise<boolean> => {
    const last = certs[certs.length - 1]!;
    if (anchors.has(fingerprintOf(last))) return finish({ certs, links });
    if (overBudget()) return true;
    if (certs.length > 1 && (await isSelfSigned(last, options.signatures))) {
      deadEnd({ kind: 'untrusted_root', certs });
      return false;
    }
    if (certs.length >= MAX_DEPTH) {
      deadEnd({ kind: 'too_long', certs });
      return false;
    }
    const inPath = new Set(certs.map(fingerprintOf));
    const akiKey = authorityKeyId(last).keyId;
    const candidates = (byName.get(nameKey(last.issuerName)) ?? [])
      .filter((e) => !inPath.has(fingerprintOf(e.cert)))
      .map((e) => ({
        entry: e,
        rank: [
          e.anchor ? 0 : 1,
          akiKey && subjectKeyId(e.cert) === akiKey ? 0 : 1,
          validAt(e.cert, options.at) ? 0 : 1,
          e.order,
        ],
      }))
      .sort((a, b) => {
        for (let i = 0; i < a.rank.length; i++) {
          const d = (a.rank[i] ?? 0) - (b.rank[i] ?? 0);
          if (d !== 0) return d;
        }
        return 0;
      });
    if (candidates.length === 0) {
      deadEnd({ kind: 'issuer_not_found', certs });
      return false;
    }
    for (const { entry } of candidates) {
      if (overBudget()) return true;
      result.work.candidates++;
      if (keyIdConflict(last, entry.cert)) {
        deadEnd({ kind: 'key_id_mismatch', certs, candidate: entry.cert });
        continue;
      }
      const check = await options.signatures.check(last, entry.cert);
      if (check.status === 'invalid') {
        deadEnd({ kind: 'signature_invalid', certs, candidate: entry.cert });
        continue;
      }
      const link: LinkStatus = check.status === 'valid' ? 'verified' : 'unverifiable';
      if (await extend([...certs, entry.cert], [...links, link])) return true;
    }
    return false;
  };

  await extend([leaf], []);
  result.work.signatureChecks = options.signatures.performed - checksBefore;
  return result;
}

const DEAD_END_RANK: Record<DeadEnd['kind'], number> = {
  signature_invalid: 0,
  key_id_mismatch: 1,
  untrusted_root: 2,
  issuer_not_found: 3,
  too_long: 4,
};

/** Negative when `a` explains a failure better than `b` (see `bestDeadEnd`). */
const compareDeadEnds = (a: DeadEnd, b: DeadEnd): number =>
  b.certs.length - a.certs.length || DEAD_END_RANK[a.kind] - DEAD_END_RANK[b.kind];

/**
 * The dead end that explains the failure best: the one that got furthest from the leaf, then the
 * most specific kind (a wrong signature says more than a missing certificate), then the first
 * met.
 */
export function bestDeadEnd(deadEnds: DeadEnd[]): DeadEnd | null {
  return [...deadEnds].sort(compareDeadEnds)[0] ?? null;
}
