import { toPem } from '../../src/pki/encoding.ts';
import { createRootCa, generateRsaKeys, issueLeaf, type Issuer } from '../../src/pki/ca/issue.ts';
import { cryptoKeySigner, ECDSA_P256_SHA256, ecdsaCryptoKeySigner, type Signer } from '../../src/pki/signer.ts';
import type { X509Certificate } from '../../src/pki/x509.ts';

export interface SigningParty {
  certificate: X509Certificate;
  keys: CryptoKeyPair;
  signer: Signer;
  /** Leaf certificate, PEM. */
  certPem: string;
  /** PKCS#8 private key, PEM (only for xmlsec1 in tests: Elo's own code never reads it). */
  keyPem: string;
}

export interface XmlTestPki {
  ca: Issuer;
  caPem: string;
  rsa: SigningParty;
  ec: SigningParty;
  /** Same CA, another system: a valid signature by the wrong party. */
  otherRsa: SigningParty;
}

/** A federation-like CA with an RSA and a P-256 signing leaf, the way src/pki/ca issues them. */
export async function makeXmlTestPki(at = new Date()): Promise<XmlTestPki> {
  const ca = await createRootCa({ name: 'CN=Elo AC de Teste XML, O=Elo', at });
  const caPem = toPem('CERTIFICATE', ca.certificate.rawData);
  const party = async (subject: string, ec: boolean): Promise<SigningParty> => {
    const keys = ec
      ? ((await globalThis.crypto.subtle.generateKey(ECDSA_P256_SHA256, true, ['sign', 'verify'])) as CryptoKeyPair)
      : await generateRsaKeys();
    const certificate = await issueLeaf({ issuer: ca, subject, publicKey: keys.publicKey, purpose: 'signing', at });
    const certPem = toPem('CERTIFICATE', certificate.rawData);
    const keyPem = toPem('PRIVATE KEY', await globalThis.crypto.subtle.exportKey('pkcs8', keys.privateKey));
    const signer = ec ? ecdsaCryptoKeySigner(keys.privateKey, certPem) : cryptoKeySigner(keys.privateKey, certPem);
    return { certificate, keys, signer, certPem, keyPem };
  };
  return {
    ca,
    caPem,
    rsa: await party('CN=Sistema RSA, O=Órgão A', false),
    ec: await party('CN=Sistema ECDSA, O=Órgão B', true),
    otherRsa: await party('CN=Outro Sistema, O=Órgão C', false),
  };
}
