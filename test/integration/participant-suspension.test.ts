import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { startConformanceHub, type Ctx } from '../conformance/support/context.ts';
import { ciencia, driveTo, fetchReceipt, start, type Tramite } from '../conformance/support/flow.ts';

const DAY = 86_400_000;

/**
 * README "Participantes", what happens to the trâmites waiting on a participant while it is
 * suspended: those in 1–4 follow the automatic cancellation like any idle trâmite (spec §5.4);
 * those in 5 or 8 are never cancelled and wait for its reactivation. Time moves with an injected
 * clock.
 */
describe('trâmites waiting on a suspended participant', () => {
  let ctx: Ctx;
  const clock = new FixedClock(new Date());
  let t0: number;
  let waitingOnMunicipio: Tramite[];
  let at5: Tramite;
  let at8: Tramite;

  beforeAll(async () => {
    ctx = await startConformanceHub({ clock });
    t0 = Date.now();
    clock.set(new Date(t0));
  });
  afterAll(async () => ctx?.close());

  const situacaoInStore = async (tr: Tramite) => (await ctx.t.hub.store.tramites.get(tr.idt))!.situacao;
  const act = (cnpj: string, action: 'suspender' | 'reativar', motivo: string) => ctx.t.hub.services.participants.act(cnpj, action, motivo, 'teste');
  const ESTADO_CNPJ = '00000000000191';
  const MUNICIPIO_CNPJ = '11111111000191';

  it('suspends both parties of trâmites in 1, 2, 5 and 8', async () => {
    waitingOnMunicipio = [await driveTo(ctx, 2), await start(ctx, { remetente: [200, '2002'], destinatario: [100, '1002'] })];
    at5 = await driveTo(ctx, 5);
    at8 = await driveTo(ctx, 8);
    await act(MUNICIPIO_CNPJ, 'suspender', 'teste de suspensão');
    await act(ESTADO_CNPJ, 'suspender', 'teste de suspensão');
    expect(await Promise.all([...waitingOnMunicipio, at5, at8].map(situacaoInStore))).toEqual([2, 1, 5, 8]);
  });

  it('cancels those in 1–4 once idle past the period, as any idle trâmite, and never those in 5 or 8', async () => {
    clock.set(new Date(t0 + 8 * DAY + 60_000));
    expect(await ctx.t.hub.services.autoCancel.sweep()).toBe(2);
    expect(await Promise.all([...waitingOnMunicipio, at5, at8].map(situacaoInStore))).toEqual([10, 10, 5, 8]);
  });

  it('lets the reactivated sender fetch the receipt of the one in 5 (→ 6) and acknowledge the refusal of the one in 8 (→ 9)', async () => {
    await act(ESTADO_CNPJ, 'reativar', 'fim do teste');
    await fetchReceipt(ctx, at5);
    expect((await ciencia(ctx, at8)).status).toBe(200);
    expect(await Promise.all([at5, at8].map(situacaoInStore))).toEqual([6, 9]);
  });
});
