import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { EloError } from '../../src/domain/errors.ts';
import { ECDSA_SHA256_URI, signEnveloped, verifyEnveloped, type VerifyWith } from '../../src/xml/xmldsig.ts';
import { makeXmlTestPki, type XmlTestPki } from './xml-pki.ts';

/**
 * Issue 11 items 3 and 6: sender signatures accepted for RSA and ECDSA, refused when tampered,
 * when signed by another certificate and when wrapped; the xml-crypto processing-instruction flaw
 * shown and closed.
 */
let pki: XmlTestPki;
const NS = 'urn:elo:pacote:1';
const body = `<pacote xmlns="${NS}"><decisao>not approved</decisao><valor moeda="BRL">10</valor></pacote>`;
const RSA = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENV = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

beforeAll(async () => {
  pki = await makeXmlTestPki();
});

async function refusal(xml: string, using: VerifyWith = { certificate: pki.rsa.certificate }) {
  const r = await verifyEnveloped(xml, using);
  if (r.ok) throw new Error(`accepted: ${r.value.signedXml}`);
  expect(r.error.message.length).toBeGreaterThan(20);
  return r.error;
}

/** Plain xml-crypto with a PEM key: the baseline, and a way to build signatures Elo would not write. */
function plainSign(xml: string, opts: { xpath?: string; emptyUri?: boolean; algorithm?: string; c14n?: string; transforms?: string[]; digest?: string } = {}) {
  const s = new SignedXml({
    privateKey: pki.rsa.keyPem,
    publicCert: pki.rsa.certPem,
    signatureAlgorithm: opts.algorithm ?? RSA,
    canonicalizationAlgorithm: opts.c14n ?? EXC,
  });
  s.addReference({ xpath: opts.xpath ?? '/*', transforms: opts.transforms ?? [ENV, EXC], digestAlgorithm: opts.digest ?? SHA256, isEmptyUri: opts.emptyUri ?? false });
  s.computeSignature(xml);
  return s.getSignedXml();
}

function plainVerify(xml: string): boolean {
  const v = new SignedXml({ publicCert: pki.rsa.certPem });
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  v.loadSignature(doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]!);
  return v.checkSignature(xml);
}

/** Changes one base64 character of an element's text. */
const flipIn = (xml: string, element: string) =>
  xml.replace(new RegExp(`(<${element}>)(.)`), (_m, open: string, c: string) => open + (c === 'A' ? 'B' : 'A'));

describe('signEnveloped and verifyEnveloped, the happy paths', () => {
  it('signs with RSA-SHA256 and verifies with the expected certificate, returning the canonical signed content', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    expect(signed.endsWith('</Signature></pacote>')).toBe(true);
    const r = await verifyEnveloped(signed, { certificate: pki.rsa.certificate });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.signedXml).toBe(body);
    expect(r.value.algorithm).toBe('rsa-sha256');
    expect(r.value.certificates.map((c) => c.subject)).toEqual([pki.rsa.certificate.subject]);
    expect(r.value.signer).toBe(pki.rsa.certificate);
  });

  it('signs with ECDSA P-256 and verifies it with the certificate, with the KeyInfo leaf and with an imported key', async () => {
    const signed = await signEnveloped(body, pki.ec.signer);
    expect(signed).toContain(ECDSA_SHA256_URI);
    for (const using of [{ certificate: pki.ec.certificate }, { keyInfoLeaf: true as const }, { publicKey: pki.ec.keys.publicKey }]) {
      const r = await verifyEnveloped(signed, using);
      expect(r.ok && r.value.algorithm).toBe('ecdsa-p256-sha256');
    }
  });

  it('returns every KeyInfo certificate, leaf first, and the leaf as signer for the caller to validate', async () => {
    const signed = await signEnveloped(body, { ...pki.rsa.signer, chainPem: pki.rsa.certPem + pki.caPem });
    const r = await verifyEnveloped(signed, { keyInfoLeaf: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.certificates.map((c) => c.subject)).toEqual([pki.rsa.certificate.subject, pki.ca.certificate.subject]);
    expect(r.value.signer?.subject).toBe(pki.rsa.certificate.subject);
  });

  it('accepts a plain xml-crypto signature that references the root by its own Id', async () => {
    const signed = plainSign(body);
    expect(signed).toContain('Reference URI="#_0"');
    const r = await verifyEnveloped(signed, { certificate: pki.rsa.certificate });
    expect(r.ok).toBe(true);
  });

  it('refuses to sign a document with a comment, with the guard code', async () => {
    await expect(signEnveloped('<d><!-- x --></d>', pki.rsa.signer)).rejects.toMatchObject({ code: 'xml_comment_refused' });
    await expect(signEnveloped('<d><!-- x --></d>', pki.rsa.signer)).rejects.toBeInstanceOf(EloError);
  });
});

