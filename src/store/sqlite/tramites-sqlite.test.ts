import { describe, expect, it } from 'vitest';
import { audit, flow, newTramite, rule, whenDelivered, whenReceived } from '../../../test/harness/store-fixtures.ts';
import { openTestStore, testStoreKind } from '../../../test/harness/stores.ts';
import { rangesCover } from './tramites-sqlite.ts';

const seed = {
  participantes: [{ id: 'p1', cnpj: '00000000000191', nome: 'P1', esfera: 'estadual' as const, ativo: true }],
  repositorios: [{ id: 1, nome: 'R', ativo: true, participante: 'p1' }],
  estruturas: [],
  sistemas: [],
};

describe.each([testStoreKind()])('%s trâmite store', (kind) => {
  it('tells whether ranges cover [0, size) whatever their order and overlaps', () => {
    expect(rangesCover([{ ini: 5, fim: 10 }, { ini: 0, fim: 5 }], 10)).toBe(true);
    expect(rangesCover([{ ini: 0, fim: 4 }, { ini: 5, fim: 10 }], 10)).toBe(false);
    expect(rangesCover([{ ini: 0, fim: 7 }, { ini: 3, fim: 10 }], 10)).toBe(true);
    expect(rangesCover([], 0)).toBe(true);
  });

  it('allocates NREs with leading 9 and IDTs above the reference range, starting in 1', async () => {
    const store = await openTestStore(kind);
    await store.registry.applySeed(seed, 'x');
    const r = await store.tramites.create(newTramite(), '2026-01-01T00:00:00.000Z', audit, flow);
    expect(r.ok && r.tramite).toMatchObject({ situacao: 1, nre: expect.stringMatching(/^9\d{15}$/), idt: 1_000_000_001 });
    expect(await store.tramites.history(1_000_000_001)).toEqual([{ situacao: 1, at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('refuses a second open trâmite for the same NRE, and allows one after the first is final', async () => {
    const store = await openTestStore(kind);
    const first = await store.tramites.create(newTramite(), 'a', audit, flow);
    if (!first.ok) throw new Error('setup');
    const second = await store.tramites.create(newTramite({ nre: first.tramite.nre }), 'b', audit, flow);
    expect(second).toEqual({ ok: false, reason: 'open_tramite', open: { idt: first.tramite.idt, situacao: 1, nre: first.tramite.nre } });
    await store.tramites.transition({ idt: first.tramite.idt, from: [1], to: 7, at: 'c', audit: audit });
    expect((await store.tramites.create(newTramite({ nre: first.tramite.nre }), 'd', audit, flow)).ok).toBe(true);
  });

  it('creates a trâmite of a known NRE only while its registration is at the version the rules were checked against', async () => {
    const store = await openTestStore(kind);
    const first = await store.tramites.create(newTramite(), 'a', audit, flow);
    if (!first.ok) throw new Error('setup');
    const { idt, nre } = first.tramite;
    await store.tramites.markReceived([idt], 'h1', 10, 'sha256/' + '1'.repeat(64), 'b', audit, whenReceived);
    await store.tramites.transition({ idt: idt, from: [2], to: 3, at: 'c', audit: audit });
    await store.tramites.recordDownload(idt, 'h1', 0, 10, 'd', audit, whenDelivered);
    const checkedAt = (await store.tramites.nreRegistration(nre))!.version;
    const receipt = { dataDeRecebimento: 'x', hashDaAssinatura: 'y', hashes: ['h1'], signedString: 's', signerChainPem: 'p', receivedAt: 'e' };
    const doc = { protocolo: 'P-1', ordem: 1, especie: 42, retirado: false, anexado: null, components: [{ ordem: 1, hash: 'h1', size: 10 }], registeredIdt: idt };
    await store.tramites.completeWithReceipt({ idt, receipt, move: { ...rule('recibo_conclusao'), audit }, at: 'e', register: [doc], holders: ['s1', 's2'] }); // registration moves on
    expect(await store.tramites.create(newTramite({ nre, expectedNreVersion: checkedAt }), 'f', audit, flow)).toEqual({ ok: false, reason: 'nre_changed' });
    const now = (await store.tramites.nreRegistration(nre))!;
    expect(now.documents).toHaveLength(1);
    expect((await store.tramites.create(newTramite({ nre, expectedNreVersion: now.version }), 'g', audit, flow)).ok).toBe(true);
  });

  it('moves only from an expected situação (compare-and-set): a lost race is a conflict, a repeat is unchanged', async () => {
    const store = await openTestStore(kind);
    const r = await store.tramites.create(newTramite({ components: [] }), 'a', audit, flow);
    if (!r.ok) throw new Error('setup');
    expect(r.tramite.situacao).toBe(2); // nothing requested: 1 → 2 at creation (spec §2.8)
    const idt = r.tramite.idt;
    expect(await store.tramites.transition({ idt: idt, from: [2], to: 3, at: 'b', audit: audit })).toMatchObject({ ok: true, changed: true });
    expect(await store.tramites.transition({ idt: idt, from: [2], to: 3, at: 'c', audit: audit })).toMatchObject({ ok: true, changed: false });
    const refused = store.tramites.transition({ idt: idt, from: [3], to: 8, at: 'd', audit: audit, refusal: { motivo: '99', justificativa: 'x', at: 'd' } });
    const cancelled = store.tramites.transition({ idt: idt, from: [3], to: 7, at: 'd', audit: audit });
    const [a, b] = await Promise.all([refused, cancelled]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect((await store.tramites.history(idt)).map((h) => h.situacao)).toEqual([1, 2, 3, 8]);
    expect((await store.audit.list({ idt })).length).toBeGreaterThanOrEqual(4);
  });

  it('marks a component delivered only when the served ranges cover it, then moves 3 → 4', async () => {
    const store = await openTestStore(kind);
    const r = await store.tramites.create(newTramite(), 'a', audit, flow);
    if (!r.ok) throw new Error('setup');
    const idt = r.tramite.idt;
    await store.tramites.markReceived([idt], 'h1', 10, 'sha256/' + '1'.repeat(64), 'b', audit, whenReceived);
    await store.tramites.transition({ idt: idt, from: [2], to: 3, at: 'c', audit: audit });
    await store.tramites.recordDownload(idt, 'h1', 0, 6, 'd', audit, whenDelivered);
    expect((await store.tramites.get(idt))!.situacao).toBe(3);
    await store.tramites.recordDownload(idt, 'h1', 6, 10, 'e', audit, whenDelivered);
    expect((await store.tramites.get(idt))!.situacao).toBe(4);
  });

  it('applies the moves it is given, each only from its situação and while its condition holds, and decides none itself', async () => {
    const store = await openTestStore(kind);
    const r = await store.tramites.create(newTramite(), 'a', audit, { ...flow, then: [] });
    if (!r.ok) throw new Error('setup');
    const idt = r.tramite.idt;
    // nothing given: the last component arrives and the trâmite stays where it was
    await store.tramites.markReceived([idt], 'h1', 10, 'sha256/' + '1'.repeat(64), 'b', audit, []);
    expect((await store.tramites.get(idt))!).toMatchObject({ situacao: 1, componentsCompleteAt: null });
    // a move from elsewhere, or whose condition fails, is skipped; the next one applies
    const skipped = { from: [2], to: 3, audit } as const;
    const blocked = { from: [1], to: 2, audit, when: 'nothing_pending_for_receiver' } as const;
    expect(await store.tramites.advance({ idt, at: 'c', moves: [skipped, blocked] })).toMatchObject({ ok: true, changed: false });
    // a move that is not the protocol's is applied all the same: the table is the services'
    expect(await store.tramites.advance({ idt, at: 'd', moves: [{ from: [1], to: 4, audit, when: 'requested_all_received' }] })).toMatchObject({
      ok: true,
      changed: true,
      tramite: { situacao: 4, componentsCompleteAt: 'd' },
    });
    expect(await store.tramites.history(idt)).toEqual([{ situacao: 1, at: 'a' }, { situacao: 4, at: 'd' }]);
    expect((await store.audit.list({ idt }))[0]).toMatchObject({ kind: 'teste', data: { de: 1, para: 4 } });
  });

  it('answers open_tramite, told by the unique constraint’s code, when the database blocks a start the check did not see', async () => {
    const store = await openTestStore(kind);
    const first = await store.tramites.create(newTramite(), 'a', audit, flow);
    if (!first.ok) throw new Error('setup');
    // an open set that misses situação 1: only the partial unique index (spec §5.4) stops it
    const second = await store.tramites.create(newTramite({ nre: first.tramite.nre }), 'b', audit, { ...flow, open: [] });
    expect(second).toEqual({ ok: false, reason: 'open_tramite', open: { idt: first.tramite.idt, situacao: 1, nre: first.tramite.nre } });
    expect((await store.tramites.query({ nre: first.tramite.nre })).map((t) => t.idt)).toEqual([first.tramite.idt]);
  });

  /** A trâmite in 3 whose one component `h1` of `size` bytes is received and pending download. */
  async function inDownload(size: number) {
    const store = await openTestStore(kind);
    const r = await store.tramites.create(newTramite({ components: [{ hash: 'h1', size, protocolo: 'P-1', occurrences: 1, requested: true, pendingForReceiver: true }] }), 'a', audit, flow);
    if (!r.ok) throw new Error('setup');
    const idt = r.tramite.idt;
    await store.tramites.markReceived([idt], 'h1', size, 'sha256/' + '1'.repeat(64), 'b', audit, whenReceived);
    await store.tramites.transition({ idt: idt, from: [2], to: 3, at: 'c', audit: audit });
    const ranges = () => store.sql<{ ini: number; fim: number }>('SELECT ini, fim FROM download_ranges WHERE idt = ? ORDER BY ini', [idt]);
    const delivered = async () => (await store.tramites.components(idt))[0]!.delivered;
    return { store, idt, ranges, delivered };
  }

  it('keeps one range row per component however often the same part is downloaded, and still delivers on coverage', async () => {
    const { store, idt, ranges, delivered } = await inDownload(10);
    // on D1 each call crosses from Node to workerd several times: fewer repeats show the same
    const repeats = kind === 'd1' ? 100 : 1000;
    for (let i = 0; i < repeats; i++) await store.tramites.recordDownload(idt, 'h1', 0, 6, 'd', audit, whenDelivered);
    expect(await ranges()).toEqual([{ ini: 0, fim: 6 }]); // a row per call before ranges were merged
    // overlapping and adjacent parts coalesce; a gap stays a gap
    await store.tramites.recordDownload(idt, 'h1', 2, 4, 'd', audit, whenDelivered);
    await store.tramites.recordDownload(idt, 'h1', 8, 9, 'd', audit, whenDelivered);
    expect(await ranges()).toEqual([{ ini: 0, fim: 6 }, { ini: 8, fim: 9 }]);
    expect(await delivered()).toBe(false);
    await store.tramites.recordDownload(idt, 'h1', 6, 8, 'd', audit, whenDelivered);
    expect(await ranges()).toEqual([{ ini: 0, fim: 9 }]);
    expect(await delivered()).toBe(false);
    expect((await store.tramites.get(idt))!.situacao).toBe(3);
    await store.tramites.recordDownload(idt, 'h1', 9, 10, 'e', audit, whenDelivered);
    expect(await delivered()).toBe(true);
    expect(await ranges()).toEqual([]);
    expect((await store.tramites.get(idt))!.situacao).toBe(4);
  });

  it('delivers exactly when the ranges served so far cover the component, for any order of parts', async () => {
    // A small deterministic generator: the same sequences on every run.
    let x = 12345;
    const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648), x % n);
    // on D1 each round is a fresh database in workerd and every call crosses to it from Node: fewer rounds
    const rounds = kind === 'd1' ? 8 : 60;
    for (let round = 0; round < rounds; round++) {
      const size = 1 + rand(30);
      const { store, idt, ranges, delivered } = await inDownload(size);
      const served: { ini: number; fim: number }[] = [];
      for (let step = 0; step < 40 && !(await delivered()); step++) {
        const ini = rand(size);
        const fim = ini + 1 + rand(Math.min(size - ini, 6));
        served.push({ ini, fim });
        await store.tramites.recordDownload(idt, 'h1', ini, fim, 'd', audit, whenDelivered);
        expect(await delivered(), JSON.stringify({ size, served })).toBe(rangesCover(served, size));
        const rows = await ranges();
        // disjoint and not adjacent: every row is needed
        for (let i = 1; i < rows.length; i++) expect(rows[i]!.ini).toBeGreaterThan(rows[i - 1]!.fim);
      }
    }
  });

  it('absorbs range rows left overlapping by an older version when a new part touches them', async () => {
    const { store, idt, ranges, delivered } = await inDownload(10);
    for (const [ini, fim] of [[0, 5], [3, 8], [0, 5], [3, 4]] as const)
      await store.sql("INSERT INTO download_ranges (idt, hash, ini, fim, at) VALUES (?, 'h1', ?, ?, 'x')", [idt, ini, fim]);
    await store.tramites.recordDownload(idt, 'h1', 0, 1, 'd', audit, whenDelivered);
    expect(await ranges()).toEqual([{ ini: 0, fim: 8 }]);
    await store.tramites.recordDownload(idt, 'h1', 8, 10, 'd', audit, whenDelivered);
    expect(await delivered()).toBe(true);
  });

  it('delivers an empty component on its one empty range', async () => {
    const { store, idt, delivered } = await inDownload(0);
    await store.tramites.recordDownload(idt, 'h1', 0, 0, 'd', audit, whenDelivered);
    expect(await delivered()).toBe(true);
  });
});
