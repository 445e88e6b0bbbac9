import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EloError } from '../../src/domain/errors.ts';
import { sealWorker } from '../../src/runtime/seal-preparer.ts';
import { prepareSeal, type PreparedSeal, type SealWork } from '../../src/services/evidence/seal.ts';
import { buildPackageXml, pacoteFromStoredTramite } from '../../src/xml/package-xml.ts';
import { signatureElement, signEnveloped, verifyEnveloped } from '../../src/xml/xmldsig.ts';
import { completeTramite, componentRows, declaredHashes, storedFixture } from '../harness/package-xml.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';
import { makeXmlTestPki, type XmlTestPki } from '../xml/xml-pki.ts';

/** The seal thread the hub hands to its services (services/deps.ts `sealPreparer`; ARCHITECTURE: a worker lives in runtime/). */
describe('sealWorker: hub seals prepared in a thread of their own', () => {
  let pki: XmlTestPki;
  beforeAll(async () => {
    pki = await makeXmlTestPki();
  });
  const worker = sealWorker();
  afterAll(() => worker.close());

  const work = (docs: number): SealWork => {
    const body = new TextEncoder().encode(
      JSON.stringify(processoBody({ protocolo: '7.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: Array.from({ length: docs }, (_, i) => ({ bytes: [bytesOf(8, i + 1)] })) }).body),
    );
    return { body, tramite: completeTramite(), components: componentRows(declaredHashes(body)) };
  };
  const signed = async (p: PreparedSeal) => {
    const signature = signatureElement({ signedInfo: p.signedInfo, prefix: undefined }, await pki.rsa.signer.sign(p.toSign), pki.rsa.signer.chainPem);
    return new TextDecoder().decode(p.head) + signature + new TextDecoder().decode(p.tail);
  };

  it('gives the seal signEnveloped gives on the event loop, byte for byte, and it verifies', async () => {
    const fixture = storedFixture('sei-processo-dois-documentos.json');
    const sealed = await signed(await worker.prepare({ ...fixture, body: new Uint8Array(fixture.body) }, 'rsa-sha256'));
    expect(sealed).toBe(await signEnveloped(buildPackageXml(pacoteFromStoredTramite(fixture)), pki.rsa.signer));
    expect((await verifyEnveloped(sealed, { certificate: pki.rsa.certificate })).ok).toBe(true);
  });

  it('prepares a package of 2,000 documents as the event loop would, moving the body in and the bytes out', async () => {
    const w = work(2000);
    const inThread = await prepareSeal({ ...w, body: new Uint8Array(w.body) }, 'rsa-sha256');
    const body = w.body;
    const fromWorker = await worker.prepare(w, 'rsa-sha256');
    expect(body.byteLength).toBe(0); // moved to the thread, not copied
    expect(Buffer.from(fromWorker.toSign).equals(Buffer.from(inThread.toSign))).toBe(true);
    expect(Buffer.from(fromWorker.head).equals(Buffer.from(inThread.head))).toBe(true);
    expect(Buffer.from(fromWorker.tail).equals(Buffer.from(inThread.tail))).toBe(true);
    expect((await verifyEnveloped(await signed(fromWorker), { certificate: pki.rsa.certificate })).ok).toBe(true);
  });

  it('prepares from a view into a larger buffer by copying it first', async () => {
    const fixture = storedFixture('sei-processo-dois-documentos.json');
    const padded = new Uint8Array(fixture.body.byteLength + 10);
    padded.set(fixture.body, 5);
    const p = await worker.prepare({ ...fixture, body: padded.subarray(5, 5 + fixture.body.byteLength) }, 'rsa-sha256');
    expect(p.toSign.byteLength).toBeGreaterThan(0);
    expect(padded.byteLength).toBe(fixture.body.byteLength + 10);
  });

  it("returns the thread's refusal as the EloError it was, code and message kept", async () => {
    const fixture = storedFixture('sei-processo-dois-documentos.json');
    const senderXml = await signEnveloped(buildPackageXml(pacoteFromStoredTramite(fixture)), pki.ec.signer);
    const tampered = new TextEncoder().encode(senderXml.replace('<IDT>', '<IDT>9'));
    const e = await worker.prepare({ body: tampered, tramite: completeTramite({ metadataFormat: 'xml-assinado' }), components: fixture.components }, 'rsa-sha256').then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(EloError);
    expect(e).toMatchObject({ code: 'sender_package_unverifiable', codigoErro: '9074' });
    expect((e as EloError).mensagem).toContain('não confere mais com a sua assinatura');
  });

  it('prepares seals one after another in the order asked', async () => {
    const order: number[] = [];
    await Promise.all([work(300), work(3), work(30)].map((w, i) => worker.prepare(w, 'rsa-sha256').then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2]);
  });

  it('fails a seal under way with 503 when the thread is closed, and refuses seals after that', async () => {
    const pending = worker.prepare(work(3000), 'rsa-sha256');
    await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    for (const p of [pending, worker.prepare(work(1), 'rsa-sha256')]) {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(EloError);
      expect((e as EloError).status).toBe(503);
    }
  });
});
