import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { bytesOf } from '../harness/packages.ts';
import { MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx } from './support/context.ts';
import { cancel, driveTo, history, refuse, situacao, start, upload, view, type Tramite } from './support/flow.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ALERT = 'tramite.alerta_cancelamento_automatico';

/**
 * Automatic cancellation (spec §5.4): a trâmite idle in 1, 2, 3 or 4 for longer than the idle
 * period (default 8 days, measured from its last transition) goes to 10; 5 and 8 never do. Time
 * is moved with an injected clock, never slept.
 */
describe('automatic cancellation (spec §5.4)', () => {
  let ctx: Ctx;
  const clock = new FixedClock(new Date());
  let t0: number;
  const idle = new Map<number, Tramite>();
  let at5: Tramite;
  let at8: Tramite;
  let late: Tramite;

  beforeAll(async () => {
    ctx = await startConformanceHub({ clock });
    t0 = Date.now();
    clock.set(new Date(t0));
  });
  afterAll(async () => ctx?.close());

  const sweep = () => ctx.t.hub.services.autoCancel.sweep();
  const alerts = async (tr: Tramite) => (await ctx.t.hub.store.audit.list({ idt: tr.idt })).filter((e) => e.kind === ALERT);

  it('leaves fresh trâmites alone', async () => {
    for (const s of [1, 2, 3, 4] as const) idle.set(s, await driveTo(ctx, s));
    at5 = await driveTo(ctx, 5);
    at8 = await driveTo(ctx, 8);
    late = await start(ctx);
    expect(await sweep()).toBe(0);
  });

  it('measures idleness from the last transition: a trâmite that moved on day 5 is not idle on day 8', async () => {
    clock.set(new Date(t0 + 5 * DAY));
    await upload(ctx, late);
    expect(await history(ctx, late)).toEqual([1, 2]);
  });

  it('records one early-warning audit event per trâmite idle past the warning period (6 days), and cancels nothing yet', async () => {
    clock.set(new Date(t0 + 6 * DAY + HOUR));
    expect(await sweep()).toBe(0);
    expect(await sweep()).toBe(0);
    for (const tr of idle.values()) expect(await alerts(tr)).toHaveLength(1);
    for (const tr of [at5, at8, late]) expect(await alerts(tr)).toHaveLength(0);
    for (const [s, tr] of idle) expect(await situacao(ctx, tr)).toBe(s);
  });

  it('cancels every trâmite idle in 1, 2, 3 or 4 for more than 8 days → 10, and only those', async () => {
    clock.set(new Date(t0 + 8 * DAY + 60_000));
    expect(await sweep()).toBe(4);
    for (const [s, tr] of idle) {
      const v = await view(ctx, tr);
      expect(v.situacaoAtual).toBe(10);
      expect(v.mudancasDeSituacao.map((m: { situacao: number }) => m.situacao)).toEqual([1, 2, 3, 4].slice(0, s).concat(10));
    }
    expect(await situacao(ctx, at5)).toBe(5);
    expect(await situacao(ctx, at8)).toBe(8);
    expect(await situacao(ctx, late)).toBe(2);
    expect(await sweep()).toBe(0);
  });

  it('removes the pendências of cancelled trâmites and answers 409 to every later call on them, changing nothing', async () => {
    const pend = (await ctx.municipio.pendentes()).body;
    for (const tr of idle.values()) expect(pend.some((p) => p.IDT === tr.idt)).toBe(false);
    const in1 = idle.get(1)!;
    const in3 = idle.get(3)!;
    const h = in1.requested[0]!;
    await refusedWithoutChange(ctx, () => ctx.estado.enviarComponente(in1.ticket, { bytes: in1.bytes.get(h)!, hash: h, protocolo: in1.protocolo }), 409);
    await refusedWithoutChange(ctx, () => ctx.municipio.metadados(in3.idt), 409);
    await refusedWithoutChange(ctx, () => refuse(ctx, in3), 409);
    await refusedWithoutChange(ctx, () => ctx.client(MUNICIPIO).baixarParte(in3.idt, in3.requested[0]!, in3.protocolo, 0, 1), 409);
    const msg = await refusedWithoutChange(ctx, () => cancel(ctx, in3), 409);
    expect(msg).toContain('10');
  });

  it('accepts a new trâmite of an auto-cancelled NRE, whose documents were never registered', async () => {
    const old = idle.get(4)!;
    const again = await start(ctx, { protocolo: old.protocolo, nre: old.nre, documentos: [{ bytes: [bytesOf(80, ctx.seed())] }] });
    expect(again.nre).toBe(old.nre);
  });

  it('cancels the trâmite that moved later once its own idle period has passed, and never 5 or 8', async () => {
    clock.set(new Date(t0 + 13 * DAY + 2 * 60_000));
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect(await history(ctx, late)).toEqual([1, 2, 10]);
    clock.set(new Date(t0 + 60 * DAY));
    await sweep();
    expect(await situacao(ctx, at5)).toBe(5);
    expect(await situacao(ctx, at8)).toBe(8);
  });
});
