import { messages } from './messages.ts';
import { toCertificates } from './parse.ts';
import { summarizeCertificate } from './summary.ts';
import type { VerifyResult } from './types.ts';

/**
 * What a TLS client may present, leaf included, before any certificate of the chain is parsed
 * or any signature checked. An ICP-Brasil chain is the leaf, 2–4 ACs and perhaps the root, each
 * 1–2.5 KB; the federation's own chains are shorter. Anything beyond is not needed to build a
 * path, and is refused instead of being fed to the path builder (spec §1.4, certificate_refused).
 */
export const PRESENTED_CHAIN_LIMITS = Object.freeze({
  certificates: 10,
  /** Sum of the DER sizes of every certificate presented. */
  bytes: 64 * 1024,
});

/**
 * The refusal for a presented chain over PRESENTED_CHAIN_LIMITS, or null when within them. Only
 * lengths are compared; the leaf alone is parsed, and only to name it in the message.
 *
 * @example
 * const tooLarge = presentedChainRefusal(peer.leaf, peer.chain);
 * if (tooLarge) return refuse(tooLarge);
 */
export function presentedChainRefusal(
  leaf: Uint8Array,
  chain: readonly Uint8Array[],
): VerifyResult | null {
  const certificates = 1 + chain.length;
  const bytes = chain.reduce((n, c) => n + c.length, leaf.length);
  if (
    certificates <= PRESENTED_CHAIN_LIMITS.certificates &&
    bytes <= PRESENTED_CHAIN_LIMITS.bytes
  ) {
    return null;
  }
  const parsed = toCertificates(leaf);
  const first = parsed.ok ? parsed.value[0] : undefined;
  if (!first) {
    return {
      valid: false,
      code: 'malformed_certificate',
      message: messages.malformed(
        'O certificado apresentado',
        parsed.ok ? 'nenhum certificado' : parsed.error,
      ),
      chain: [],
    };
  }
  const summary = summarizeCertificate(first);
  return {
    valid: false,
    code: 'chain_too_large',
    message: messages.chainTooLarge(summary, { certificates, bytes }, PRESENTED_CHAIN_LIMITS),
    chain: [summary],
    certificate: summary,
  };
}
