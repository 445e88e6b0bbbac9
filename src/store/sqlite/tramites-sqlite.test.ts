import { describe, expect, it } from 'vitest';
import type { NewTramite } from '../index.ts';
import { openSqliteStore } from './index.ts';
import { rangesCover } from './tramites-sqlite.ts';

const seed = {
  participantes: [{ id: 'p1', cnpj: '00000000000191', nome: 'P1', esfera: 'estadual' as const, ativo: true }],
  repositorios: [{ id: 1, nome: 'R', ativo: true, participante: 'p1' }],
  estruturas: [],
  sistemas: [],
};

function newTramite(over: Partial<NewTramite> = {}): NewTramite {
  return {
    kind: 'processo',
    nre: null,
    protocolo: 'P-1',
    remetente: { repositoryId: 1, numero: '1' },
    destinatario: { repositoryId: 1, numero: '2' },
    receptora: null,
    senderSystemId: 's1',
    receiverSystemId: 's2',
    isReplay: false,
    envioParcial: false,
    urgente: false,
    motivoUrgencia: null,
    metadataBlobKey: 'sha256/' + '0'.repeat(64),
    packageSpan: null,
    propsSpan: null,
    ticket: null,
    components: [{ hash: 'h1', size: 10, protocolo: 'P-1', occurrences: 1, requested: true, pendingForReceiver: true }],
    ...over,
  };
}

const audit = { kind: 'teste', actor: 'teste' };

describe('sqlite trâmite store', () => {
  it('tells whether ranges cover [0, size) whatever their order and overlaps', () => {
    expect(rangesCover([{ ini: 5, fim: 10 }, { ini: 0, fim: 5 }], 10)).toBe(true);
    expect(rangesCover([{ ini: 0, fim: 4 }, { ini: 5, fim: 10 }], 10)).toBe(false);
    expect(rangesCover([{ ini: 0, fim: 7 }, { ini: 3, fim: 10 }], 10)).toBe(true);
    expect(rangesCover([], 0)).toBe(true);
  });

  it('allocates NREs with leading 9 and IDTs above the reference range, starting in 1', async () => {
    const store = openSqliteStore(':memory:');
    await store.registry.applySeed(seed, 'x');
    const r = await store.tramites.create(newTramite(), '2026-01-01T00:00:00.000Z', audit);
    expect(r.ok && r.tramite).toMatchObject({ situacao: 1, nre: expect.stringMatching(/^9\d{15}$/), idt: 1_000_000_001 });
    expect(await store.tramites.history(1_000_000_001)).toEqual([{ situacao: 1, at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('refuses a second open trâmite for the same NRE, and allows one after the first is final', async () => {
    const store = openSqliteStore(':memory:');
    const first = await store.tramites.create(newTramite(), 'a', audit);
    if (!first.ok) throw new Error('setup');
    const second = await store.tramites.create(newTramite({ nre: first.tramite.nre }), 'b', audit);
    expect(second).toEqual({ ok: false, reason: 'open_tramite', open: { idt: first.tramite.idt, situacao: 1, nre: first.tramite.nre } });
    await store.tramites.transition(first.tramite.idt, [1], 7, 'c', audit);
    expect((await store.tramites.create(newTramite({ nre: first.tramite.nre }), 'd', audit)).ok).toBe(true);
  });

  it('creates a trâmite of a known NRE only while its registration is at the version the rules were checked against', async () => {
    const store = openSqliteStore(':memory:');
    const first = await store.tramites.create(newTramite(), 'a', audit);
    if (!first.ok) throw new Error('setup');
    const { idt, nre } = first.tramite;
    await store.tramites.markReceived([idt], 'h1', 10, 'sha256/' + '1'.repeat(64), 'b', audit);
    await store.tramites.transition(idt, [2], 3, 'c', audit);
    await store.tramites.recordDownload(idt, 'h1', 0, 10, 'd', audit);
    const checkedAt = (await store.tramites.nreRegistration(nre))!.version;
    const receipt = { dataDeRecebimento: 'x', hashDaAssinatura: 'y', hashes: ['h1'], signedString: 's', signerChainPem: 'p', receivedAt: 'e' };
    const doc = { protocolo: 'P-1', ordem: 1, especie: 42, retirado: false, anexado: null, components: [{ ordem: 1, hash: 'h1', size: 10 }], registeredIdt: idt };
    await store.tramites.completeWithReceipt(idt, receipt, 'e', audit, [doc]); // registration moves on
    expect(await store.tramites.create(newTramite({ nre, expectedNreVersion: checkedAt }), 'f', audit)).toEqual({ ok: false, reason: 'nre_changed' });
    const now = (await store.tramites.nreRegistration(nre))!;
    expect(now.documents).toHaveLength(1);
    expect((await store.tramites.create(newTramite({ nre, expectedNreVersion: now.version }), 'g', audit)).ok).toBe(true);
  });

  it('moves only from an expected situação (compare-and-set): a lost race is a conflict, a repeat is unchanged', async () => {
    const store = openSqliteStore(':memory:');
    const r = await store.tramites.create(newTramite({ components: [] }), 'a', audit);
    if (!r.ok) throw new Error('setup');
    expect(r.tramite.situacao).toBe(2); // nothing requested: 1 → 2 at creation (spec §2.8)
    const idt = r.tramite.idt;
    expect(await store.tramites.transition(idt, [2], 3, 'b', audit)).toMatchObject({ ok: true, changed: true });
    expect(await store.tramites.transition(idt, [2], 3, 'c', audit)).toMatchObject({ ok: true, changed: false });
    const refused = store.tramites.transition(idt, [3], 8, 'd', audit, { refusal: { motivo: '99', justificativa: 'x', at: 'd' } });
    const cancelled = store.tramites.transition(idt, [3], 7, 'd', audit);
    const [a, b] = await Promise.all([refused, cancelled]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect((await store.tramites.history(idt)).map((h) => h.situacao)).toEqual([1, 2, 3, 8]);
    expect((await store.audit.list({ idt })).length).toBeGreaterThanOrEqual(4);
  });

  it('marks a component delivered only when the served ranges cover it, then moves 3 → 4', async () => {
    const store = openSqliteStore(':memory:');
    const r = await store.tramites.create(newTramite(), 'a', audit);
    if (!r.ok) throw new Error('setup');
    const idt = r.tramite.idt;
    await store.tramites.markReceived([idt], 'h1', 10, 'sha256/' + '1'.repeat(64), 'b', audit);
    await store.tramites.transition(idt, [2], 3, 'c', audit);
    await store.tramites.recordDownload(idt, 'h1', 0, 6, 'd', audit);
    expect((await store.tramites.get(idt))!.situacao).toBe(3);
    await store.tramites.recordDownload(idt, 'h1', 6, 10, 'e', audit);
    expect((await store.tramites.get(idt))!.situacao).toBe(4);
  });
});
