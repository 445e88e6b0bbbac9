import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCompletionReceipt, type TramitaClient } from '../../src/client/tramita-client.ts';
import { generateRsaKeys, importRsaPrivateKeyPem, issueLeaf, privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { cryptoKeySigner, ECDSA_P256_SHA256, ecdsaCryptoKeySigner, type Signer } from '../../src/pki/signer.ts';
import { X509Certificate } from '../../src/pki/x509.ts';
import { loadIssuer } from '../../src/runtime/bootstrap.ts';
import { registerCertificate } from '../../src/runtime/register-certificate.ts';
import { buildPackageXml, type Pacote } from '../../src/xml/package-xml.ts';
import { tramitaStartBody } from '../../src/xml/package/to-tramita.ts';
import { receiptDate } from '../../src/xml/receipt-strings.ts';
import { signEnveloped, verifyEnveloped } from '../../src/xml/xmldsig.ts';
import { verifyEvidence } from '../../src/services/evidence/verify.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';
import { nativePackage, signedPackageXml } from '../harness/signed-packages.ts';
import { Xmlsec1Dir, xmlsec1, xmlsec1Verified } from '../xml/xmlsec1.ts';

/**
 * Issue 11 item 3, end to end over mTLS: a system starts a trâmite on the native face with a
 * package it signed (RSA-SHA256 or ECDSA P-256), uploads the components on the ticket as on the
 * Tramita face, and an SEI on the Tramita face receives the protocol's JSON and completes it; the
 * recipient fetches the sender's signed package and checks it itself (Elo and xmlsec1).
 */
const NATIVE = '../../../api/v1/tramites';
let t: TestHub;
let counter = 0;
const sender: Record<'rsa' | 'ec', { client: TramitaClient; signer: Signer; certPem: string }> = {} as never;

const leafPem = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/)![0];

