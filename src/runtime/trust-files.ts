import { readFileSync, statSync } from 'node:fs';
import type { X509Certificate, X509Crl } from '@peculiar/x509';
import { readCertificates, readCrls } from '../pki/verify/index.ts';
import type { TrustSource } from '../services/index.ts';

/**
 * Trust anchors, intermediates and CRLs from files (issue: Trust §6), parsed once and re-read
 * only when a file changes, so that a CRL published while the hub runs takes effect at the next
 * request. Parsed objects live across requests: the validator remembers signature checks per
 * object, which makes a verification cost a fraction of a millisecond instead of several.
 */
export function fileTrustSource(anchorFiles: string[], crlFiles: () => string[], intermediateFiles: string[] = []): TrustSource {
  const cache = new Map<string, { mtimeMs: number; size: number; parsed: X509Certificate[] | X509Crl[] }>();
  function load<T extends X509Certificate | X509Crl>(file: string, parse: (b: Uint8Array) => T[]): T[] {
    try {
      const st = statSync(file);
      const hit = cache.get(file);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.parsed as T[];
      const parsed = parse(new Uint8Array(readFileSync(file)));
      cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, parsed: parsed as X509Certificate[] | X509Crl[] });
      return parsed;
    } catch {
      return []; // a missing file trusts nothing; an unreadable one is reported by `elo cert verify`
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
  return {
    async anchors() {
      return anchorFiles.flatMap((f) => load(f, certs));
    },
    async intermediates() {
      return intermediateFiles.flatMap((f) => load(f, certs));
    },
    async crls() {
      return crlFiles().flatMap((f) => load(f, crls));
    },
    policy() {
      return {};
    },
  };
}
