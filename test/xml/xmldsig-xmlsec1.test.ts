import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signEnveloped, verifyEnveloped } from '../../src/xml/xmldsig.ts';
import { makeXmlTestPki, type XmlTestPki } from './xml-pki.ts';
import { xmlsec1, Xmlsec1Dir, xmlsec1Verified } from './xmlsec1.ts';

/**
 * Issue 11 "Done when": what Elo signs verifies with `xmlsec1 --verify --trusted-pem <CA>` and no
 * other option, and what xmlsec1 signs from a template is accepted by Elo. Debian's xmlsec1
 * 1.2.37 (OpenSSL) supports ecdsa-sha256, so both algorithms are checked both ways.
 */
let pki: XmlTestPki;
let dir: Xmlsec1Dir;
let caFile: string;

const doc =
  '<?xml version="1.0" encoding="UTF-8"?>\n<pacote xmlns="urn:elo:pacote:1" xml:lang="pt-BR" versao="1">' +
  '<processo protocolo="00000.000001/2026-01"><documento ordem="1" especie="Ofício">não aprovado &amp; arquivado &#233;</documento>' +
  '<documento ordem="2"><![CDATA[<b>negrito</b>]]></documento></processo></pacote>\n';

const template = (algorithmUri: string) =>
  '<?xml version="1.0" encoding="UTF-8"?>\n<pacote xmlns="urn:elo:pacote:1"><decisao>aprovado</decisao>' +
  '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
  '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
  `<ds:SignatureMethod Algorithm="${algorithmUri}"/>` +
  '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>' +
  '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>' +
  '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>' +
  '<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></pacote>\n';

beforeAll(async () => {
  pki = await makeXmlTestPki();
  dir = new Xmlsec1Dir();
  caFile = dir.file('ca.pem', pki.caPem);
});
afterAll(() => dir.remove());

describe('Elo-signed documents checked by xmlsec1', () => {
  it('verifies an RSA-SHA256 signature with only --trusted-pem, and fails the same file with one byte changed', async () => {
    const signed = await signEnveloped(doc, pki.rsa.signer);
    const r = xmlsec1(['--verify', '--trusted-pem', caFile, dir.file('rsa.xml', signed)]);
    expect(xmlsec1Verified(r), r.output).toBe(true);

    const tampered = xmlsec1(['--verify', '--trusted-pem', caFile, dir.file('rsa-t.xml', signed.replace('arquivado', 'arquivadO'))]);
    expect(xmlsec1Verified(tampered)).toBe(false);
    expect(tampered.status).not.toBe(0);
  });

  it('verifies an ECDSA-SHA256 (P-256) signature, with a ds: prefix, with only --trusted-pem', async () => {
    const signed = await signEnveloped(doc, pki.ec.signer, { prefix: 'ds' });
    expect(signed).toContain('<ds:Signature xmlns:ds=');
    const r = xmlsec1(['--verify', '--trusted-pem', caFile, dir.file('ec.xml', signed)]);
    expect(xmlsec1Verified(r), r.output).toBe(true);
  });

  it('verifies a signature whose KeyInfo carries the whole chain, leaf first', async () => {
    const signer = { ...pki.rsa.signer, chainPem: pki.rsa.certPem + pki.caPem };
    const signed = await signEnveloped(doc, signer);
    expect(signed.match(/<X509Certificate>/g)).toHaveLength(2);
    const r = xmlsec1(['--verify', '--trusted-pem', caFile, dir.file('chain.xml', signed)]);
    expect(xmlsec1Verified(r), r.output).toBe(true);
  });

  it('verifies documents with an empty root, a prefixed root, CRLF line ends and namespaces declared but unused', async () => {
    const docs = [
      '<pacote xmlns="urn:elo:pacote:1"/>',
      '<p:pacote xmlns:p="urn:elo:pacote:1" xmlns:q="urn:q" xml:lang="pt"><p:d q:a="1">x\r\ny</p:d></p:pacote >\r\n',
      '<?xml version="1.0"?>\r\n<pacote xmlns="urn:elo:pacote:1"><x xmlns="urn:outro"><y xmlns="">z</y></x></pacote>',
    ];
    for (const [i, d] of docs.entries()) {
      const signed = await signEnveloped(d, i === 1 ? pki.ec.signer : pki.rsa.signer, { prefix: i === 2 ? 'ds' : undefined });
      const r = xmlsec1(['--verify', '--trusted-pem', caFile, dir.file(`shape-${i}.xml`, signed)]);
      expect(xmlsec1Verified(r), `${d}\n${r.output}`).toBe(true);
    }
  });

  it('shows xmlsec1 refusing the processing-instruction forgery that plain xml-crypto accepts', async () => {
    const signed = await signEnveloped('<pacote xmlns="urn:elo:pacote:1"><decisao>not approved</decisao></pacote>', pki.rsa.signer);
    const forged = signed.replace('not approved', '<?x not ?>approved');
    const r = xmlsec1(['--verify', '--trusted-pem', caFile, dir.file('pi.xml', forged)]);
    expect(xmlsec1Verified(r)).toBe(false);
  });
});

describe('xmlsec1-signed templates accepted by verifyEnveloped', () => {
  const cases = [
    ['RSA-SHA256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'rsa', 'rsa-sha256'],
    ['ECDSA-SHA256', 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', 'ec', 'ecdsa-p256-sha256'],
  ] as const;
  for (const [name, uri, party, algorithm] of cases) {
    it(`accepts a ${name} template signed by xmlsec1, with the expected certificate and with the KeyInfo leaf`, async () => {
      const p = pki[party];
      const key = dir.file(`${party}-key.pem`, p.keyPem);
      const cert = dir.file(`${party}-cert.pem`, p.certPem);
      const out = `${dir.path}/${party}-signed.xml`;
      const r = xmlsec1(['--sign', '--privkey-pem', `${key},${cert}`, '--output', out, dir.file(`${party}-tmpl.xml`, template(uri))]);
      expect(r.status, r.output).toBe(0);
      const signed = dir.read(`${party}-signed.xml`);

      const withCert = await verifyEnveloped(signed, { certificate: p.certificate });
      expect(withCert.ok, JSON.stringify(!withCert.ok && withCert.error)).toBe(true);
      if (!withCert.ok) return;
      expect(withCert.value.algorithm).toBe(algorithm);
      expect(withCert.value.signedXml).toBe('<pacote xmlns="urn:elo:pacote:1"><decisao>aprovado</decisao></pacote>');

      const withLeaf = await verifyEnveloped(signed, { keyInfoLeaf: true });
      expect(withLeaf.ok && withLeaf.value.signer?.subject).toBe(p.certificate.subject);

      // and Elo refuses xmlsec1's output once a byte of the content changes
      const tampered = await verifyEnveloped(signed.replace('aprovado', 'aprovadO'), { certificate: p.certificate });
      expect(!tampered.ok && tampered.error.code).toBe('xml_signature_digest_mismatch');
    });
  }
});
