import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FixedClock, ManualTimers } from '../../src/domain/clock.ts';
import { ESTADO, MUNICIPIO, startConformanceHub, type Ctx, type SystemId } from '../conformance/support/context.ts';
import { driveTo } from '../conformance/support/flow.ts';

const LONG_POLL = '/interoperabilidade/pendencias';
const HOLD_MS = 280_000;
type Answer = { encontrou: boolean; IDT?: number; status?: number };

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
}

/**
 * The held long-poll (spec §2.15) is woken by transitions, not by re-reading the store on a
 * timer; its hold is measured by the timer port, so this file fires the 280 s hold by hand.
 */
describe('long-poll held on the transition notifier and the timer port', () => {
  let ctx: Ctx;
  const clock = new FixedClock(new Date());
  const timers = new ManualTimers(clock);
  beforeAll(async () => {
    ctx = await startConformanceHub({ clock, timers });
  });
  afterAll(async () => ctx?.close());

  const held = (system: SystemId) => ctx.t.hub.services.admission.inProgress(system).longPolls;
  const poll = (system: SystemId, n: number) => ctx.connection(system).request<Answer>('GET', `${LONG_POLL}?idTramiteDaPendenciaRecebida=${n}`);

  it('reads the store once while nothing changes and answers {encontrou: false} when the hold ends', async () => {
    const reads = vi.spyOn(ctx.t.hub.store.tramites, 'longPollDeliveries');
    try {
      const waiting = poll(ESTADO, 0);
      // held, read once, and its hold timer armed (the read resolves after it starts: on PostgreSQL
      // under load, a timer armed after the advance below would never fire)
      await until(() => held(ESTADO) === 1 && reads.mock.calls.length === 1 && timers.pending === 1, 'the long-poll is held');
      timers.advance(HOLD_MS - 1);
      // the handler before the notifier read the store every 250 ms: 1 119 more reads by now
      expect(reads).toHaveBeenCalledTimes(1);
      expect(held(ESTADO)).toBe(1);
      timers.advance(1);
      const r = await waiting;
      expect(r.status, r.text).toBe(200);
      expect(r.body).toEqual({ encontrou: false });
      expect(reads).toHaveBeenCalledTimes(1);
      expect(held(ESTADO)).toBe(0);
    } finally {
      reads.mockRestore();
    }
  });

  let offered: Awaited<ReturnType<typeof driveTo>>;

  it('answers a held request as soon as a transition makes a pendência for it, and the hold timer is gone', async () => {
    const waiting = poll(MUNICIPIO, 0);
    await until(() => held(MUNICIPIO) === 1, 'the long-poll is held');
    const tr = (offered = await driveTo(ctx, 2));
    const r = await waiting;
    expect(r.body).toMatchObject({ encontrou: true, IDT: tr.idt, status: 2 });
    expect(held(MUNICIPIO)).toBe(0);
    expect(timers.pending).toBe(0);
  });

  it('offers a pair again in the middle of a hold, at the moment one hold period has passed on the clock since it was returned', async () => {
    // `offered` (returned by the previous test, nobody acted on it) is the caller's only pendência
    clock.advance(100_000);
    const reads = vi.spyOn(ctx.t.hub.store.tramites, 'longPollDeliveries');
    try {
      const waiting = poll(MUNICIPIO, 0);
      // both timers armed: the hold's end, and the moment the returned pair may be offered again
      await until(() => held(MUNICIPIO) === 1 && reads.mock.calls.length === 1 && timers.pending === 2, 'the long-poll is held');
      timers.advance(HOLD_MS - 100_000);
      expect(reads).toHaveBeenCalledTimes(1);
      timers.advance(1);
      const r = await waiting;
      expect(r.body).toMatchObject({ encontrou: true, IDT: offered.idt, status: 2 });
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
    }
  });
});
