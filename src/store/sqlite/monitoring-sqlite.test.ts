import { describe, expect, it } from 'vitest';
import type { RefusedRequest } from '../index.ts';
import { openTestStore, testStoreKind } from '../../../test/harness/stores.ts';

const refusal = (systemId: string | null, at: string, codigoErro = '0001'): RefusedRequest => ({
  at,
  systemId,
  participantId: systemId ? `p-${systemId}` : null,
  method: 'POST',
  route: '/interoperabilidade/rest/v3/tramites/processo',
  status: 400,
  code: 'validation_failed',
  codigoErro,
  nre: null,
  idt: null,
  mensagem: 'x',
  details: {},
});

/** README "Monitorando": the refused-request log is bounded by age and by rows per system, in both stores. */
describe.each([testStoreKind()])('%s monitoring store: refused requests', (kind) => {
  it('keeps at most the newest N rows per system and drops rows older than the retention, in the recording transaction', async () => {
    const store = await openTestStore(kind);
    const keep = { keepAfter: '2026-03-01T00:00:00.000Z', keepPerSystem: 3 };
    await store.monitoring.recordRefusal(refusal('a', '2026-02-27T00:00:00.000Z'), { ...keep, keepAfter: '2026-01-01T00:00:00.000Z' });
    for (let i = 1; i <= 5; i++) await store.monitoring.recordRefusal(refusal('a', `2026-03-0${i}T00:00:00.000Z`), keep);
    await store.monitoring.recordRefusal(refusal('b', '2026-03-02T00:00:00.000Z'), keep);
    await store.monitoring.recordRefusal(refusal(null, '2026-03-02T00:00:00.000Z', '9001'), keep);
    const a = await store.monitoring.refusals({ systemId: 'a', limit: 100 });
    // the February row left by age, the 1st and 2nd of March by count (3 kept per system)
    expect(a.map((r) => r.at.slice(0, 10))).toEqual(['2026-03-05', '2026-03-04', '2026-03-03']);
    expect((await store.monitoring.refusals({ limit: 100 })).map((r) => r.systemId)).toEqual([null, 'b', 'a', 'a', 'a']);
    expect((await store.monitoring.refusals({ participantId: 'p-b', limit: 100 })).map((r) => r.systemId)).toEqual(['b']);
    expect((await store.monitoring.refusals({ codigoErro: '9001', limit: 100 }))[0]).toMatchObject({ systemId: null, participantId: null, details: {} });
  });
});
