import { beforeAll, describe, expect, it } from 'vitest';
import { makeXmlTestPki, type XmlTestPki } from '../../test/xml/xml-pki.ts';
import { processoBody } from '../../test/harness/packages.ts';
import { nativePackage, signedPackageXml } from '../../test/harness/signed-packages.ts';
import { completeTramite, componentRows, declaredHashes } from '../../test/harness/package-xml.ts';
import { buildPackageXml, pacoteFromStoredTramite, type Pacote } from './package-xml.ts';
import { tramitaStartBody } from './package/to-tramita.ts';
import { readSignedPackage, storedSignedPackage } from './signed-package.ts';
import { signEnveloped } from './xmldsig.ts';

/** Issue 11 item 3: the sender-signed package of the native face, read only from what is signed. */
let pki: XmlTestPki;
beforeAll(async () => {
  pki = await makeXmlTestPki();
});

const enc = (s: string) => new TextEncoder().encode(s);
const pkg = () => processoBody({ protocolo: '77.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1, 2, 3])] }] });

async function refusalOf(xml: string | Uint8Array, by = pki.rsa) {
  const r = await readSignedPackage(typeof xml === 'string' ? enc(xml) : xml, by.certificate);
  if (r.ok) throw new Error('accepted');
  expect(r.error.mensagem.length).toBeGreaterThan(30);
  return r.error;
}

describe('a package signed by the sending system', () => {
  it.each(['rsa', 'ec'] as const)('accepts one signed with the expected %s certificate and reads the signed model', async (kind) => {
    const body = pkg().body;
    const xml = await signedPackageXml(body, pki[kind].signer);
    const r = await readSignedPackage(enc(xml), pki[kind].certificate);
    if (!r.ok) throw r.error;
    expect(r.value.algorithm).toBe(kind === 'rsa' ? 'rsa-sha256' : 'ecdsa-p256-sha256');
    expect(r.value.pacote).toEqual(nativePackage(body));
    expect(r.value.startBody).toEqual(tramitaStartBody(nativePackage(body)));
    // the stored copy reads back to the same model without the key (the start body it maps to holds)
    expect(storedSignedPackage(enc(xml), 1)).toEqual(r.value.pacote);
  });

  it('refuses a package signed by another system of the same CA (9062)', async () => {
    const xml = await signedPackageXml(pkg().body, pki.otherRsa.signer);
    expect((await refusalOf(xml)).codigoErro).toBe('9062');
  });

  it('refuses a package changed by one byte after signing (9061)', async () => {
    const xml = await signedPackageXml(pkg().body, pki.rsa.signer);
    expect((await refusalOf(xml.replace('77.1/2026', '77.9/2026'))).codigoErro).toBe('9061');
  });

  it('refuses a signature wrapped below an attacker root (9059)', async () => {
    const xml = await signedPackageXml(pkg().body, pki.rsa.signer);
    const signature = xml.match(/<Signature .*<\/Signature>/)![0];
    const inner = xml.replace('<?xml version="1.0" encoding="UTF-8"?>\n', '').replace(signature, '');
    const evil = buildPackageXml(nativePackage(processoBody({ protocolo: '66.6/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([9])] }] }).body));
    const attack = evil.replace('</pacote>', `<w:x xmlns:w="urn:x">${inner}</w:x>${signature}</pacote>`);
    expect((await refusalOf(attack)).code).toMatch(/^xml_signature_(form_refused|digest_mismatch)$/);
  });

  it('refuses an unsigned package (9059), a DOCTYPE (9051), a processing instruction (9053) and bytes that are not UTF-8 (9058)', async () => {
    const plain = buildPackageXml(nativePackage(pkg().body));
    expect((await refusalOf(plain)).codigoErro).toBe('9059');
    const signed = await signedPackageXml(pkg().body, pki.rsa.signer);
    expect((await refusalOf(signed.replace('<pacote ', '<!DOCTYPE pacote [<!ENTITY x "y">]><pacote '))).codigoErro).toBe('9051');
    expect((await refusalOf(signed.replace('<pacote ', '<?evil x?><pacote '))).codigoErro).toBe('9053');
    expect((await refusalOf(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e]))).codigoErro).toBe('9058');
  });

  it('refuses a cabeçalho with an IDT or a hashDosMetadados, which only the hub writes (9081)', async () => {
    const model = nativePackage(pkg().body);
    const withIdt = await signEnveloped(buildPackageXml({ ...model, cabecalho: { ...model.cabecalho, IDT: 1000000001 } } as Pacote), pki.rsa.signer);
    expect((await refusalOf(withIdt)).codigoErro).toBe('9081');
    const hashed = { ...model, cabecalho: { ...model.cabecalho, hashDosMetadados: { algoritmo: 'SHA256', conteudo: 'lR1WYZc8lsHIi8qKOaAr1YXg1GOQm9CNRLIH2OW6bNM=' } } } as Pacote;
    expect((await refusalOf(await signEnveloped(buildPackageXml(hashed), pki.rsa.signer))).codigoErro).toBe('9081');
  });
});

describe('the package of a trâmite started with a signed package', () => {
  it('is the signed package with the NRE, IDT, names and date the hub filled, without hashDosMetadados', async () => {
    const body = pkg().body;
    const xml = await signedPackageXml(body, pki.ec.signer);
    const tramite = completeTramite({ metadataFormat: 'xml-assinado', nre: '9000000000000042', remetente: { repositoryId: 100, numero: '1002' }, destinatario: { repositoryId: 200, numero: '2002' } });
    const p = pacoteFromStoredTramite({ body: enc(xml), tramite, components: componentRows(declaredHashes(tramitaStartBody(nativePackage(body)))), names: { remetente: 'SEFAZ' } });
    expect(p.cabecalho).toMatchObject({ NRE: '9000000000000042', IDT: tramite.idt, dataDeRecebimentoDoUltimoComponenteDigital: tramite.componentsCompleteAt, remetente: { nome: 'SEFAZ' } });
    expect(p.cabecalho.hashDosMetadados).toBeUndefined();
    const sent = nativePackage(body);
    expect('processo' in p && p.processo).toEqual('processo' in sent && sent.processo);
  });
});