describe('the canonical content returned', () => {
  const tricky = [
    `<p:pacote xmlns:p="${NS}" xmlns:q="urn:q" xmlns:nao-usado="urn:n" xml:lang="pt-BR" z="1" a="2"><q:d q:x="&quot;&lt;&gt;&amp;" b="\t&#13;&#10;">a &gt; b &#xD; &#233;</q:d><p:e/></p:pacote>`,
    `<pacote xmlns="${NS}"><x xmlns="urn:outro"><y xmlns="">sem namespace</y></x><![CDATA[<não é marcação> & ]]></pacote>`,
    `<?xml version="1.0" encoding="UTF-8"?>\n<pacote xmlns="${NS}" xml:space="preserve">\n  <d>  espaços  </d>\n</pacote>\n`,
    `<pacote xmlns="${NS}" vazio="sim"/>`,
    `<p:pacote xmlns:p="${NS}"><p:d>x</p:d><p:pacote/></p:pacote >\r\n\n`,
  ];
  it('is byte for byte what plain xml-crypto reports as signed, and plain xml-crypto accepts the signature', async () => {
    for (const xml of tricky) {
      const signed = await signEnveloped(xml, pki.rsa.signer);
      expect(signed.startsWith(xml.slice(0, xml.indexOf('>') - 2)), 'the sender\'s bytes are kept').toBe(true);
      const r = await verifyEnveloped(signed, { certificate: pki.rsa.certificate });
      expect(r.ok, xml).toBe(true);
      const v = new SignedXml({ publicCert: pki.rsa.certPem });
      v.loadSignature(new DOMParser().parseFromString(signed, 'text/xml').getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]!);
      expect(v.checkSignature(signed)).toBe(true);
      expect(r.ok && r.value.signedXml).toBe(v.getSignedReferences()[0]);
    }
  });

  it('refuses an element named CanonicalizationMethod in the content, which xml-crypto would read as c14n options', async () => {
    const xml = `<pacote xmlns="${NS}"><m:CanonicalizationMethod xmlns:m="urn:m"><m:InclusiveNamespaces PrefixList="m"/></m:CanonicalizationMethod></pacote>`;
    const signed = await signEnveloped(xml, pki.rsa.signer).catch(() => plainSign(xml, { emptyUri: true }));
    expect((await refusal(signed)).code).toBe('xml_signature_form_refused');
  });
});

describe('tampering', () => {
  it('refuses one changed byte in the content as a digest mismatch', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    expect((await refusal(signed.replace('>10<', '>90<'))).code).toBe('xml_signature_digest_mismatch');
  });

  it('refuses one changed byte in SignatureValue, for RSA and for ECDSA', async () => {
    const rsa = await signEnveloped(body, pki.rsa.signer);
    expect((await refusal(flipIn(rsa, 'SignatureValue'))).code).toBe('xml_signature_invalid');
    const ec = await signEnveloped(body, pki.ec.signer);
    expect((await refusal(flipIn(ec, 'SignatureValue'), { certificate: pki.ec.certificate })).code).toBe('xml_signature_invalid');
  });

  it('refuses one changed byte in DigestValue', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    expect((await refusal(flipIn(signed, 'DigestValue'))).code).toBe('xml_signature_digest_mismatch');
  });

  it('refuses content and DigestValue changed together, because SignedInfo no longer matches its signature', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    const forged = await signEnveloped(body.replace('not approved', 'approved'), pki.otherRsa.signer);
    const digest = (x: string) => x.match(/<DigestValue>([^<]+)</)![1]!;
    const mixed = forged.replace(/<SignatureValue>[^<]+</, `<SignatureValue>${signed.match(/<SignatureValue>([^<]+)</)![1]}<`).replace(/<KeyInfo>.*<\/KeyInfo>/, signed.match(/<KeyInfo>.*<\/KeyInfo>/)![0]);
    expect(digest(mixed)).not.toBe(digest(signed));
    expect((await refusal(mixed)).code).toBe('xml_signature_invalid');
  });
});

describe('the wrong signer', () => {
  it('refuses a valid signature by another system of the same federation when the sender is expected', async () => {
    const signed = await signEnveloped(body, pki.otherRsa.signer);
    expect((await refusal(signed)).code).toBe('xml_signature_wrong_certificate');
  });

  it("refuses another system's signature that names the expected certificate in KeyInfo", async () => {
    const signed = await signEnveloped(body, { ...pki.otherRsa.signer, chainPem: pki.rsa.certPem });
    expect((await refusal(signed)).code).toBe('xml_signature_invalid');
  });

  it('refuses a key whose type does not fit the declared algorithm', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    expect((await refusal(signed, { publicKey: pki.ec.keys.publicKey })).code).toBe('xml_signature_wrong_certificate');
    const relabelled = signed.replace(RSA, ECDSA_SHA256_URI);
    expect((await refusal(relabelled, { keyInfoLeaf: true })).code).toBe('xml_signature_wrong_certificate');
  });
});

