import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESTADO, expect2xx, MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx } from './support/context.ts';
import { downloadAll, driveTo, fetchMetadata, fromStart, history, sendReceipt, upload, view, type Json, type Tramite } from './support/flow.ts';

/** Replay of a trâmite (spec §2.25, OPTIONAL; Elo implements it). */
describe('reproduções de trâmite (spec §2.25)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  const replay = (nre: string, rep = 200, estrutura = '2002', system: typeof ESTADO | typeof MUNICIPIO = ESTADO) =>
    ctx.client(system).call<Json>('POST', `NREs/${nre}/destinatarios/${rep}/${estrutura}/reproducoes-de-tramite`, { json: [] });

  let original: Tramite;
  let replayed: Tramite;

  it('creates a new trâmite of the NRE, wrapped in tramiteDeProcessoCriado, accepting the body []', async () => {
    original = await driveTo(ctx, 6);
    const r = await replay(original.nre);
    expect(r.status, r.text).toBeGreaterThanOrEqual(200);
    expect(r.status, r.text).toBeLessThan(300);
    const created = r.body.tramiteDeProcessoCriado as Json;
    expect(created.IDT).not.toBe(original.idt);
    expect(created.NRE).toBe(original.nre);
    expect(String(created.ticketParaEnvioDeComponentesDigitais).length).toBeLessThanOrEqual(10);
    expect(created.processosComComponentesDigitaisSolicitados[0].protocolo).toBe(original.protocolo);
    replayed = fromStart(original, created, ESTADO, MUNICIPIO);
    expect(await history(ctx, replayed)).toEqual([1]);
  });

  it('lists the replay in 1 as the sender’s pendência and marks its metadata as a replay with a re-send ticket', async () => {
    expect((await ctx.estado.pendentes()).body).toContainEqual({ IDT: replayed.idt, status: 1 });
    const m = await ctx.estado.metadados(replayed.idt);
    expect(m.status, m.text).toBe(200);
    expect(m.body.reproducaoDeTramite).toBe(true);
    expect(String(m.body.ticketParaReenvioDeComponentesDigitais)).toBe(replayed.ticket);
    expect(await history(ctx, replayed)).toEqual([1]);
  });

  it('answers 9011 while the NRE has an open trâmite to that destination, changing nothing', async () => {
    const msg = await refusedWithoutChange(ctx, () => replay(original.nre), 409, '9011');
    expect(msg).toContain(original.nre);
    expect(msg).toContain('já possui trâmite em andamento para este destinatário');
  });

  it('continues as usual after the re-upload: the pendência 1 leaves at 2 and the receiver completes it', async () => {
    await upload(ctx, replayed);
    expect((await ctx.estado.pendentes()).body.some((p) => p.IDT === replayed.idt)).toBe(false);
    expect((await ctx.municipio.pendentes()).body).toContainEqual({ IDT: replayed.idt, status: 2 });
    const m = await fetchMetadata(ctx, replayed);
    expect(m.reproducaoDeTramite).toBe(true);
    await downloadAll(ctx, replayed);
    await sendReceipt(ctx, replayed);
    expect(await history(ctx, replayed)).toEqual([1, 2, 3, 4, 5]);
    expect((await view(ctx, replayed)).NRE).toBe(original.nre);
  });

  it('answers 404 for an unknown NRE, changing nothing', async () => {
    await refusedWithoutChange(ctx, () => replay('1999999999999999'), 404);
  });

  it('accepts the call on the v4 alias too', async () => {
    const tr = await driveTo(ctx, 6);
    const r = await ctx.raw(ESTADO).request<Json>('POST', `/interoperabilidade/rest/v4/NREs/${tr.nre}/destinatarios/200/2002/reproducoes-de-tramite`, { body: '[]' });
    expect2xx(r);
    expect(r.body.tramiteDeProcessoCriado.NRE).toBe(tr.nre);
  });
});
