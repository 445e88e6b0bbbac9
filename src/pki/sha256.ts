/**
 * Synchronous SHA-256 (FIPS 180-4) for certificate fingerprints and the few other digests that
 * must be synchronous: `summarize()` is synchronous by contract and WebCrypto's digest is not,
 * and `node:crypto` is off limits in pki/ (ARCHITECTURE: runtime-portable core). @noble/hashes is
 * audited, dependency-free and runs wherever WebCrypto does. Signatures are always verified
 * through WebCrypto (or @noble/curves for brainpool, verify/brainpool.ts).
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

export const sha256 = (data: Uint8Array): Uint8Array => nobleSha256(data);
