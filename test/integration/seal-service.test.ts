import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import type { Signer } from '../../src/pki/signer.ts';
import type { ServiceDeps } from '../../src/services/deps.ts';
import { sealingTramites } from '../../src/services/evidence/seal-after-commit.ts';
import { packageOfTramite, prepareSeal, sealService, type SealPreparer } from '../../src/services/evidence/seal.ts';
import { INLINE_START_BODY_BYTES } from '../../src/domain/tramita/index.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';
import { buildPackageXml, pacoteFromStoredTramite } from '../../src/xml/package-xml.ts';
import { signEnveloped } from '../../src/xml/xmldsig.ts';
import { toBase64 } from '../../src/pki/encoding.ts';
import { sha256 } from '../../src/pki/sha256.ts';
import { verifyEvidence } from '../../src/services/evidence/verify.ts';
import { fsBlobStore } from '../../src/store/blobs/fs-blob-store.ts';
import { verifyEnveloped } from '../../src/xml/xmldsig.ts';
import { completeTramite, declaredHashes, fixtureBytes, storedFixture } from '../harness/package-xml.ts';
import { audit, flow, newTramite } from '../harness/store-fixtures.ts';
import { openTestStore } from '../harness/stores.ts';
import { makeXmlTestPki, type XmlTestPki } from '../xml/xml-pki.ts';

/**
 * The hub seal as a service (issue 11 item 2), on this run's store (SQLite or PostgreSQL): made
 * after the commit that completes a trâmite's components, never failing that write, left to the
 * sweep when signing fails, and the same bytes every time the same package is sealed.
 */
