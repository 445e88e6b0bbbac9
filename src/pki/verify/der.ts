import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, CertificateList, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';

/**
 * The few DER reads the verifier needs that @peculiar/x509 does not expose: the exact
 * to-be-signed bytes, the signature AlgorithmIdentifier OID (so MD5 is named, not merely
 * "unknown") and the subject public key bits. They come from the ASN.1 schemas @peculiar/x509
 * itself parses with (@peculiar/asn1-x509 over @peculiar/asn1-schema), so both read the same
 * structure; the ECDSA signature value is read by @noble/curves' strict DER parser (brainpool.ts).
 */

/**
 * A signed object (Certificate, CertificateList: RFC 5280 §4.1 and §5.1) split into the bytes
 * covered by the signature, the outer signature algorithm OID and the signature value.
 */
export interface SignedParts {
  tbs: Uint8Array;
  signatureOid: string;
  signature: Uint8Array;
}

/** null when `der` is not a `kind` (X.690 DER, RFC 5280 §4.1 or §5.1). */
export function splitSigned(der: Uint8Array, kind: 'certificate' | 'crl'): SignedParts | null {
  try {
    if (kind === 'certificate') {
      const cert = AsnConvert.parse(der, Certificate);
      return parts(cert.tbsCertificateRaw, cert.signatureAlgorithm.algorithm, cert.signatureValue);
    }
    const crl = AsnConvert.parse(der, CertificateList);
    return parts(crl.tbsCertListRaw, crl.signatureAlgorithm.algorithm, crl.signature);
  } catch {
    return null;
  }
}

function parts(tbs: ArrayBuffer | undefined, oid: string, signature: ArrayBuffer): SignedParts | null {
  if (!tbs || !oid) return null;
  return { tbs: new Uint8Array(tbs), signatureOid: oid, signature: new Uint8Array(signature) };
}

/** The subjectPublicKey BIT STRING content of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). */
export function spkiKeyBits(spki: Uint8Array): Uint8Array | null {
  try {
    return new Uint8Array(AsnConvert.parse(spki, SubjectPublicKeyInfo).subjectPublicKey);
  } catch {
    return null;
  }
}
