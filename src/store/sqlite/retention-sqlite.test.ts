import { describe, expect, it } from 'vitest';
import { OPEN_SITUACOES, type Situacao } from '../../domain/situacao.ts';
import { audit, flow, key, newTramite, whenReceived } from '../../../test/harness/store-fixtures.ts';
import { openTestStore, testStoreKind, type TestStore } from '../../../test/harness/stores.ts';

const NEEDING: Situacao[] = [1, 2, 3, 4, 5, 6, 8, 9];

async function cancelledWithBlob(store: TestStore, protocolo: string, hash: string, blob: string) {
  const c = await store.tramites.create(newTramite({ protocolo, metadataBlobKey: key('9'), components: [{ hash, size: 10, protocolo, occurrences: 1, requested: true, pendingForReceiver: true }] }), 'a', audit, flow);
  if (!c.ok) throw new Error('setup');
  await store.tramites.markReceived([c.tramite.idt], hash, 10, blob, 'b', audit, whenReceived);
  await store.tramites.transition({ idt: c.tramite.idt, from: [1, 2], to: 7, at: 'c', audit: audit });
  return c.tramite.idt;
}

describe.each([testStoreKind()])('%s retention store', (kind) => {
  it('releases a component blob only a cancelled trâmite held, with an audit event, once', async () => {
    const store = await openTestStore(kind);
    const idt = await cancelledWithBlob(store, 'P-1', 'h1', key('1'));
    expect(await store.retention.releasableComponentBlobs(NEEDING, 10)).toEqual([{ hash: 'h1', key: key('1'), size: 10 }]);
    expect(await store.retention.releaseComponentBlob('h1', key('1'), NEEDING, 'd', audit)).toBe(true);
    expect(await store.retention.releaseComponentBlob('h1', key('1'), NEEDING, 'd', audit)).toBe(false);
    expect(await store.tramites.blobKeyOf('h1')).toBeNull();
    expect((await store.audit.list({ idt, kind: 'teste' })).some((e) => e.data?.hash === 'h1')).toBe(true);
  });

  it('re-checks in the releasing transaction: a trâmite declaring the hash meanwhile keeps the blob', async () => {
    const store = await openTestStore(kind);
    await cancelledWithBlob(store, 'P-1', 'h1', key('1'));
    const [listed] = await store.retention.releasableComponentBlobs(NEEDING, 10);
    expect(listed).toBeDefined();
    await store.tramites.create(newTramite({ protocolo: 'P-2', metadataBlobKey: key('2') }), 'd', audit, flow); // declares h1, not yet uploaded
    expect(await store.retention.releaseComponentBlob(listed!.hash, listed!.key, NEEDING, 'e', audit)).toBe(false);
    expect(await store.tramites.blobKeyOf('h1')).toBe(key('1'));
  });

  it('keeps a component blob whose bytes are also a kept body (one content-addressed store)', async () => {
    const store = await openTestStore(kind);
    await cancelledWithBlob(store, 'P-1', 'h1', key('1'));
    await store.tramites.create(newTramite({ protocolo: 'P-2', metadataBlobKey: key('1'), components: [] }), 'd', audit, flow);
    expect(await store.retention.releasableComponentBlobs(NEEDING, 10)).toEqual([]);
  });

  it('refuses a trâmite over its sender quota without writing anything, counting shared hashes once', async () => {
    const store = await openTestStore(kind);
    const quota = { maxBytes: 100, situacoes: OPEN_SITUACOES };
    const big = (hash: string, protocolo: string) =>
      newTramite({ protocolo, quota, metadataSize: 5, components: [{ hash, size: 60, protocolo, occurrences: 1, requested: true, pendingForReceiver: true }] });
    expect((await store.tramites.create(big('a', 'P-1'), 'a', audit, flow)).ok).toBe(true);
    const rows = async () => JSON.stringify([await store.sql('SELECT * FROM tramites ORDER BY idt'), await store.sql('SELECT * FROM nres ORDER BY nre')]);
    const counters = () => store.sql('SELECT * FROM counters ORDER BY name');
    const before = await rows();
    const countersBefore = await counters();
    expect(await store.tramites.create({ ...big('b', 'P-2'), metadataBlobKey: key('3') }, 'b', audit, flow)).toEqual({
      ok: false,
      reason: 'quota_exceeded',
      inUseBytes: 65,
      addedBytes: 65,
      maxBytes: 100,
    });
    expect(await rows()).toBe(before);
    expect(await counters()).toEqual(countersBefore);
    // same hash and same body: nothing more to store
    expect((await store.tramites.create(big('a', 'P-3'), 'c', audit, flow)).ok).toBe(true);
  });
});
