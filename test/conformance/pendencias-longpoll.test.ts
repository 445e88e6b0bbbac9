import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { ESTADO, expect2xx, expectError, MUNICIPIO, startConformanceHub, type Ctx, type SystemId } from './support/context.ts';
import { V3 } from './support/http.ts';
import { downloadAll, driveTo, fetchMetadata, signReceipt, start, upload, type Json, type Tramite } from './support/flow.ts';

type Pendencia = { IDT: number; status: number };
const LONG_POLL = '/interoperabilidade/pendencias';

/** Pendências (spec §2.14, §5.3) and the legacy long-poll (§2.15). */
describe('GET tramites/pendentes (spec §2.14, §5.3)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  const pendentes = async (system: SystemId, todas: string | number = 1) => {
    const r = await ctx.raw(system).request<Pendencia[]>('GET', `${V3}tramites/pendentes?todas=${todas}`);
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Array.isArray(r.body)).toBe(true);
    return r.body;
  };
  const mine = (list: Pendencia[], trs: Tramite[]) =>
    list.filter((p) => trs.some((t) => t.idt === p.IDT)).sort((a, b) => a.IDT - b.IDT);

  it('answers [] when the caller has no pendência', async () => {
    expect(await pendentes(ESTADO)).toEqual([]);
    expect(await pendentes(MUNICIPIO)).toEqual([]);
  });

  it('lists 2, 3, 4 for the receiver and 5, 8 for the sender; 1, 6, 7, 9 for nobody — as top-level {IDT, status}', async () => {
    const byTarget = new Map<number, Tramite>();
    for (const target of [1, 2, 3, 4, 5, 6, 7, 8, 9] as const) byTarget.set(target, await driveTo(ctx, target));
    const all = [...byTarget.values()];
    const at = (s: number) => byTarget.get(s)!.idt;
    expect(mine(await pendentes(MUNICIPIO), all)).toEqual([
      { IDT: at(2), status: 2 },
      { IDT: at(3), status: 3 },
      { IDT: at(4), status: 4 },
    ]);
    expect(mine(await pendentes(ESTADO), all)).toEqual([
      { IDT: at(5), status: 5 },
      { IDT: at(8), status: 8 },
    ]);
    for (const p of await pendentes(MUNICIPIO)) expect(Object.keys(p).sort()).toEqual(['IDT', 'status']);
    // Pendências are state, not messages: the same list on every poll until the action happens.
    expect(mine(await pendentes(MUNICIPIO, 'true'), all)).toHaveLength(3);
    expect(mine(await pendentes(MUNICIPIO, 1), all)).toHaveLength(3);
  });

  it('with todas=0 returns only pendências not yet returned to the caller by todas=0, while todas=1 keeps listing them', async () => {
    const tr = await driveTo(ctx, 2);
    const first = await pendentes(MUNICIPIO, 0);
    expect(first).toContainEqual({ IDT: tr.idt, status: 2 });
    expect(await pendentes(MUNICIPIO, 'false')).not.toContainEqual({ IDT: tr.idt, status: 2 });
    expect(await pendentes(MUNICIPIO, 0)).not.toContainEqual({ IDT: tr.idt, status: 2 });
    expect(await pendentes(MUNICIPIO, 1)).toContainEqual({ IDT: tr.idt, status: 2 });
    // A new pendência is returned once to todas=0, even when others were already returned.
    const other = await driveTo(ctx, 2);
    const next = await pendentes(MUNICIPIO, 0);
    expect(next).toContainEqual({ IDT: other.idt, status: 2 });
    expect(next).not.toContainEqual({ IDT: tr.idt, status: 2 });
  });

  it('with todas=0 returns the sender’s new pendência 5 once', async () => {
    const tr = await driveTo(ctx, 5);
    expect(await pendentes(ESTADO, 0)).toContainEqual({ IDT: tr.idt, status: 5 });
    expect(await pendentes(ESTADO, 0)).not.toContainEqual({ IDT: tr.idt, status: 5 });
    expect(await pendentes(ESTADO, 1)).toContainEqual({ IDT: tr.idt, status: 5 });
  });

  it('answers the long-poll fallback `tramites/pendentes?idTramiteDaPendenciaRecebida=0` (no todas) with 2xx and no `encontrou: true`', async () => {
    await driveTo(ctx, 2);
    const r = await ctx.raw(MUNICIPIO).request<Json>('GET', `${V3}tramites/pendentes?idTramiteDaPendenciaRecebida=0`);
    expect2xx(r);
    expect(r.body?.encontrou === true).toBe(false);
  });

  it('refuses a caller without a client certificate', async () => {
    const r = await ctx.raw('anon').request('GET', `${V3}tramites/pendentes?todas=1`);
    expect([401, 403]).toContain(r.status);
    expectError(r, r.status, '9001');
  });
});

