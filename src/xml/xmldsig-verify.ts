import { err, ok, type Result } from '../domain/result.ts';
import { fromBase64 } from '../pki/encoding.ts';
import type { SignerAlgorithm } from '../pki/signer.ts';
import type { X509Certificate } from '../pki/x509.ts';
import { guardXml, type XmlLimits, type XmlRefusal } from './guard.ts';
import { exclusiveC14n } from './c14n.ts';
import { parseSignatureTree, type XmlElement, type XmlNode } from './signature-tree.ts';
import {
  algorithmByUri,
  algorithmOfCertificate,
  algorithmOfKey,
  parseCertificate,
  DSIG_NS,
  ENVELOPED,
  EXC_C14N,
  SHA256,
  verificationKey,
  verifyParams,
} from './xmldsig-algorithms.ts';

/**
 * Which key a signature must verify with. The caller decides (issue 11): the sender's mTLS
 * certificate for a sender-signed package, or the KeyInfo leaf for a hub seal or a dossiê, whose
 * chain the caller then anchors at the federation CA itself.
 */
export type VerifyWith =
  /** The expected signer: KeyInfo, when present, must name this certificate first. */
  | { certificate: X509Certificate }
  /** An already imported public key (RSASSA-PKCS1-v1_5/SHA-256 or ECDSA P-256), e.g. for a benchmark. */
  | { publicKey: CryptoKey }
  /** The first certificate of KeyInfo; returned as `signer` for the caller to validate. */
  | { keyInfoLeaf: true };

export interface VerifyOptions {
  limits?: Partial<XmlLimits>;
}

export interface VerifiedXml {
  /**
   * The exact canonical XML that the signature's digest covers: the root element, exclusive c14n,
   * without its Signature. Business code reads THIS (parsed behind guardXml), never nodes looked
   * up again in the received document: that is how signature wrapping is defeated.
   */
  signedXml: string;
  algorithm: SignerAlgorithm;
  /** Every X509Certificate of KeyInfo, in document order (leaf first by XMLDSig practice). */
  certificates: X509Certificate[];
  /** The certificate whose key verified: the given one, or the KeyInfo leaf; absent for a bare key. */
  signer: X509Certificate | undefined;
}

export type XmlSignatureCode =
  | XmlRefusal['code']
  | 'xml_signature_form_refused'
  | 'xml_signature_invalid'
  | 'xml_signature_digest_mismatch'
  | 'xml_signature_wrong_certificate';

type Refused = { ok: false; error: XmlRefusal };

const form = (message: string): Refused =>
  err({
    code: 'xml_signature_form_refused',
    message: `A assinatura XML não tem a forma que o Elo aceita: ${message} O Elo aceita uma única assinatura envelopada, filha da raiz, com uma referência ao documento inteiro (URI=""), transformações enveloped-signature e exc-c14n, SHA-256 e RSA-SHA256 ou ECDSA-SHA256 (P-256).`,
  });

const ID_ATTRIBUTES = ['Id', 'ID', 'id'];

/**
 * Verifies an enveloped XMLDSig signature over a whole document, strictly (issue 11, items 3 and 6):
 *
 * 1. guardXml first: no DOCTYPE, entity, processing instruction or comment, bounded size, depth
 *    and element count, all before a parser runs;
 * 2. parsed once (signature-tree.ts: saxes, every error fatal); exactly one ds:Signature in the document, a child of
 *    the root; exactly one SignedInfo anywhere; no other XMLDSig element outside it;
 * 3. SignedInfo exactly: exc-c14n, RSA-SHA256 or ECDSA-SHA256, one Reference to the root
 *    (URI="" or "#" + the root's own Id), transforms exactly enveloped-signature then exc-c14n,
 *    SHA-256; no Object, no Manifest;
 * 4. canonicalised once, on that same tree, with xml-crypto's ExclusiveCanonicalization (SignedInfo,
 *    then the root without its Signature); SHA-256 and the signature checked with WebCrypto
 *    against the chosen key (imported once per certificate): one code path for RSA and ECDSA,
 *    which xml-crypto lacks. xml-crypto's checkSignature is not used: it re-parses the document
 *    and runs XPath over all of it several times (most of its time on a 5,000-document package)
 *    and needs a synchronous key, and with the shape fixed by step 3 it has nothing more to decide;
 * 5. the result carries the canonical content that was digested, not a node of the document.
 *
 * @example
 * const v = await verifyEnveloped(xml, { certificate: senderMtlsCert });
 * if (v.ok) readPackage(v.value.signedXml); else throw new EloError(v.error.code, v.error.message);
 */
