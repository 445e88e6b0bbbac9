import { EloError } from '../domain/errors.ts';
import { pemBlocks, toBase64 } from '../pki/encoding.ts';
import type { Signer, SignerAlgorithm } from '../pki/signer.ts';
import { guardXml, type XmlLimits } from './guard.ts';
import { exclusiveC14n } from './c14n.ts';
import { parseSignatureTree, type XmlElement } from './signature-tree.ts';
import { algorithmUri, DSIG_NS, ENVELOPED, EXC_C14N, SHA256 } from './xmldsig-algorithms.ts';

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
 * The document is parsed once (signature-tree.ts: saxes into the read-only nodes xml-crypto's
 * c14n reads) and canonicalised once with xml-crypto's ExclusiveCanonicalization;
 * the canonical SignedInfo goes to `signer.sign`, so the private key never leaves the Signer (an
 * HSM or a KMS can sign). xml-crypto's computeSignature can call an asynchronous signer too (a
 * SignatureAlgorithm with the callback form of getSignature), but it re-parses the document,
 * re-serialises all of it and runs XPath over it several times: about 2 s for a 5,000-document
 * package, against the 2 s budget for the whole seal. The document's own bytes are kept:
 * the Signature is inserted before the root's end tag, so nothing the sender wrote is re-encoded.
 *
 * The document is guarded first (guard.ts): a comment or a processing instruction in it would be
 * left out of, or turned into text by, the canonical form, and the signature would then cover
 * something other than what a reader sees. Throws EloError with the guard's code when refused.
 *
 * @example
 * const signed = await signEnveloped('<pacote xmlns="urn:elo">…</pacote>', hubSigner);
 */
export async function signEnveloped(xml: string, signer: Signer, opts: SignOptions = {}): Promise<string> {
  const prepared = await prepareEnveloped(xml, signer.algorithm ?? 'rsa-sha256', opts);
  const value = await signer.sign(prepared.toSign);
  return prepared.head + signatureElement(prepared, value, signer.chainPem) + prepared.tail;
}

/** What signing needs from the document, computed without the key (prepareEnveloped). */
export interface PreparedSignature {
  /** The SignedInfo element as it goes into the document. */
  signedInfo: string;
  /** Its exclusive canonical form, UTF-8: the bytes the key signs. */
  toSign: Uint8Array;
  /**
   * The document's text before and after the place of the Signature, the root's last child:
   * the signed document is `head + Signature + tail`, every byte the sender wrote kept as it was
   * (an empty-element root `<r/>` becomes `<r>…</r>`, which canonicalises the same).
   */
  head: string;
  tail: string;
  prefix: string | undefined;
}

/**
 * Everything of an enveloped signature but the signature value: guard, parse, exclusive c14n of
 * the root, its SHA-256, SignedInfo and its canonical bytes. It needs no key, so it can run in a
 * worker thread (runtime/seal-worker.ts) while the key stays with the Signer on the main thread.
 */
export async function prepareEnveloped(xml: string, algorithm: SignerAlgorithm, opts: SignOptions = {}): Promise<PreparedSignature> {
  const guarded = guardXml(xml, opts.limits);
  if (!guarded.ok) throw new EloError(guarded.error.code, guarded.error.message, { offset: guarded.error.offset });
  const root = parseOrThrow(xml);

  const p = opts.prefix ? `${opts.prefix}:` : '';

  // The root has no Signature yet, so the enveloped-signature transform leaves it as it is.
  const content = exclusiveC14n(root);
  const digest = toBase64(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(content))));
  const signedInfo =
    `<${p}SignedInfo><${p}CanonicalizationMethod Algorithm="${EXC_C14N}"/><${p}SignatureMethod Algorithm="${algorithmUri[algorithm]}"/>` +
    `<${p}Reference URI=""><${p}Transforms><${p}Transform Algorithm="${ENVELOPED}"/><${p}Transform Algorithm="${EXC_C14N}"/></${p}Transforms>` +
    `<${p}DigestMethod Algorithm="${SHA256}"/><${p}DigestValue>${digest}</${p}DigestValue></${p}Reference></${p}SignedInfo>`;
  // The Signature declares its own namespace and exclusive c14n renders only the namespaces
  // SignedInfo uses, so SignedInfo canonicalises the same alone as inside the document.
  const shell = parseOrThrow(`<${p}Signature ${signatureNs(opts.prefix)}>${signedInfo}</${p}Signature>`);
  const signedInfoCanon = exclusiveC14n(shell.getElementsByTagNameNS(DSIG_NS, 'SignedInfo')[0]!);
  return { signedInfo, toSign: new TextEncoder().encode(signedInfoCanon), ...aroundSignature(xml, root.tagName), prefix: opts.prefix };
}

/** The Signature element, given the value the key produced over `prepared.toSign`. */
export function signatureElement(prepared: Pick<PreparedSignature, 'signedInfo' | 'prefix'>, value: Uint8Array, chainPem: string): string {
  const p = prepared.prefix ? `${prepared.prefix}:` : '';
  const x509 = chainCertificates(chainPem)
    .map((c) => `<${p}X509Certificate>${c}</${p}X509Certificate>`)
    .join('');
  return (
    `<${p}Signature ${signatureNs(prepared.prefix)}>${prepared.signedInfo}<${p}SignatureValue>${toBase64(value)}</${p}SignatureValue>` +
    `<${p}KeyInfo><${p}X509Data>${x509}</${p}X509Data></${p}KeyInfo></${p}Signature>`
  );
}

const signatureNs = (prefix: string | undefined) => (prefix ? `xmlns:${prefix}="${DSIG_NS}"` : `xmlns="${DSIG_NS}"`);

/**
 * Where the Signature goes: before the root's end tag. The guard let nothing but whitespace
 * follow the root, so the document ends with the root's end tag, or with its empty-element tag.
 */
function aroundSignature(xml: string, rootName: string): { head: string; tail: string } {
  const end = xml.trimEnd().length;
  const closing = `</${rootName}`;
  const at = xml.lastIndexOf(closing, end);
  if (at >= 0 && xml.slice(at + closing.length, end).trim() === '>') return { head: xml.slice(0, at), tail: xml.slice(at) };
  if (xml.slice(end - 2, end) === '/>') return { head: `${xml.slice(0, end - 2).trimEnd()}>`, tail: `</${rootName}>${xml.slice(end)}` };
  throw new TypeError('the root element of a guarded document was not found at its end');
}

function parseOrThrow(xml: string): XmlElement {
  const parsed = parseSignatureTree(xml);
  if (!parsed.ok) throw new EloError(parsed.error.code, parsed.error.message);
  return parsed.value;
}

/** Base64 DER of every CERTIFICATE block of the chain, in its order (leaf first, spec §7.3). */
function chainCertificates(chainPem: string): string[] {
  const blocks = pemBlocks(chainPem);
  const certs = blocks.ok ? blocks.value.filter((b) => b.label === 'CERTIFICATE').map((b) => toBase64(b.der)) : [];
  if (certs.length === 0) throw new TypeError('the signer has no certificate chain to put in KeyInfo');
  return certs;
}