describe('long-poll GET /interoperabilidade/pendencias (spec §2.15)', () => {
  let ctx: Ctx;
  const HOLD_S = 2;
  // A pair once returned is not offered again for one hold period, measured on the hub's clock.
  // The clock is held still so that a slow machine cannot age a pair out in the middle of a
  // test; the hold itself (how long a request waits) is real time.
  const clock = new FixedClock(new Date());
  beforeAll(async () => {
    ctx = await startConformanceHub({ clock, env: { ELO_LONG_POLL_SECONDS: String(HOLD_S) } });
  });
  afterAll(async () => ctx?.close());

  type Answer = { encontrou: boolean; IDT?: number; status?: number };
  const poll = async (system: SystemId, n: number) => {
    const t0 = Date.now();
    const r = await ctx.connection(system).request<Answer>('GET', `${LONG_POLL}?idTramiteDaPendenciaRecebida=${n}`);
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return { ...r.body, ms: Date.now() - t0 };
  };

  let released: Tramite;

  it('holds the request while nothing is pending and answers {encontrou: false} before the client timeout', async () => {
    const r = await poll(MUNICIPIO, 0);
    expect(r.encontrou).toBe(false);
    expect(r.IDT).toBeUndefined();
    expect(r.ms).toBeGreaterThanOrEqual(HOLD_S * 1000 - 500);
    expect(r.ms).toBeLessThan(HOLD_S * 1000 + 3000);
  });

  it('answers as soon as a pendência appears while the request is held', async () => {
    const waiting = poll(MUNICIPIO, 0);
    await new Promise((r) => setTimeout(r, 300));
    released = await driveTo(ctx, 2);
    const r = await waiting;
    expect(r).toMatchObject({ encontrou: true, IDT: released.idt, status: 2 });
    expect(r.ms).toBeLessThan(HOLD_S * 1000 - 200);
  });

  it('never returns the pendência acknowledged by n again with an unchanged status; a loop returns each pair once, then encontrou: false', async () => {
    const trs = [await driveTo(ctx, 2), await driveTo(ctx, 2), await driveTo(ctx, 2)];
    const seen: string[] = [];
    let n = released.idt;
    for (let i = 0; i < 10; i++) {
      const r = await poll(MUNICIPIO, n);
      if (!r.encontrou) break;
      const pair = `${r.IDT}/${r.status}`;
      expect(seen, `pair ${pair} returned twice`).not.toContain(pair);
      seen.push(pair);
      n = r.IDT!;
    }
    expect(seen).not.toContain(`${released.idt}/2`);
    expect([...seen].sort()).toEqual(trs.map((t) => `${t.idt}/2`).sort());
  });

  it('offers a pendência nobody acted on again once a hold period has passed since it was returned', async () => {
    const tr = await driveTo(ctx, 2);
    const first = await poll(MUNICIPIO, 0);
    expect(first).toMatchObject({ encontrou: true, IDT: tr.idt, status: 2 });
    clock.advance(HOLD_S * 1000 + 1);
    const pairs: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await poll(MUNICIPIO, 0);
      if (!r.encontrou) break;
      pairs.push(`${r.IDT}/${r.status}`);
    }
    expect(pairs).toContain(`${tr.idt}/2`);
  });

  it('delivers the sender’s pendência 5 when the receiver’s receipt arrives', async () => {
    const tr = await start(ctx);
    await upload(ctx, tr);
    await fetchMetadata(ctx, tr);
    await downloadAll(ctx, tr);
    const s = await signReceipt(ctx, tr);
    const waiting = poll(ESTADO, 0);
    await new Promise((r) => setTimeout(r, 300));
    expect2xx(await ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura }));
    expect(await waiting).toMatchObject({ encontrou: true, IDT: tr.idt, status: 5 });
  });

  it('refuses a caller without a client certificate with a JSON error', async () => {
    const r = await ctx.raw('anon').request('GET', `${LONG_POLL}?idTramiteDaPendenciaRecebida=0`);
    expect([401, 403]).toContain(r.status);
    expectError(r, r.status, '9001');
  });
});
