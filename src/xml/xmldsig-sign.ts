import { SignedXml } from 'xml-crypto';
import { EloError } from '../domain/errors.ts';
import { pemBlocks, toBase64 } from '../pki/encoding.ts';
import type { Signer } from '../pki/signer.ts';
import { guardXml, type XmlLimits } from './guard.ts';
import { algorithmUri, ENVELOPED, EXC_C14N, SHA256 } from './xmldsig-algorithms.ts';

export interface SignOptions {
  /** Namespace prefix for the Signature elements (`ds` gives `<ds:Signature>`); none by default. */
  prefix?: string;
  /** Limits the document must respect before it is signed; Elo's defaults otherwise. */
  limits?: Partial<XmlLimits>;
}

/**
 * Signs a whole document with an enveloped XMLDSig signature (issue 11, item 2): one Reference
 * URI="" with the enveloped-signature and exclusive c14n transforms, SHA-256 digest, SignedInfo in
 * exclusive c14n, RSA-SHA256 or ECDSA-SHA256 as the signer says, KeyInfo/X509Data with every
 * certificate of the signer's chain, leaf first. The Signature is the root's last child, so
 * `xmlsec1 --verify --trusted-pem <CA>` verifies the result with no other option.
 *
 * The private key never leaves the Signer: xml-crypto canonicalises SignedInfo and hands it to a
 * per-call SignatureAlgorithm whose callback form awaits `signer.sign` (xml-crypto's
 * computeSignature callback flow), so an HSM or a KMS can sign.
 *
 * The document is guarded first (guard.ts): a comment or a processing instruction in it would be
 * left out of, or turned into text by, the canonical form, and the signature would then cover
 * something other than what a reader sees. Throws EloError with the guard's code when refused.
 *
 * @example
 * const signed = await signEnveloped('<pacote xmlns="urn:elo">…</pacote>', hubSigner);
 */
export async function signEnveloped(xml: string, signer: Signer, opts: SignOptions = {}): Promise<string> {
  const guarded = guardXml(xml, opts.limits);
  if (!guarded.ok) throw new EloError(guarded.error.code, guarded.error.message, { offset: guarded.error.offset });

  const algorithm = signer.algorithm ?? 'rsa-sha256';
  const uri = algorithmUri[algorithm];
  const certificates = chainCertificates(signer.chainPem);

  const sig = new SignedXml({
    // Never used as a key: xml-crypto only checks that one is set before calling the algorithm below.
    privateKey: 'held-by-the-signer',
    signatureAlgorithm: uri,
    canonicalizationAlgorithm: EXC_C14N,
    getKeyInfoContent: ({ prefix } = {}) => {
      const p = prefix ? `${prefix}:` : '';
      return `<${p}X509Data>${certificates.map((c) => `<${p}X509Certificate>${c}</${p}X509Certificate>`).join('')}</${p}X509Data>`;
    },
  });
  sig.SignatureAlgorithms = { [uri]: signerAlgorithm(uri, signer) };
  sig.addReference({ xpath: '/*', transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: SHA256, isEmptyUri: true });

  await new Promise<void>((resolve, reject) => {
    sig.computeSignature(
      xml,
      { prefix: opts.prefix, location: { reference: '/*', action: 'append' } },
      (error: Error | null) => (error ? reject(error) : resolve()),
    );
  });
  return sig.getSignedXml();
}

/** Base64 DER of every CERTIFICATE block of the chain, in its order (leaf first, spec §7.3). */
function chainCertificates(chainPem: string): string[] {
  const blocks = pemBlocks(chainPem);
  const certs = blocks.ok ? blocks.value.filter((b) => b.label === 'CERTIFICATE').map((b) => toBase64(b.der)) : [];
  if (certs.length === 0) throw new TypeError('the signer has no certificate chain to put in KeyInfo');
  return certs;
}

/** A SignatureAlgorithm class bound to one Signer: xml-crypto instantiates it with no arguments. */
function signerAlgorithm(uri: string, signer: Signer) {
  return class SignerBackedAlgorithm {
    getSignature(signedInfo: string, _key: unknown, callback?: (error: Error | null, value?: string) => void): string | void {
      if (!callback) throw new Error('signing goes through the Signer port, which is asynchronous');
      signer.sign(new TextEncoder().encode(signedInfo)).then(
        (value) => callback(null, toBase64(value)),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }
    verifySignature(): boolean {
      throw new Error('this algorithm only signs');
    }
    getAlgorithmName(): string {
      return uri;
    }
  } as unknown as SignedXml['SignatureAlgorithms'][string];
}