beforeAll(async () => {
  t = await startTestHub();
  const estado = t.creds['sei-estado']!;
  sender.rsa = { client: t.client('sei-estado'), signer: cryptoKeySigner(await importRsaPrivateKeyPem(estado.key), estado.cert), certPem: leafPem(estado.cert) };
  // a second certificate of the same system, with a P-256 key, issued by the federation CA
  const keys = (await globalThis.crypto.subtle.generateKey(ECDSA_P256_SHA256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = new Date();
  const cert = await issueLeaf({ issuer: await loadIssuer(t.config), subject: 'CN=sei-estado, O=Estado', publicKey: keys.publicKey, purpose: 'client', at: now });
  await registerCertificate(t.hub.store, 'sei-estado', cert, now);
  const certPem = cert.toString('pem') + '\n';
  sender.ec = {
    client: t.client('sei-estado-ec', { cert: certPem, key: await privateKeyToPem(keys.privateKey), ca: t.caPem }),
    signer: ecdsaCryptoKeySigner(keys.privateKey, certPem),
    certPem,
  };
});
afterAll(async () => t?.close());

const pkg = (o: { remetente?: [number, string]; destinatario?: [number, string] } = {}) =>
  processoBody({
    protocolo: `88.${++counter}/2026`,
    remetente: o.remetente ?? [100, '1002'],
    destinatario: o.destinatario ?? [200, '2002'],
    documentos: [{ bytes: [new Uint8Array([counter, 1, 2, 3])] }, { bytes: [new Uint8Array([counter, 4, 5])] }],
  });

const post = (client: TramitaClient, xml: string) => client.call('POST', NATIVE, { rawBody: xml });
const problem = (r: { status: number; body: unknown; headers: Headers }) => {
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  return r.body as { code: string; codigoErro: string; detail?: string };
};

describe('native face: a trâmite started with a signed package', () => {
  it.each(['rsa', 'ec'] as const)(
    'starts with a package signed by the %s certificate, uploads on the ticket, and an SEI receives the JSON and completes it',
    async (kind) => {
      const { client, signer, certPem } = sender[kind];
      const p = pkg();
      const xml = await signedPackageXml(p.body, signer);
      const started = await post(client, xml);
      expect(started.status, started.text).toBe(200);
      const { IDT: idt, NRE: nre, ticketParaEnvioDeComponentesDigitais: ticket } = started.body as { IDT: number; NRE: string; ticketParaEnvioDeComponentesDigitais: string };
      expect(nre).toMatch(/^9\d{15}$/);
      const solicitados = (started.body as { processosComComponentesDigitaisSolicitados: { protocolo: string; hashes: string[] }[] }).processosComComponentesDigitaisSolicitados;
      expect(solicitados[0]!.hashes.sort()).toEqual(p.components.map((c) => c.hash).sort());
      // kept byte for byte, marked as the signed XML
      const rec = (await t.hub.store.tramites.get(idt))!;
      expect(rec.metadataFormat).toBe('xml-assinado');

      for (const c of p.components) {
        const up = await client.enviarComponente(String(ticket), { ...c, protocolo: p.body.processo.protocolo });
        expect(up.status, up.text).toBe(200);
      }

      const sei = t.client('sei-municipio');
      const meta = await sei.metadados(idt);
      expect(meta.status, meta.text).toBe(200);
      const expected = JSON.parse(new TextDecoder().decode(tramitaStartBody(nativePackage(p.body)))) as { processo: unknown };
      expect((meta.body as { processo: unknown }).processo).toEqual(expected.processo);
      expect(meta.body).toMatchObject({ IDT: idt, NRE: nre, remetente: { numeroDeIdentificacaoDaEstrutura: '1002' } });

      for (const c of p.components) {
        const d = await sei.baixarParte(idt, c.hash, p.body.processo.protocolo, 0, c.bytes.length);
        expect(d.status, d.text).toBe(200);
      }
      const view = (await sei.tramites({ IDT: idt })).body.tramites[0]!;
      const at4 = (view.mudancasDeSituacao as { situacao: number; dataHora: string }[]).find((m) => m.situacao === 4)!.dataHora;
      const dataDeRecebimento = receiptDate(new Date(at4));
      const hashes = p.components.map((c) => c.hash);
      const hashDaAssinatura = await signCompletionReceipt(t.creds['sei-municipio']!.key, { idt, nre, dataDeRecebimento, hashes });
      const receipt = await sei.enviarRecibo(idt, { dataDeRecebimento, hashDaAssinatura });
      expect(receipt.status, receipt.text).toBe(200);
      expect((await client.recibo(idt)).status).toBe(200);

      // the recipient fetches the sender's package and checks the sender's signature itself
      const got = await sei.call('GET', `${NATIVE}/${idt}/pacote-assinado`);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/xml');
      expect(got.text).toBe(xml);
      const v = await verifyEnveloped(got.text, { certificate: new X509Certificate(certPem) });
      expect(v.ok && v.value.algorithm).toBe(kind === 'rsa' ? 'rsa-sha256' : 'ecdsa-p256-sha256');
      const dir = new Xmlsec1Dir();
      try {
        const r = xmlsec1(['--verify', '--trusted-pem', dir.file('ca.pem', t.caPem), dir.file('pacote.xml', got.text)]);
        expect(xmlsec1Verified(r), r.output).toBe(true);
      } finally {
        dir.remove();
      }
      // the sender reads it too (a system that is no party: test/integration/route-callers.test.ts)
      expect((await client.call('GET', `${NATIVE}/${idt}/pacote-assinado`)).text).toBe(xml);

      // the dossiê: the hub's seal of what the sender signed, and the sender's package itself
      // (base64 of its exact bytes), both checked offline with the federation CA only
      const dossie = await sei.call('GET', `${NATIVE}/${idt}/dossie`);
      expect(dossie.status, dossie.text).toBe(200);
      const report = await verifyEvidence(dossie.text, { anchors: [new X509Certificate(t.caPem)] });
      expect(report.ok, JSON.stringify(report.primeiraFalha)).toBe(true);
      expect(report.verificacoes.filter((c) => c.parte === 'pacote do remetente' && c.ok).length).toBeGreaterThan(0);
      expect(dossie.text).toContain(`<pacoteDoRemetente>${Buffer.from(xml).toString('base64')}</pacoteDoRemetente>`);
    },
  );

  it('replays a trâmite started with a signed package: the replay keeps the package and the SEI reads it as JSON again', async () => {
    const { client, signer } = sender.rsa;
    const p = pkg();
    const xml = await signedPackageXml(p.body, signer);
    const started = (await post(client, xml)).body as { IDT: number; NRE: string; ticketParaEnvioDeComponentesDigitais: string };
    for (const c of p.components) await client.enviarComponente(String(started.ticketParaEnvioDeComponentesDigitais), { ...c, protocolo: p.body.processo.protocolo });
    const sei = t.client('sei-municipio');
    expect((await sei.metadados(started.IDT)).status).toBe(200);
    // the SEI refuses it (spec §2.21), so the sender may send the process again
    expect((await sei.call('POST', `tramites/${started.IDT}/recusa`, { json: { motivo: '99', justificativa: 'Processo incompleto' } })).status).toBe(200);
    expect((await client.call('GET', `tramites/${started.IDT}/ciencia`)).status).toBe(200);
    const r = await client.call('POST', `NREs/${started.NRE}/destinatarios/200/2002/reproducoes-de-tramite`, { json: [] });
    expect(r.status, r.text).toBe(200);
    const replay = (r.body as { tramiteDeProcessoCriado: { IDT: number; ticketParaEnvioDeComponentesDigitais: string } }).tramiteDeProcessoCriado;
    expect((await t.hub.store.tramites.get(replay.IDT))!.metadataFormat).toBe('xml-assinado');
    for (const c of p.components) await client.enviarComponente(String(replay.ticketParaEnvioDeComponentesDigitais), { ...c, protocolo: p.body.processo.protocolo });
    const meta = await sei.metadados(replay.IDT);
    expect(meta.status, meta.text).toBe(200);
    expect(meta.body).toMatchObject({ reproducaoDeTramite: true, processo: { protocolo: p.body.processo.protocolo } });
    expect((await sei.call('GET', `${NATIVE}/${replay.IDT}/pacote-assinado`)).text).toBe(xml);
  });

  it('starts a documento avulso from a signed package to its one destinatário', async () => {
    const p = pkg();
    const body = {
      cabecalho: { remetente: p.body.cabecalho.remetente, destinatarios: [p.body.cabecalho.destinatario] },
      documento: { ...p.body.processo.documentos[0], protocolo: `${p.body.processo.protocolo}-doc` },
    };
    const xml = await signedPackageXml(body, sender.ec.signer, 'documento');
    const started = await post(sender.ec.client, xml);
    expect(started.status, started.text).toBe(200);
    const s = started.body as { IDT: number; ticketParaEnvioDeComponentesDigitais: string; componentesDigitaisSolicitados: string[] };
    expect(s.componentesDigitaisSolicitados).toEqual([p.components[0]!.hash]);
    const up = await sender.ec.client.enviarComponente(String(s.ticketParaEnvioDeComponentesDigitais), { ...p.components[0]!, protocolo: body.documento.protocolo });
    expect(up.status, up.text).toBe(200);
    const meta = await t.client('sei-municipio').metadados(s.IDT);
    expect(meta.status, meta.text).toBe(200);
    expect(meta.body).toMatchObject({ documento: { protocolo: body.documento.protocolo, especie: { codigo: 42 } } });
  });

  it('answers 9082 for the signed package of a trâmite started with JSON on the Tramita face', async () => {
    const p = pkg();
    const started = await t.client('sei-estado').iniciarProcesso(p.body);
    const r = await t.client('sei-estado').call('GET', `${NATIVE}/${started.body.IDT}/pacote-assinado`);
    expect(r.status).toBe(404);
    expect(problem(r)).toMatchObject({ code: 'signed_package_absent', codigoErro: '9082' });
  });
});

describe('native face: refused signed packages change nothing', () => {
  const refusals: [string, () => Promise<string>, string, string][] = [
    ['a package changed by one byte after signing', async () => (await signedPackageXml(pkg().body, sender.rsa.signer)).replace('Fulana', 'Fulano'), 'xml_signature_digest_mismatch', '9061'],
    [
      "a package signed by another system's certificate of the same federation",
      async () => {
        const other = t.creds['sei-municipio']!;
        return signedPackageXml(pkg().body, cryptoKeySigner(await importRsaPrivateKeyPem(other.key), other.cert));
      },
      'xml_signature_wrong_certificate',
      '9062',
    ],
    [
      'a wrapped signature (the signed package under an attacker root)',
      async () => {
        const signed = await signedPackageXml(pkg().body, sender.rsa.signer);
        const body = signed.replace('<?xml version="1.0" encoding="UTF-8"?>\n', '');
        return buildPackageXml(nativePackage(pkg().body)).replace('</pacote>', `<w:x xmlns:w="urn:x">${body}</w:x></pacote>`);
      },
      'xml_signature_form_refused',
      '9059',
    ],
    ['an unsigned package', async () => buildPackageXml(nativePackage(pkg().body)), 'xml_signature_form_refused', '9059'],
    ['a package with a DOCTYPE', async () => (await signedPackageXml(pkg().body, sender.rsa.signer)).replace('<pacote ', '<!DOCTYPE pacote [<!ENTITY e "x">]><pacote '), 'xml_doctype_refused', '9051'],
    ['a package with a processing instruction', async () => (await signedPackageXml(pkg().body, sender.rsa.signer)).replace('<pacote ', '<?php evil ?><pacote '), 'xml_processing_instruction_refused', '9053'],
    ['a package whose remetente is a unit the system may not send for', async () => signedPackageXml(pkg({ remetente: [200, '2002'], destinatario: [100, '1002'] }).body, sender.rsa.signer), 'not_authorised', '9002'],
    [
      'a package whose cabeçalho carries an IDT',
      async () => {
        const m = nativePackage(pkg().body);
        return signEnveloped(buildPackageXml({ ...m, cabecalho: { ...m.cabecalho, IDT: 7 } } as Pacote), sender.rsa.signer);
      },
      'signed_package_refused',
      '9081',
    ],
  ];

  it.each(refusals)('refuses %s with its code and keeps the store as it was', async (_what, make, code, codigoErro) => {
    const xml = await make();
    const before = t.snapshot();
    const r = await post(sender.rsa.client, xml);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(problem(r)).toMatchObject({ code, codigoErro });
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a second signed package of an NRE whose trâmite is still open (0044), as the Tramita face does', async () => {
    const first = await post(sender.rsa.client, await signedPackageXml(pkg().body, sender.rsa.signer));
    expect(first.status, first.text).toBe(200);
    const nre = (first.body as { NRE: string }).NRE;
    const p = pkg();
    const again = await signedPackageXml({ ...p.body, cabecalho: { ...p.body.cabecalho, NRE: nre } }, sender.rsa.signer);
    const before = t.snapshot();
    const r = await post(sender.rsa.client, again);
    expect(r.status).toBe(409);
    expect(problem(r)).toMatchObject({ code: 'tramite_already_open', codigoErro: '0044' });
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a package signed by the RSA certificate when the system calls with its ECDSA one (9062)', async () => {
    const xml = await signedPackageXml(pkg().body, sender.rsa.signer);
    const before = t.snapshot();
    const r = await post(sender.ec.client, xml);
    expect(problem(r)).toMatchObject({ codigoErro: '9062' });
    expect(t.snapshot()).toEqual(before);
  });
});
