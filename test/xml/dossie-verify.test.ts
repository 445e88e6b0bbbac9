import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointBytes } from '../../src/domain/audit-chain.ts';
import { toBase64 } from '../../src/pki/encoding.ts';
import { verifyEvidence } from '../../src/services/evidence/verify.ts';
import type { DossiePontoDeControle } from '../../src/xml/dossie.ts';
import { buildDossieXml, readDossieXml } from '../../src/xml/dossie.ts';
import { signEnveloped, verifyEnveloped } from '../../src/xml/xmldsig.ts';
import { makeTestDossie } from './dossie-fixture.ts';
import { makeXmlTestPki, type SigningParty } from './xml-pki.ts';
import { xmlsec1, Xmlsec1Dir, xmlsec1Verified } from './xmlsec1.ts';

/**
 * The dossiê (issue 11 items 4 and 5) on a test PKI: verified whole by Elo's verifier and by
 * xmlsec1 with only --trusted-pem, and one changed byte in each of its parts caught and named.
 */
let made: Awaited<ReturnType<typeof makeTestDossie>>;
let dir: Xmlsec1Dir;
let trust: { anchors: import('../../src/pki/x509.ts').X509Certificate[] };

beforeAll(async () => {
  made = await makeTestDossie();
  dir = new Xmlsec1Dir();
  trust = { anchors: [made.pki.ca.certificate] };
});
afterAll(() => dir.remove());

/** The text with one character changed inside the `nth` (0-based) element `name`'s text, at its middle. */
function changeByteIn(xml: string, name: string, nth = 0, offset?: number): string {
  let from = 0;
  for (let i = 0; i <= nth; i++) {
    from = xml.indexOf(`<${name}>`, from);
    if (from < 0) throw new Error(`<${name}> nº ${nth} não encontrado`);
    if (i < nth) from += 1;
  }
  const start = from + name.length + 2;
  const end = xml.indexOf(`</${name}>`, start);
  const at = start + (offset ?? Math.floor((end - start) / 2));
  const c = xml[at]!;
  const swapped = c === 'A' ? 'B' : c === '0' ? '1' : /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === 'a' ? 'b' : 'A';
  return xml.slice(0, at) + swapped + xml.slice(at + 1);
}