export async function verifyEnveloped(xml: string, using: VerifyWith, opts: VerifyOptions = {}): Promise<Result<VerifiedXml, XmlRefusal>> {
  const guarded = guardXml(xml, opts.limits);
  if (!guarded.ok) return guarded;

  const parsed = parseSignatureTree(xml);
  if (!parsed.ok) return parsed;
  const root = parsed.value;

  const scan = scanDocument(root);
  if (scan.signatures.length === 0) return form('o documento não tem assinatura (ds:Signature).');
  if (scan.signatures.length > 1) return form(`o documento tem ${scan.signatures.length} assinaturas; deve ter exatamente uma.`);
  const signature = scan.signatures[0]!;
  if (signature.parentNode !== root) return form('a assinatura não é filha direta do elemento raiz.');
  if (scan.signedInfoCount !== 1) return form('o documento tem mais de um elemento SignedInfo.');
  if (scan.strayDsig) return form(`há um elemento do XMLDSig, ou com o nome de um, fora da assinatura (${scan.strayDsig}).`);

  const shape = checkShape(signature, root);
  if (!shape.ok) return shape;
  const { algorithm, keyInfoCerts } = shape.value;

  const certificates: X509Certificate[] = [];
  for (const [i, b64] of keyInfoCerts.entries()) {
    const cert = parseCertificate(b64);
    if (!cert) return form(`o certificado nº ${i + 1} de KeyInfo/X509Data não é um certificado X.509 em base64.`);
    certificates.push(cert);
  }

  // The key the signature must verify with, and that it fits the declared algorithm.
  let key: CryptoKey;
  let signer: X509Certificate | undefined;
  if ('publicKey' in using) {
    if (algorithmOfKey(using.publicKey) !== algorithm) return wrongKeyType(algorithm);
    key = using.publicKey;
  } else {
    signer = 'certificate' in using ? using.certificate : certificates[0];
    if (!signer) return form('KeyInfo não traz o certificado de quem assinou (X509Data/X509Certificate).');
    const leaf = certificates[0];
    if ('certificate' in using && leaf && !sameCertificate(leaf, using.certificate)) {
      return err({
        code: 'xml_signature_wrong_certificate',
        message: `O documento foi assinado por outro certificado ("${leaf.subject}"), e não pelo esperado ("${using.certificate.subject}"). Assine com o certificado do sistema que envia.`,
      });
    }
    if (algorithmOfCertificate(signer) !== algorithm) return wrongKeyType(algorithm);
    try {
      key = await verificationKey(signer, algorithm);
    } catch {
      return wrongKeyType(algorithm);
    }
  }

  // Canonicalise once, on the tree parsed above, with xml-crypto's own exclusive c14n (never a
  // hand-written one), in the order of the Reference processing model (XMLDSig §4.4.3.2):
  // SignedInfo first (it lives inside the Signature), then the enveloped-signature transform
  // (the Signature leaves the node-set: this DOM is ours and nothing reads it afterwards), then
  // exc-c14n of the root. The guard has refused comments and processing instructions, the only
  // nodes xml-crypto's c14n renders differently from xmlsec1.
  let signedInfoCanon: string;
  let signedXml: string;
  try {
    signedInfoCanon = exclusiveC14n(shape.value.signedInfo);
    root.removeChild(signature);
    signedXml = exclusiveC14n(root);
  } catch (e) {
    return form(`o documento não pôde ser canonicalizado (${(e instanceof Error ? e.message : String(e)).slice(0, 200)}).`);
  }

  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(signedXml)));
  const declared = fromBase64(shape.value.digestValue.replace(/\s+/g, ''));
  if (!declared || !sameBytes(digest, declared)) {
    return err({
      code: 'xml_signature_digest_mismatch',
      message: 'O conteúdo do documento mudou depois de assinado: o resumo SHA-256 não confere com o DigestValue da assinatura. Peça o documento original a quem o assinou.',
    });
  }

  const value = fromBase64(shape.value.signatureValue.replace(/\s+/g, ''));
  let valid = false;
  if (value) {
    try {
      valid = await globalThis.crypto.subtle.verify(verifyParams[algorithm], key, value, new TextEncoder().encode(signedInfoCanon));
    } catch {
      valid = false;
    }
  }
  if (!valid) {
    return err({
      code: 'xml_signature_invalid',
      message: 'A assinatura XML não confere: o SignatureValue não foi produzido pela chave esperada sobre este SignedInfo (assinatura alterada ou de outra chave). Peça o documento original a quem o assinou.',
    });
  }
  return ok({ signedXml, algorithm, certificates, signer });
}