let pki: XmlTestPki;
let dir: string;
beforeAll(async () => {
  pki = await makeXmlTestPki(new Date(Date.now() - 86_400_000));
  dir = mkdtempSync(join(tmpdir(), 'elo-selo-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function setup(signer: Signer, settings: { sealMaxMetadataBytes?: number } = {}, more: { body?: Uint8Array; sealPreparer?: SealPreparer } = {}) {
  const store = await openTestStore();
  await store.registry.applySeed(
    { participantes: [{ id: 'p1', cnpj: '00000000000191', nome: 'P1', esfera: 'estadual', ativo: true }], repositorios: [{ id: 1, nome: 'R', ativo: true, participante: 'p1' }], estruturas: [], sistemas: [] },
    'x',
  );
  const blobs = fsBlobStore(mkdtempSync(join(dir, 'b-')));
  const logs: { event: string; data?: Record<string, unknown> }[] = [];
  const deps = { store, blobs, hubSigner: signer, clock: new FixedClock(new Date()), settings, log: (e: { event: string }) => logs.push(e), sealPreparer: more.sealPreparer } as unknown as ServiceDeps;
  const seals = sealService(deps);
  const tramites = sealingTramites(store.tramites, seals.sealQuietly);
  const body = more.body ?? fixtureBytes('sei-processo-dois-documentos.json');
  const staged = await blobs.stage(new Blob([new Uint8Array(body)]).stream(), body.byteLength);
  const metadataBlobKey = await blobs.commit(staged);
  // every component already held: the trâmite is complete at its creation (spec §2.8)
  const components = [...new Set(declaredHashes(body))].map((hash) => ({ hash, size: 1, protocolo: 'P-1', occurrences: 1, requested: false, pendingForReceiver: true }));
  return { store, blobs, logs, seals, tramites, create: () => tramites.create(newTramite({ metadataBlobKey, components }), new Date().toISOString(), audit, flow) };
}

describe('hub seal service', () => {
  it('seals a trâmite in the write that completes it, with a seal elo verify accepts', async () => {
    const s = await setup(pki.rsa.signer);
    const r = await s.create();
    if (!r.ok) throw new Error('setup');
    const seal = await s.store.seals.get(r.tramite.idt);
    expect(seal).not.toBeNull();
    const xml = new TextDecoder().decode(await s.blobs.readAll(seal!.blobKey));
    const report = await verifyEvidence(xml, { anchors: [pki.ca.certificate] });
    expect(report.ok, JSON.stringify(report.primeiraFalha)).toBe(true);
  });

  it("seals a small package on the event loop and hands a large one to the runtime's seal preparer (a thread in the hub)", async () => {
    const asked: number[] = [];
    const spy: SealPreparer = (work, algorithm) => {
      asked.push(work.body.byteLength);
      return prepareSeal(work, algorithm);
    };
    const small = await setup(pki.rsa.signer, {}, { sealPreparer: spy });
    const r1 = await small.create();
    expect(r1.ok && (await small.store.seals.get(r1.tramite.idt))).toBeTruthy();
    expect(asked).toEqual([]);

    const large = new TextEncoder().encode(
      JSON.stringify(processoBody({ protocolo: '7.9/2026', remetente: [1, '1'], destinatario: [1, '2'], documentos: Array.from({ length: 600 }, (_, i) => ({ bytes: [bytesOf(8, i + 1)] })) }).body),
    );
    expect(large.byteLength).toBeGreaterThan(INLINE_START_BODY_BYTES);
    const big = await setup(pki.rsa.signer, {}, { body: large, sealPreparer: spy });
    const r2 = await big.create();
    if (!r2.ok) throw new Error('setup');
    const seal = await big.store.seals.get(r2.tramite.idt);
    expect(asked).toEqual([large.byteLength]);
    const report = await verifyEvidence(new TextDecoder().decode(await big.blobs.readAll(seal!.blobKey)), { anchors: [pki.ca.certificate] });
    expect(report.ok, JSON.stringify(report.primeiraFalha)).toBe(true);
  });

  it('never fails the write when signing fails: logs it, and the sweep seals it later, once', async () => {
    const broken: Signer = { chainPem: pki.rsa.signer.chainPem, sign: async () => Promise.reject(new Error('HSM indisponível')) };
    const s = await setup(broken);
    const r = await s.create();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(await s.store.seals.get(r.tramite.idt)).toBeNull();
    expect(s.logs.map((l) => l.event)).toContain('tramite.selo_falhou');
    expect(await s.seals.sweep()).toBe(0); // still failing: nothing sealed, nothing thrown
    expect(await s.store.seals.unsealed(10)).toEqual([r.tramite.idt]);

    const healed = sealService({ store: s.store, blobs: s.blobs, hubSigner: pki.rsa.signer, clock: new FixedClock(new Date()), log: () => {} } as unknown as ServiceDeps);
    expect(await healed.sweep()).toBe(1);
    expect(await healed.sweep()).toBe(0);
    expect(await s.store.seals.unsealed(10)).toEqual([]);
  });

  it('leaves a trâmite whose metadata is above the bound unsealed, logging it once, and the sweep does not retry it', async () => {
    const s = await setup(pki.rsa.signer, { sealMaxMetadataBytes: 100 });
    const r = await s.create();
    if (!r.ok) throw new Error('setup');
    expect(await s.store.seals.get(r.tramite.idt)).toBeNull();
    expect(s.seals.isTooLarge(r.tramite.idt)).toBe(true);
    expect(await s.seals.sweep()).toBe(0);
    expect(await s.seals.sweep(1)).toBe(0);
    expect(s.logs.filter((l) => l.event === 'tramite.selo_adiado')).toHaveLength(1);
    expect(s.logs.filter((l) => l.event === 'tramite.selo_adiado')[0]!.data).toMatchObject({ idt: r.tramite.idt, limite: 100 });
    expect(await s.seals.sealedBytes(r.tramite.idt)).toBeNull();
  });

  it('gives the same bytes each time the same package is sealed (RSA PKCS#1 v1.5 is deterministic)', async () => {
    const s = await setup(pki.rsa.signer);
    const r = await s.create();
    if (!r.ok) throw new Error('setup');
    const first = (await s.store.seals.get(r.tramite.idt))!;
    await s.store.sql('DELETE FROM tramite_seals WHERE idt = ?', [r.tramite.idt]);
    expect(await s.seals.sweep()).toBe(1);
    const second = (await s.store.seals.get(r.tramite.idt))!;
    expect(second.blobKey).toBe(first.blobKey);
    expect(second.sha256).toBe(first.sha256);
    const v = await verifyEnveloped(new TextDecoder().decode(await s.blobs.readAll(second.blobKey)), { certificate: pki.rsa.certificate });
    expect(v.ok).toBe(true);
  });

  it('seals a trâmite once when the commit and the sweep race for it', async () => {
    const s = await setup(pki.rsa.signer);
    const r = await s.create();
    if (!r.ok) throw new Error('setup');
    await s.store.sql('DELETE FROM tramite_seals WHERE idt = ?', [r.tramite.idt]);
    const results = await Promise.all([s.seals.seal(r.tramite.idt), s.seals.seal(r.tramite.idt), s.seals.sweep()]);
    expect(results[0]).toEqual(results[1]);
    expect(Number((await s.store.sql<{ n: number }>('SELECT count(*) AS n FROM tramite_seals'))[0]!.n)).toBe(1);
  });

  it("reads a native-face trâmite's package from what the sender's signature covers, with the hub's facts in its header", async () => {
    const s = await setup(pki.rsa.signer);
    const fixture = storedFixture('sei-processo-dois-documentos.json');
    const senderXml = await signEnveloped(buildPackageXml(pacoteFromStoredTramite(fixture)), pki.ec.signer);
    const bytes = new TextEncoder().encode(senderXml);
    const key = await s.blobs.commit(await s.blobs.stage(new Blob([bytes]).stream(), bytes.byteLength));
    const record = completeTramite({ idt: 1000000777, nre: '9000000000000777', metadataBlobKey: key, metadataFormat: 'xml-assinado', componentsCompleteAt: '2026-12-01T10:00:00.000Z' });
    const got = await packageOfTramite({ store: s.store, blobs: s.blobs }, record);
    expect(got.senderSigned).toEqual(bytes);
    expect(got.pacote.cabecalho).toMatchObject({
      IDT: 1000000777,
      NRE: '9000000000000777',
      dataDeRecebimentoDoUltimoComponenteDigital: '2026-12-01T10:00:00.000Z',
      hashDosMetadados: { algoritmo: 'SHA256', conteudo: toBase64(sha256(bytes)) },
    });

    const tampered = new TextEncoder().encode(senderXml.replace('<IDT>', '<IDT>9'));
    const badKey = await s.blobs.commit(await s.blobs.stage(new Blob([tampered]).stream(), tampered.byteLength));
    await expect(packageOfTramite({ store: s.store, blobs: s.blobs }, { ...record, metadataBlobKey: badKey })).rejects.toMatchObject({ code: 'sender_package_unverifiable', codigoErro: '9074' });
  });
});
