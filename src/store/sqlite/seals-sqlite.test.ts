import { describe, expect, it } from 'vitest';
import { audit, flow, key, newTramite, whenReceived } from '../../../test/harness/store-fixtures.ts';
import { openTestStore, testStoreKind } from '../../../test/harness/stores.ts';

/** Hub seals (issue 11 item 2), the same on SQLite and PostgreSQL (`npm run test:pg`). */
describe.each([testStoreKind()])('%s seal store', (kind) => {
  it('lists a trâmite as unsealed once its components are complete, and no longer once sealed', async () => {
    const store = await openTestStore(kind);
    const created = await store.tramites.create(newTramite(), '2026-01-01T00:00:00.000Z', audit, flow);
    if (!created.ok) throw new Error('setup');
    const { idt } = created.tramite;
    expect(await store.seals.unsealed(10)).toEqual([]); // components still pending
    await store.tramites.markReceived([idt], 'h1', 10, key('1'), '2026-01-01T00:01:00.000Z', audit, whenReceived);
    expect(await store.seals.unsealed(10)).toEqual([idt]);
    expect(await store.seals.get(idt)).toBeNull();

    const seal = { idt, blobKey: key('a'), sha256: 'c2Vsbw==', sealedAt: '2026-01-01T00:01:01.000Z' };
    expect(await store.seals.save(seal)).toBe(true);
    expect(await store.seals.get(idt)).toEqual(seal);
    expect(await store.seals.unsealed(10)).toEqual([]);
  });

  it("counts a seal's blob as referenced, so that a refused start whose body has the same bytes never removes it", async () => {
    const store = await openTestStore(kind);
    const created = await store.tramites.create(newTramite(), '2026-01-01T00:00:00.000Z', audit, flow);
    if (!created.ok) throw new Error('setup');
    expect(await store.tramites.isBlobReferenced(key('s'))).toBe(false);
    await store.seals.save({ idt: created.tramite.idt, blobKey: key('s'), sha256: 'c2Vsbw==', sealedAt: '2026-01-01T00:01:01.000Z' });
    expect(await store.tramites.isBlobReferenced(key('s'))).toBe(true);
  });

  it('keeps the first seal of a trâmite: a second save changes nothing and says so', async () => {
    const store = await openTestStore(kind);
    const created = await store.tramites.create(newTramite({ components: [] }), '2026-01-01T00:00:00.000Z', audit, flow);
    if (!created.ok) throw new Error('setup');
    const { idt } = created.tramite;
    const first = { idt, blobKey: key('a'), sha256: 'YQ==', sealedAt: '2026-01-01T00:00:01.000Z' };
    expect(await store.seals.save(first)).toBe(true);
    expect(await store.seals.save({ ...first, blobKey: key('b'), sealedAt: '2026-01-02T00:00:00.000Z' })).toBe(false);
    expect(await store.seals.get(idt)).toEqual(first);
  });

  it('lists unsealed trâmites oldest first, at most the limit, and never one whose body was purged', async () => {
    const store = await openTestStore(kind);
    const idts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await store.tramites.create(newTramite({ components: [], protocolo: `P-${i + 1}`, metadataBlobKey: key(String(i)) }), `2026-01-0${i + 1}T00:00:00.000Z`, audit, flow);
      if (!r.ok) throw new Error(`setup: ${JSON.stringify(r)}`);
      idts.push(r.tramite.idt);
    }
    expect(await store.seals.unsealed(2)).toEqual(idts.slice(0, 2));
    await store.sql('UPDATE tramites SET metadata_purged_at = ? WHERE idt = ?', ['2026-02-01T00:00:00.000Z', idts[0]]);
    expect(await store.seals.unsealed(10)).toEqual(idts.slice(1));
  });
});