interface Scan {
  signatures: XmlElement[];
  signedInfoCount: number;
  strayDsig: string | undefined;
}

/**
 * One iterative walk over the tree (no recursion: depth is bounded by the guard, but a loop costs
 * nothing): every ds:Signature, every element named SignedInfo in any namespace (xml-crypto finds
 * SignedInfo's ancestors by local name alone), and any XMLDSig element outside a Signature.
 */
function scanDocument(root: XmlElement): Scan {
  const signatures: XmlElement[] = [];
  let signedInfoCount = 0;
  let strayDsig: string | undefined;
  let node: XmlNode | null = root;
  while (node) {
    let descend = node.nodeType === 1;
    if (node.nodeType === 1) {
      const el = node as XmlElement;
      if (el.namespaceURI === DSIG_NS && el.localName === 'Signature') {
        // Its subtree is checked here in one go: a Signature nested in it counts as another one.
        signatures.push(el, ...el.getElementsByTagNameNS(DSIG_NS, 'Signature'));
        signedInfoCount += el.getElementsByTagNameNS('*', 'SignedInfo').length;
        descend = false;
      } else {
        // xml-crypto's c14n reads InclusiveNamespaces from a child named CanonicalizationMethod of
        // the element it canonicalises, in any namespace: none may sit in the content.
        if (el.localName === 'SignedInfo') signedInfoCount++;
        if (el.localName === 'CanonicalizationMethod') strayDsig ??= el.nodeName;
        if (el.namespaceURI === DSIG_NS) strayDsig ??= el.localName ?? el.nodeName;
      }
    }
    if (descend && node.firstChild) {
      node = node.firstChild;
      continue;
    }
    while (node && node !== root && !node.nextSibling) node = node.parentNode;
    if (!node || node === root) break;
    node = node.nextSibling;
  }
  return { signatures, signedInfoCount, strayDsig };
}

/** XmlElement children; text other than whitespace, comments or PIs between them make the shape wrong. */
function elementChildren(el: XmlElement): XmlElement[] | undefined {
  const out: XmlElement[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1) out.push(c as XmlElement);
    else if (c.nodeType === 3 && /^\s*$/.test(c.nodeValue ?? '')) continue;
    else return undefined;
  }
  return out;
}

const isDsig = (el: XmlElement | undefined, name: string): el is XmlElement => !!el && el.namespaceURI === DSIG_NS && el.localName === name;

function checkShape(
  signature: XmlElement,
  root: XmlElement,
): Result<
  { algorithm: SignerAlgorithm; keyInfoCerts: string[]; signedInfo: XmlElement; signatureValue: string; digestValue: string },
  XmlRefusal
