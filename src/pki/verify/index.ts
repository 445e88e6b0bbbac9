/**
 * Certificate validation (ARCHITECTURE: pki/): chain building to configured trust anchors,
 * validity at an explicit instant, CA constraints, purpose, algorithm policy and CRL revocation.
 * Runtime-portable: @peculiar/x509 and WebCrypto only; the clock is never read here.
 */

export type {
  CertInput,
  CertPurpose,
  CertSummary,
  CrlInput,
  PkiPolicy,
  RefusalCode,
  VerifyInput,
  VerifyResult,
  VerifyWarning,
} from './types.ts';
export { DEFAULT_POLICY } from './types.ts';
export { verifyCertificate } from './verify.ts';
export { PRESENTED_CHAIN_LIMITS, presentedChainRefusal } from './presented.ts';
export { summarize } from './summary.ts';
export { parseCertificatesPem, readCertificates, readCrls } from './parse.ts';
export { certRef, PURPOSE_LABEL } from './messages.ts';
