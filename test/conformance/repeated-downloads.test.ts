import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expect2xx, startConformanceHub, type Ctx } from './support/context.ts';
import { driveTo, situacao } from './support/flow.ts';

/**
 * Security test, finding 8: every partial download was kept as its own row, so a receiver that
 * fetched the same range again and again grew the table without bound, and each request got
 * slower. Ranges are merged as they are recorded (spec §2.19: downloads are idempotent, §9.2).
 */
describe('repeated partial downloads (spec §2.19)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  const rangeRows = async (idt: number) => ((await ctx.t.snapshot()).rows.download_ranges as { idt: number }[]).filter((r) => r.idt === idt).length;

  it('keeps one range row however often the same part is fetched, and still completes on the rest', async () => {
    const tr = await driveTo(ctx, 3, { documentos: [{ bytes: [new Uint8Array(4096).fill(3)] }] });
    const [hash] = tr.requested;
    const client = ctx.client(tr.receiver);
    for (let i = 0; i < 200; i++) expect2xx(await client.baixarParte(tr.idt, hash!, tr.protocolo, 0, 1024));
    expect(await rangeRows(tr.idt)).toBe(1);
    expect(await situacao(ctx, tr)).toBe(3);
    // an overlapping range coalesces too; coverage is judged on the merged range
    expect2xx(await client.baixarParte(tr.idt, hash!, tr.protocolo, 512, 2048));
    expect(await rangeRows(tr.idt)).toBe(1);
    expect(await situacao(ctx, tr)).toBe(3);
    // the adjacent rest completes the component: delivered, and its ranges are no longer kept
    expect2xx(await client.baixarParte(tr.idt, hash!, tr.protocolo, 2048, 4096));
    expect(await situacao(ctx, tr)).toBe(4);
    expect(await rangeRows(tr.idt)).toBe(0);
  });
});
