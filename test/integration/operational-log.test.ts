import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { startConformanceHub, type Ctx } from '../conformance/support/context.ts';
import { driveTo } from '../conformance/support/flow.ts';

const DAY = 86_400_000;

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never happened: ${what}`);
}

/** Operators read one structured log: nothing goes to the console around it. */
describe('operational log and the periodic sweep with an injected clock', () => {
  let ctx: Ctx;
  const clock = new FixedClock(new Date());
  beforeAll(async () => {
    // a sweep every 50 ms of real time, reading the test's clock (spec §5.4)
    ctx = await startConformanceHub({ clock, env: { ELO_SWEEP_INTERVAL_SECONDS: '0.05' } });
  });
  afterAll(async () => ctx?.close());
  afterEach(() => vi.restoreAllMocks());

  it('runs the periodic sweep on the injected clock: a trâmite idle past the period is cancelled without a manual sweep', async () => {
    const tr = await driveTo(ctx, 2);
    clock.advance(9 * DAY);
    await until(async () => (await ctx.t.hub.store.tramites.get(tr.idt))?.situacao === 10, 'the periodic sweep cancels the idle trâmite');
  });

  it('reports an unexpected error of a request through the injected log, with its request id, and not on the console', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(ctx.t.hub.services.directory, 'listRepositories').mockRejectedValue(new Error('disco indisponível'));
    const r = await ctx.estado.repositorios();
    expect(r.status).toBe(500);
    const logged = lines.map((l) => JSON.parse(l) as { level: string; event: string; data: Record<string, unknown> }).filter((e) => e.event === 'erro_interno');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', data: { requisicao: r.headers.get('x-request-id'), erro: { mensagem: 'disco indisponível' } } });
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('reports a failed sweep through the injected log', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(ctx.t.hub.services.autoCancel, 'sweep').mockRejectedValue(new Error('banco ocupado'));
    await ctx.t.hub.sweep(); // may join a sweep that began before the failure was planted
    await ctx.t.hub.sweep();
    const logged = lines.map((l) => JSON.parse(l) as { event: string; data: Record<string, unknown> });
    expect(logged.find((e) => e.event === 'varredura.cancelamento_automatico_falhou')?.data).toMatchObject({ mensagem: 'banco ocupado' });
    expect(consoleError).not.toHaveBeenCalled();
  });
});