/** A checkpoint as the audit log signs it (domain/audit-chain.ts), by the dossiê's signer. */
async function checkpoint(over: Partial<DossiePontoDeControle> = {}, by: SigningParty = made.pki.rsa): Promise<DossiePontoDeControle> {
  const f = { cadeia: 'no-1', sequencia: 42, hash: 'ab'.repeat(32), em: made.dossie.geradoEm, ...over };
  const signature = await by.signer.sign(checkpointBytes({ chain: f.cadeia, position: f.sequencia, hash: f.hash, at: f.em }));
  return { ultimoEventoDoTramite: 40, assinatura: toBase64(signature), cadeiaDeCertificados: [toBase64(new Uint8Array(by.certificate.rawData))], ...f };
}
describe('dossiê', () => {
  it('verifies whole: every signature, chain, receipt string and the history, one line each', async () => {
    const r = await verifyEvidence(made.xml, trust);
    expect(r.primeiraFalha).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.tipo).toBe('dossie');
    expect(r.verificacoes.map((c) => c.parte)).toEqual([
      'revogação',
      'pacote selado',
      'pacote selado: cadeia de certificados',
      'pacote do remetente',
      'pacote do remetente: cadeia de certificados',
      'pacote do remetente',
      'recibo de envio',
      'recibo de envio: cadeia de certificados',
      'recibo de conclusão',
      'recibo de conclusão: cadeia de certificados',
      'histórico',
      'assinatura do dossiê',
    ]);
  });

  it('is verified by xmlsec1 with only --trusted-pem <CA>, and has exactly one signature of its own', () => {
    const r = xmlsec1(['--verify', '--trusted-pem', dir.file('ca.pem', made.pki.caPem), dir.file('dossie.xml', made.xml)]);
    expect(xmlsec1Verified(r), r.output).toBe(true);
    expect(made.xml.match(/<Signature /g)).toHaveLength(1);
  });

  it('is valid against federation/schemas/dossie.xsd, signed and with a checkpoint slot filled', async () => {
    const { spawnSync } = await import('node:child_process');
    const xsd = new URL('../../federation/schemas/dossie.xsd', import.meta.url).pathname;
    const withCheckpoint = await signEnveloped(
      buildDossieXml({ ...made.dossie, pontoDeControle: await checkpoint() }),
      made.pki.rsa.signer,
    );
    for (const [name, xml] of [['d.xml', made.xml], ['p.xml', withCheckpoint]] as const) {
      const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, dir.file(name, xml)], { encoding: 'utf8' });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it('reads back exactly the model it was built from', async () => {
    const v = await verifyEnveloped(made.xml, { keyInfoLeaf: true });
    if (!v.ok) throw new Error(v.error.message);
    const read = readDossieXml(v.value.signedXml);
    expect(read.ok && { ...read.value, resumos: undefined }).toEqual({ ...made.dossie, resumos: undefined });
  });

  const cases: [string, (xml: string) => string, string][] = [
    ['the dossiê signature value', (x) => changeByteIn(x, 'SignatureValue'), 'assinatura do dossiê'],
    ['the sealed package', (x) => changeByteIn(x, 'pacoteSelado'), 'pacote selado'],
    ["the sender's package", (x) => changeByteIn(x, 'pacoteDoRemetente'), 'pacote do remetente'],
    ['the send receipt signature', (x) => changeByteIn(x, 'assinatura', 0), 'recibo de envio'],
    ['the completion receipt signature', (x) => changeByteIn(x, 'assinatura', 1), 'recibo de conclusão'],
    ['a certificate of the completion receipt', (x) => changeByteIn(x, 'certificado', 1), 'recibo de conclusão'],
    ['the CRL', (x) => changeByteIn(x, 'conteudo'), 'revogação'],
    ['a time in the history', (x) => changeByteIn(x, 'em', 2, 15), 'histórico'],
  ];
  for (const [what, tamper, parte] of cases) {
    it(`catches one changed byte in ${what} and names "${parte}"`, async () => {
      const tampered = tamper(made.xml);
      expect(tampered).not.toBe(made.xml);
      expect(tampered.length).toBe(made.xml.length);
      const r = await verifyEnveloped(tampered, { keyInfoLeaf: true });
      expect(r.ok).toBe(false); // the hub's signature covers every part
      const report = await verifyEvidence(tampered, trust);
      expect(report.ok).toBe(false);
      expect(report.primeiraFalha?.parte, JSON.stringify(report.primeiraFalha)).toBe(parte);
      expect(report.verificacoes.some((c) => c.parte === 'assinatura do dossiê' && !c.ok)).toBe(true);
      const x = xmlsec1(['--verify', '--trusted-pem', dir.file('ca.pem', made.pki.caPem), dir.file('t.xml', tampered)]);
      expect(xmlsec1Verified(x)).toBe(false);
    });
  }

  it('refuses a send receipt whose listed hashes do not form its signed string, even in a dossiê the hub signed', async () => {
    const d = structuredClone(made.dossie);
    d.reciboDeEnvio!.hashes = [...d.reciboDeEnvio!.hashes.slice(1), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='];
    const xml = await signEnveloped(buildDossieXml(d), made.pki.rsa.signer);
    const r = await verifyEvidence(xml, trust);
    expect(r.primeiraFalha?.parte).toBe('recibo de envio');
    expect(r.primeiraFalha?.detalhe).toContain('string assinada');
  });

  it('refuses a receipt that signs a hash of no component of the sealed package', async () => {
    const { sendReceiptString } = await import('../../src/xml/receipt-strings.ts');
    const { toBase64 } = await import('../../src/pki/encoding.ts');
    const d = structuredClone(made.dossie);
    const r0 = d.reciboDeEnvio!;
    r0.hashes = ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', ...r0.hashes];
    r0.stringAssinada = sendReceiptString({ idt: d.IDT, nre: d.NRE, dataDeRecebimentoDoUltimoComponenteDigital: r0.data, hashes: r0.hashes });
    r0.assinatura = toBase64(await made.pki.rsa.signer.sign(new TextEncoder().encode(r0.stringAssinada)));
    const r = await verifyEvidence(await signEnveloped(buildDossieXml(d), made.pki.rsa.signer), trust);
    expect(r.primeiraFalha?.parte).toBe('recibo de envio');
    expect(r.primeiraFalha?.detalhe).toContain('não é de nenhum componente do pacote selado');
  });

  it('refuses a receipt signed by a certificate revoked before its date', async () => {
    const revokedAt = new Date(Date.now() - 2 * 3_600_000);
    const base = await makeTestDossie();
    const again = await makeTestDossie({ pki: base.pki, revoked: [{ serial: base.pki.otherRsa.certificate.serialNumber, at: revokedAt }] });
    const r = await verifyEvidence(again.xml, { anchors: [base.pki.ca.certificate] });
    expect(r.primeiraFalha?.parte).toBe('recibo de conclusão: cadeia de certificados');
    expect(r.primeiraFalha?.detalhe).toContain('revogado');
  });

  it('accepts a dossiê without CRLs (its CA never revoked anything), and refuses a CRL of that issuer signed by another key', async () => {
    const none = { ...made.dossie, lcrs: [] };
    const ok = await verifyEvidence(await signEnveloped(buildDossieXml(none), made.pki.rsa.signer), trust);
    expect(ok.ok, JSON.stringify(ok.primeiraFalha)).toBe(true);
    const { issueCrl } = await import('../../src/pki/ca/crl.ts');
    const { createRootCa } = await import('../../src/pki/ca/issue.ts');
    const { toBase64 } = await import('../../src/pki/encoding.ts');
    const { sha256 } = await import('../../src/pki/sha256.ts');
    // another CA with the same name as the federation's signs a CRL of "that" issuer
    const impostor = await createRootCa({ name: 'CN=Elo AC de Teste XML, O=Elo', at: new Date(Date.now() - 86_400_000) });
    const forged = new Uint8Array((await issueCrl({ issuer: impostor, entries: [], at: new Date() })).rawData);
    const lcr = { ...made.dossie.lcrs[0]!, sha256: toBase64(sha256(forged)), conteudo: toBase64(forged) };
    const bad = await verifyEvidence(await signEnveloped(buildDossieXml({ ...made.dossie, lcrs: [lcr] }), made.pki.rsa.signer), trust);
    expect(bad.ok).toBe(false);
    expect(bad.primeiraFalha?.detalhe).toContain('não foi assinada por essa AC');
  });

  it('verifies the audit checkpoint: the hub signature over its bytes, its chain, and that it covers the trâmite; names it when one of these fails', async () => {
    const dossieWith = async (p: DossiePontoDeControle) => verifyEvidence(await signEnveloped(buildDossieXml({ ...made.dossie, pontoDeControle: p }), made.pki.rsa.signer), trust);
    const good = await checkpoint();
    const ok = await dossieWith(good);
    expect(ok.ok, JSON.stringify(ok.primeiraFalha)).toBe(true);
    expect(ok.verificacoes.some((c) => c.parte === 'ponto de controle' && c.ok)).toBe(true);
    // a hash the hub did not sign (the signature is over chain, position, hash and time)
    const forged = await dossieWith({ ...good, hash: 'f'.repeat(64) });
    expect(forged.primeiraFalha?.parte).toBe('ponto de controle');
    expect(forged.primeiraFalha?.detalhe).toContain('não confere');
    // signed by a key of another federation, consistently (signature and certificate agree)
    const stranger = (await makeXmlTestPki()).rsa;
    const outsider = await dossieWith(await checkpoint({}, stranger));
    expect(outsider.primeiraFalha?.parte).toBe('ponto de controle');
    expect(outsider.primeiraFalha?.detalhe).toContain('âncora');
    // a checkpoint older than the trâmite's last event witnesses nothing of it
    const early = await dossieWith({ ...good, ultimoEventoDoTramite: good.sequencia + 1 });
    expect(early.primeiraFalha?.parte).toBe('ponto de controle');
    expect(early.primeiraFalha?.detalhe).toContain('antes do último evento');
  });

  it('refuses a dossiê checked against another trust anchor', async () => {
    const other = await makeTestDossie();
    const r = await verifyEvidence(made.xml, { anchors: [other.pki.ca.certificate] });
    expect(r.ok).toBe(false);
    expect(r.primeiraFalha?.parte).toBe('pacote selado: cadeia de certificados');
  });

  it('refuses a history whose transitions the workflow does not allow', async () => {
    const d = structuredClone(made.dossie);
    d.historico = [d.historico[0]!, { situacao: 5, em: d.historico[1]!.em }];
    const r = await verifyEvidence(await signEnveloped(buildDossieXml(d), made.pki.rsa.signer), trust);
    expect(r.primeiraFalha?.parte).toBe('histórico');
    expect(r.primeiraFalha?.detalhe).toContain('não é permitida');
  });
});

describe('signed packages alone', () => {
  it('verifies the sealed package and the sender package, each by itself', async () => {
    for (const xml of [made.sealed, made.senderXml]) {
      const r = await verifyEvidence(xml, trust);
      expect(r.tipo).toBe('pacote');
      expect(r.ok, JSON.stringify(r.primeiraFalha)).toBe(true);
    }
  });

  it('verifies the sealed package with xmlsec1 and only --trusted-pem', () => {
    const r = xmlsec1(['--verify', '--trusted-pem', dir.file('ca.pem', made.pki.caPem), dir.file('selo.xml', made.sealed)]);
    expect(xmlsec1Verified(r), r.output).toBe(true);
  });

  it('refuses a file with a DOCTYPE before any parser reads it', async () => {
    const r = await verifyEvidence('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><dossie xmlns="urn:elo:dossie:1">&a;</dossie>', trust);
    expect(r).toMatchObject({ tipo: 'desconhecido', ok: false, primeiraFalha: { parte: 'arquivo' } });
    expect(r.primeiraFalha?.detalhe).toContain('xml_doctype_refused');
  });

  it('names a file that is neither a dossiê nor a package', async () => {
    const r = await verifyEvidence('<?xml version="1.0"?><outro xmlns="urn:x"/>', trust);
    expect(r).toMatchObject({ tipo: 'desconhecido', ok: false, primeiraFalha: { parte: 'arquivo' } });
  });
});
