/**
 * XMLDSig for Elo's signed documents (issue 11): the sender-signed package, the hub seal and the
 * dossiê are all one enveloped signature over a whole document. Sign with signEnveloped, verify
 * with verifyEnveloped, and read business data only from `signedXml` of a verified result.
 */
export { prepareEnveloped, signatureElement, signEnveloped, type PreparedSignature, type SignOptions } from './xmldsig-sign.ts';
export { verifyEnveloped, type VerifiedXml, type VerifyOptions, type VerifyWith, type XmlSignatureCode } from './xmldsig-verify.ts';
export {
  algorithmUri,
  DSIG_NS,
  ECDSA_SHA256_URI,
  ENVELOPED,
  EXC_C14N,
  RSA_SHA256_URI,
  SHA256,
} from './xmldsig-algorithms.ts';
export { DEFAULT_XML_LIMITS, guardXml, type XmlGuardCode, type XmlGuardStats, type XmlLimits, type XmlRefusal } from './guard.ts';
export { parseStrict } from './parse.ts';
