import { readFileSync, statSync } from 'node:fs';
import type { X509Certificate, X509Crl } from '../pki/x509.ts';
import { readCertificates, readCrls, summarize } from '../pki/verify/index.ts';
import type { TrustSource } from '../services/index.ts';

/**
 * Trust anchors, intermediates and CRLs from files (issue: Trust §6), parsed once and re-read
 * only when a file changes, so that a CRL published while the hub runs takes effect at the next
 * request. Parsed objects live across requests: the validator remembers signature checks per
 * object, which makes a verification cost a fraction of a millisecond instead of several.
 */
export function fileTrustSource(
  anchorFiles: string[],
  crlFiles: () => string[],
  intermediateFiles: string[] = [],
  softFailAnchorFiles: string[] = [],
): TrustSource {
  const EMPTY: never[] = [];
  const cache = new Map<string, { mtimeMs: number; size: number; parsed: X509Certificate[] | X509Crl[] }>();
  function load<T extends X509Certificate | X509Crl>(file: string, parse: (b: Uint8Array) => T[]): T[] {
    try {
      // a file not there (yet: the hub's own CRLs before `elo ca crl`) trusts nothing, without
      // an exception built on every request
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st) return EMPTY as T[];
      const hit = cache.get(file);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.parsed as T[];
      const parsed = parse(new Uint8Array(readFileSync(file)));
      cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, parsed: parsed as X509Certificate[] | X509Crl[] });
      return parsed;
    } catch {
      // a missing file trusts nothing (one shared empty list, so the result stays stable)
      return EMPTY as T[];
    }
  }
  const certs = (b: Uint8Array) => {
    const r = readCertificates(b);
    return r.ok ? r.value : [];
  };
  const crls = (b: Uint8Array) => {
    const r = readCrls(b);
    return r.ok ? r.value : [];
  };
  /** The same array object while no file changed: callers may key caches on its identity. */
  function stable<T>(name: string, parts: T[][]): T[] {
    const last = flattened.get(name) as { parts: T[][]; all: T[] } | undefined;
    if (last && last.parts.length === parts.length && last.parts.every((p, i) => p === parts[i])) return last.all;
    const all = parts.flat();
    flattened.set(name, { parts, all });
    return all;
  }
  const flattened = new Map<string, { parts: unknown[][]; all: unknown[] }>();
  return {
    async anchors() {
      return stable('anchors', [...anchorFiles, ...softFailAnchorFiles].map((f) => load(f, certs)));
    },
    async intermediates() {
      return stable('intermediates', intermediateFiles.map((f) => load(f, certs)));
    },
    async crls() {
      return stable('crls', crlFiles().map((f) => load(f, crls)));
    },
    policy() {
      return {};
    },
    crlSoftFail(fingerprint) {
      return softFailAnchorFiles.some((f) => load(f, certs).some((c) => summarize(c).fingerprint256 === fingerprint));
    },
  };
}