> {
  const parts = elementChildren(signature);
  if (!parts) return form('a assinatura tem texto ou outro conteúdo fora dos seus elementos.');
  const [signedInfo, signatureValue, keyInfo, ...rest] = parts;
  if (!isDsig(signedInfo, 'SignedInfo') || !isDsig(signatureValue, 'SignatureValue')) {
    return form('a assinatura deve começar por SignedInfo e SignatureValue.');
  }
  if (keyInfo && !isDsig(keyInfo, 'KeyInfo')) return form(`a assinatura tem um elemento ${(keyInfo as XmlElement).localName} onde só cabe KeyInfo (Object e Manifest não são aceitos).`);
  if (rest.length > 0) return form('a assinatura tem elementos além de SignedInfo, SignatureValue e KeyInfo.');
  if (signatureValue.getElementsByTagName('*').length > 0) return form('SignatureValue deve conter só base64.');

  const info = elementChildren(signedInfo);
  if (!info) return form('SignedInfo tem conteúdo fora dos seus elementos.');
  const [c14n, method, ...references] = info;
  if (!isDsig(c14n, 'CanonicalizationMethod') || c14n.getAttribute('Algorithm') !== EXC_C14N || c14n.firstChild) {
    return form(`a canonicalização de SignedInfo é "${c14n?.getAttribute('Algorithm') ?? '?'}", e deve ser exc-c14n sem comentários (${EXC_C14N}).`);
  }
  const uri = isDsig(method, 'SignatureMethod') ? method.getAttribute('Algorithm') ?? '' : '';
  const algorithm = algorithmByUri[uri];
  if (!algorithm || method?.firstChild) return form(`o algoritmo de assinatura "${uri}" não é aceito.`);
  if (references.length !== 1 || !isDsig(references[0], 'Reference')) {
    return form(`SignedInfo tem ${references.length} referências; deve ter exatamente uma (Reference).`);
  }
  const reference = references[0];

  const refUri = reference.getAttribute('URI');
  if (refUri === null) return form('a referência não tem URI; use URI="" (o documento inteiro).');
  if (refUri !== '') {
    const id = refUri.startsWith('#') ? refUri.slice(1) : undefined;
    const rootIds = ID_ATTRIBUTES.map((a) => root.getAttribute(a)).filter((v) => v !== null && v !== '');
    if (id === undefined || !rootIds.includes(id)) {
      return form(`a referência aponta "${refUri}", que não é o elemento raiz; só o documento inteiro (URI="") ou o Id da raiz são aceitos.`);
    }
    // Another element carrying the same Id is the classic wrapping set-up: refuse it outright.
    const all = root.getElementsByTagName('*');
    for (let i = 0; i < all.length; i++) {
      const el = all[i]!;
      for (const attr of el.attributes) {
        if (ID_ATTRIBUTES.includes(attr.localName ?? attr.name) && attr.value === id) {
          return form(`mais de um elemento tem o Id que a referência aponta ("${id}"): tentativa de embrulhar a assinatura.`);
        }
      }
    }
  }
  const refParts = elementChildren(reference);
  const [transforms, digestMethod, digestValue, ...refRest] = refParts ?? [];
  if (!isDsig(transforms, 'Transforms') || !isDsig(digestMethod, 'DigestMethod') || !isDsig(digestValue, 'DigestValue') || refRest.length > 0) {
    return form('a referência deve ter exatamente Transforms, DigestMethod e DigestValue.');
  }
  const steps = elementChildren(transforms);
  const names = (steps ?? []).map((t) => (isDsig(t, 'Transform') && !t.firstChild ? t.getAttribute('Algorithm') : 'inválida'));
  if (names.length !== 2 || names[0] !== ENVELOPED || names[1] !== EXC_C14N) {
    return form(`as transformações são [${names.join(', ')}]; devem ser exatamente enveloped-signature e exc-c14n, nesta ordem.`);
  }
  if (digestMethod.getAttribute('Algorithm') !== SHA256 || digestMethod.firstChild) {
    return form(`o resumo é "${digestMethod.getAttribute('Algorithm') ?? '?'}"; deve ser SHA-256 (${SHA256}).`);
  }
  if (digestValue.getElementsByTagName('*').length > 0) return form('DigestValue deve conter só base64.');

  const keyInfoCerts: string[] = [];
  if (keyInfo) {
    for (const data of elementChildren(keyInfo) ?? []) {
      if (!isDsig(data, 'X509Data')) continue; // KeyName, KeyValue: not used to choose the key
      for (const item of elementChildren(data) ?? []) {
        if (isDsig(item, 'X509Certificate')) keyInfoCerts.push(item.textContent ?? '');
      }
    }
  }
  return ok({ algorithm, keyInfoCerts, signedInfo, signatureValue: signatureValue.textContent ?? '', digestValue: digestValue.textContent ?? '' });
}

const sameCertificate = (a: X509Certificate, b: X509Certificate): boolean => sameBytes(new Uint8Array(a.rawData), new Uint8Array(b.rawData));

function sameBytes(x: Uint8Array, y: Uint8Array): boolean {
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}


const wrongKeyType = (algorithm: SignerAlgorithm): Refused =>
  err({
    code: 'xml_signature_wrong_certificate',
    message: `A assinatura declara ${algorithm === 'rsa-sha256' ? 'RSA-SHA256' : 'ECDSA-SHA256 (P-256)'}, mas a chave do certificado esperado é de outro tipo. Assine com a chave do certificado do sistema.`,
  });
