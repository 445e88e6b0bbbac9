import { readFileSync, statSync } from 'node:fs';
import type { TrustSource } from '../services/index.ts';

/**
 * Trust anchors and CRLs from files (issue: Trust §6), re-read when a file changes, so that a
 * CRL published while the hub runs takes effect at the next request.
 */
export function fileTrustSource(anchorFiles: string[], crlFiles: () => string[], intermediateFiles: string[] = []): TrustSource {
  const cache = new Map<string, { mtimeMs: number; size: number; content: Uint8Array }>();
  const read = (file: string): Uint8Array | null => {
    try {
      const st = statSync(file);
      const hit = cache.get(file);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.content;
      const content = new Uint8Array(readFileSync(file));
      cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, content });
      return content;
    } catch {
      return null;
    }
  };
  const pemBlocks = (bytes: Uint8Array, label: string): string[] => {
    const text = new TextDecoder().decode(bytes);
    return [...text.matchAll(new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g'))].map((m) => m[0]);
  };
  return {
    async anchors() {
      return anchorFiles.flatMap((f) => {
        const bytes = read(f);
        return bytes ? pemBlocks(bytes, 'CERTIFICATE') : [];
      });
    },
    async intermediates() {
      return intermediateFiles.flatMap((f) => {
        const bytes = read(f);
        return bytes ? pemBlocks(bytes, 'CERTIFICATE') : [];
      });
    },
    async crls() {
      return crlFiles().flatMap((f): (string | Uint8Array)[] => {
        const bytes = read(f);
        if (!bytes) return [];
        const pems = pemBlocks(bytes, 'X509 CRL');
        return pems.length ? pems : [bytes];
      });
    },
    policy() {
      return {};
    },
  };
}