describe('signature wrapping', () => {
  it('refuses the signed root moved under a wrapper beneath an attacker root', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    const wrapped = `<pacote xmlns="${NS}"><decisao>approved</decisao><w:embrulho xmlns:w="urn:x">${signed}</w:embrulho></pacote>`;
    expect((await refusal(wrapped)).code).toBe('xml_signature_form_refused');
  });

  it('refuses the Signature lifted to an attacker root whose wrapper keeps the signed content', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    const signature = signed.match(/<Signature .*<\/Signature>/)![0];
    const attack = `<pacote xmlns="${NS}"><decisao>approved</decisao><w:embrulho xmlns:w="urn:x">${body}</w:embrulho>${signature}</pacote>`;
    expect((await refusal(attack)).code).toBe('xml_signature_digest_mismatch');
  });

  it('refuses an Id reference that points below an attacker root', async () => {
    const signed = plainSign(body); // <pacote Id="_0">…<Signature>…#_0…</Signature></pacote>
    const signature = signed.match(/<Signature .*<\/Signature>/)![0];
    const original = signed.replace(signature, '');
    const attack = `<pacote xmlns="${NS}" Id="mal"><decisao>approved</decisao><w:embrulho xmlns:w="urn:x">${original}</w:embrulho>${signature}</pacote>`;
    const e = await refusal(attack);
    expect(e.code).toBe('xml_signature_form_refused');
    expect(e.message).toContain('#_0');
  });

  it('refuses two elements with the same Id, the attacker one at the root', async () => {
    const signed = plainSign(body);
    const signature = signed.match(/<Signature .*<\/Signature>/)![0];
    const original = signed.replace(signature, '');
    const attack = `<pacote xmlns="${NS}" Id="_0"><decisao>approved</decisao><w:embrulho xmlns:w="urn:x">${original}</w:embrulho>${signature}</pacote>`;
    const e = await refusal(attack);
    expect(e.code).toBe('xml_signature_form_refused');
    expect(e.message).toMatch(/mais de um elemento tem o Id/);
  });

  it('refuses a signature over a non-root element even when it verifies', async () => {
    const signed = plainSign(body, { xpath: "//*[local-name(.)='decisao']", transforms: [EXC] });
    expect(plainVerify(signed)).toBe(true);
    expect((await refusal(signed)).code).toBe('xml_signature_form_refused');
  });
});

describe('signature form', () => {
  it('refuses a document without a signature, and one with two', async () => {
    expect((await refusal(body)).message).toMatch(/não tem assinatura/);
    const once = await signEnveloped(body, pki.rsa.signer);
    const twice = await signEnveloped(once, pki.rsa.signer);
    expect((await refusal(twice)).message).toMatch(/2 assinaturas/);
  });

  it('refuses algorithms, transforms and c14n outside the whitelist', async () => {
    const cases: [string, string][] = [
      [plainSign(body, { algorithm: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }), 'algoritmo de assinatura'],
      [plainSign(body, { digest: 'http://www.w3.org/2000/09/xmldsig#sha1' }), 'resumo'],
      [plainSign(body, { c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315' }), 'canonicalização'],
      [plainSign(body, { transforms: [ENV, 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments'] }), 'transformações'],
      [plainSign(body, { transforms: [EXC] }), 'transformações'],
    ];
    for (const [xml, words] of cases) {
      const e = await refusal(xml);
      expect(e.code).toBe('xml_signature_form_refused');
      expect(e.message).toContain(words);
    }
  });

  it('refuses an Object in the Signature, and an XMLDSig element outside it', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    expect((await refusal(signed.replace('</KeyInfo>', '</KeyInfo><Object>approved</Object>'))).code).toBe('xml_signature_form_refused');
    const stray = signed.replace('<decisao>', '<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/><decisao>');
    expect((await refusal(stray)).code).toBe('xml_signature_form_refused');
  });

  it('runs the guard before parsing: a DOCTYPE in a signed document is refused with its code', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    expect((await refusal(`<!DOCTYPE pacote [<!ENTITY x "y">]>${signed}`)).code).toBe('xml_doctype_refused');
  });
});

describe("xml-crypto's processing-instruction flaw", () => {
  it('exists: plain xml-crypto accepts <?x not ?>approved after signing "not approved", and a parser reads "approved"', () => {
    const signed = plainSign(body, { emptyUri: true });
    const forged = signed.replace('not approved', '<?x not ?>approved');
    expect(plainVerify(forged)).toBe(true);
    const decisao = new DOMParser().parseFromString(forged, 'text/xml').getElementsByTagNameNS(NS, 'decisao')[0]!;
    expect(decisao.textContent).toBe('approved');
  });

  it('is closed: verifyEnveloped refuses the forgery with the guard code, for an Elo signature too', async () => {
    const plain = plainSign(body, { emptyUri: true }).replace('not approved', '<?x not ?>approved');
    expect((await refusal(plain)).code).toBe('xml_processing_instruction_refused');
    const elo = (await signEnveloped(body, pki.rsa.signer)).replace('not approved', '<?x not ?>approved');
    expect((await refusal(elo)).code).toBe('xml_processing_instruction_refused');
  });

  it('and a comment in signed content, which the c14n drops, is refused too', async () => {
    const signed = await signEnveloped(body, pki.rsa.signer);
    const e = await refusal(signed.replace('not approved', 'not<!-- unsigned --> approved'));
    expect(e.code).toBe('xml_comment_refused');
  });
});
