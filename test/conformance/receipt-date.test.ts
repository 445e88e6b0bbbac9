import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ECHO_LIMIT } from '../../src/domain/bounded-text.ts';
import { expect2xx, expectError, MUNICIPIO, refusedWithAlert, startConformanceHub, testRuntime, type Ctx } from './support/context.ts';
import { driveTo, history, signReceipt, view, type Tramite } from './support/flow.ts';
import { completionString, receiptDateOf, signRsaSha256 } from './support/receipts.ts';

/**
 * The completion receipt's date (spec §7.1, §7.2 step 1): exactly `YYYY-MM-DDTHH:MM:SS.000Z`,
 * checked before any string is built, and equal to the hub's situação-4 time unless the
 * installation accepts a mismatch. Every refusal of a receipt in 4 is logged and alerted, since
 * SEI answers it by refusing its own trâmite (spec §2.20).
 */

type LogLine = { level: string; event: string; data: Record<string, any> };

/**
 * The operational log written during `fn`: one JSON line per entry, on the Node hub's stderr
 * (runtime/hub.ts), or on the Worker's console as workerd hands it to the test (harness/worker-hub.ts).
 */
async function capturingLog<T>(ctx: Ctx, fn: () => Promise<T>): Promise<{ result: T; raw: string[]; lines: LogLine[] }> {
  if (testRuntime() === 'workers') return capturingWorkerLog(ctx, fn);
  const raw: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    raw.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
    return true;
  });
  try {
    const result = await fn();
    const lines = raw.flatMap((r) => r.split('\n')).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
    return { result, raw, lines };
  } finally {
    spy.mockRestore();
  }
}

/**
 * The Worker writes its log line before it answers, but the line reaches the test through
 * workerd's stdout, not the answer's connection: what `fn` caused is in once the console has been
 * quiet for a moment after it.
 */
async function capturingWorkerLog<T>(ctx: Ctx, fn: () => Promise<T>): Promise<{ result: T; raw: string[]; lines: LogLine[] }> {
  const logs = (ctx.t as unknown as { worker: { logs: string[] } }).worker.logs;
  const from = logs.length;
  const result = await fn();
  for (let seen = -1, i = 0; seen !== logs.length && i < 40; i++) {
    seen = logs.length;
    await new Promise((r) => setTimeout(r, 150));
  }
  const raw = logs.slice(from);
  return { result, raw, lines: raw.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine) };
}

/** Admin API events of a kind (GET /admin/api/eventos, the monitors' view). */
function eventsApi(ctx: () => Ctx) {
  let agent: Agent | null = null;
  return {
    async list(kind: string): Promise<{ tipo: string; IDT: number; dados: Record<string, any> }[]> {
      agent ??= new Agent({ connect: { ca: ctx().t.caPem } });
      const token = readFileSync(ctx().t.paths.adminToken, 'utf8').trim();
      const res = await fetch(`${ctx().t.hub.url}/admin/api/eventos?tipo=${kind}`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { eventos: { tipo: string; IDT: number; dados: Record<string, any> }[] }).eventos;
    },
    close: async () => agent?.close(),
  };
}

const situacao4Date = async (ctx: Ctx, tr: Tramite) =>
  receiptDateOf((await view(ctx, tr, MUNICIPIO)).mudancasDeSituacao.find((m: { situacao: number }) => m.situacao === 4).dataHora as string);

const post = (ctx: Ctx, tr: Tramite, s: { dataDeRecebimento: string; hashDaAssinatura: string }) =>
  ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura });

/** A date carrying markup that splices a forged hash into the signed string (the attack of the finding). */
const spliced = (d: string) => `${d}</dataDeRecebimento><hashDoComponenteDigital>FORGED+hash+not+in+the+tramite=</hashDoComponenteDigital><dataDeRecebimento>${d}`;

describe('completion receipt date, by default (spec §7.2 step 1)', () => {
  let ctx: Ctx;
  const events = eventsApi(() => ctx);
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await events.close();
    await ctx?.close();
  });

  it('refuses a backdated receipt signed with the receiver’s own key with 0001 naming the field, keeping situação 4 and storing no receipt', async () => {
    const tr = await driveTo(ctx, 4);
    const at4 = await situacao4Date(ctx, tr);
    const backdated = await signReceipt(ctx, tr, { dataDeRecebimento: '2020-01-01T00:00:00.000Z' });
    const { mensagem, event } = await refusedWithAlert(ctx, tr.idt, () => post(ctx, tr, backdated), 400, '0001');
    expect(mensagem).toContain('dataDeRecebimento');
    expect(mensagem).toContain(at4);
    expect(event).toMatchObject({ codigoErro: '0001', sistema: MUNICIPIO, dataDeRecebimento: '2020-01-01T00:00:00.000Z' });
    // one second off is just as wrong: the equality is exact
    const later = new Date(new Date(at4).getTime() + 1000).toISOString().replace(/\.\d{3}Z$/, '.000Z');
    await refusedWithAlert(ctx, tr.idt, async () => post(ctx, tr, await signReceipt(ctx, tr, { dataDeRecebimento: later })), 400, '0001');
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4]);
    expect((await ctx.estado.recibo(tr.idt)).status).toBe(409);
  });

  it('accepts the true date — the situação-4 time as SEI writes it — and relays it', async () => {
    const tr = await driveTo(ctx, 4);
    const s = await signReceipt(ctx, tr);
    expect(s.dataDeRecebimento).toBe(await situacao4Date(ctx, tr));
    expect2xx(await post(ctx, tr, s));
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5]);
    expect((await ctx.estado.recibo(tr.idt)).body.recibo.dataDeRecebimento).toBe(s.dataDeRecebimento);
    expect((await ctx.t.hub.store.tramites.getCompletionReceipt(tr.idt))!.situacao4Date).toBe(s.dataDeRecebimento);
  });

  it('refuses a date carrying markup with 0001 before any string is built, even when the spliced string is validly signed', async () => {
    const tr = await driveTo(ctx, 4);
    const D = spliced(await situacao4Date(ctx, tr));
    // What the hub would have rebuilt from it, signed by the receiver: the old check accepted it
    // and relayed a receipt naming a hash that is not in the trâmite.
    const hashes = (await view(ctx, tr, MUNICIPIO)).hashDosComponentesPendentesDeRecebimento as string[];
    const hashDaAssinatura = signRsaSha256(ctx.t.creds[MUNICIPIO]!.key, completionString({ idt: tr.idt, nre: tr.nre, dataDeRecebimento: D, hashes }));
    const { result: refused, lines } = await capturingLog(ctx, () =>
      refusedWithAlert(ctx, tr.idt, () => ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: D, hashDaAssinatura }), 400, '0001'),
    );
    expect(refused.mensagem).toContain('dataDeRecebimento deve ter exatamente o formato YYYY-MM-DDTHH:MM:SS.000Z');
    const logged = lines.filter((l) => l.event === 'recibo_conclusao_rejeitado');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.data).toMatchObject({ idt: tr.idt, codigoErro: '0001', strings: [] }); // no string was built
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4]);
  });

  it('alerts every refusal of a receipt in 4 at GET /admin/api/eventos, with the rebuilt strings in the log', async () => {
    const tr = await driveTo(ctx, 4);
    const before = (await events.list('recibo.rejeitado')).length;
    const good = await signReceipt(ctx, tr);
    const refusals = [
      () => post(ctx, tr, { ...good, dataDeRecebimento: 'ontem' }),
      () => post(ctx, tr, { ...good, hashDaAssinatura: signRsaSha256(ctx.t.creds[MUNICIPIO]!.key, 'outra coisa') }),
      () => ctx.municipio.call('POST', `tramites/${tr.idt}/recibo`, { json: { dataDeRecebimento: good.dataDeRecebimento } }),
      () => ctx.municipio.call('POST', `tramites/${tr.idt}/recibo`, { rawBody: '{"dataDeRecebimento": ' }),
    ];
    const { lines } = await capturingLog(ctx, async () => {
      for (const call of refusals) expect((await call()).status).toBe(400);
    });
    const listed = (await events.list('recibo.rejeitado')).filter((e) => e.IDT === tr.idt);
    expect(listed.map((e) => e.dados.codigoErro).sort()).toEqual(['0001', '0001', '0001', '9007']);
    expect((await events.list('recibo.rejeitado')).length).toBe(before + refusals.length);
    const logged = lines.filter((l) => l.event === 'recibo_conclusao_rejeitado');
    expect(logged).toHaveLength(refusals.length);
    const bad = logged.find((l) => l.data.codigoErro === '9007')!;
    expect(bad.data.strings).toContain(good.signed); // the rebuilt string, to compare with the receiver's
    // refusals that could not have completed the trâmite are not alerted (no one else fills the list)
    await ctx.estado.enviarRecibo(tr.idt, good);
    const other = await driveTo(ctx, 3);
    await ctx.municipio.enviarRecibo(other.idt, good);
    expect((await events.list('recibo.rejeitado')).length).toBe(before + refusals.length);
    expect2xx(await post(ctx, tr, good));
  });

  it('keeps the log lines, the message and the event of a refused 60 KB date bounded', async () => {
    const tr = await driveTo(ctx, 4);
    // the largest date a receipt body can carry: small JSON bodies stop at 64 KB
    const huge = `${await situacao4Date(ctx, tr)}${'<'.repeat(60_000)}`;
    const { result: r, raw } = await capturingLog(ctx, () => ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: huge, hashDaAssinatura: 'AAAA' }));
    const body = expectError(r, 400, '0001');
    const written = raw.join('');
    // Measured: before the fix the date was written whole in every copy.
    expect(written.length).toBeGreaterThan(0);
    expect(Math.max(...raw.map((l) => l.length))).toBeLessThan(4 * ECHO_LIMIT + 2000);
    expect(body.mensagem.length).toBeLessThan(ECHO_LIMIT + 400);
    expect(body.mensagem).toContain('caracteres omitidos');
    const [event] = (await events.list('recibo.rejeitado')).filter((e) => e.IDT === tr.idt);
    expect(JSON.stringify(event).length).toBeLessThan(4 * ECHO_LIMIT + 2000);
  });

  it('refuses a 1 MB receipt body as too large before reading its date', async () => {
    const tr = await driveTo(ctx, 4);
    const huge = `${await situacao4Date(ctx, tr)}${'<'.repeat(1_000_000)}`;
    const r = await ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: huge, hashDaAssinatura: 'AAAA' });
    expectError(r, 413, '9013');
  });
});

describe('completion receipt date, with ELO_ACCEPT_RECEIPT_DATE_MISMATCH=true (spec §7.2 step 1)', () => {
  let ctx: Ctx;
  const events = eventsApi(() => ctx);
  beforeAll(async () => {
    ctx = await startConformanceHub({ env: { ELO_ACCEPT_RECEIPT_DATE_MISMATCH: 'true' } });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    await events.close();
    await ctx?.close();
  });

  it('accepts a mismatched date, records both dates and raises a recibo.data_divergente alert', async () => {
    const tr = await driveTo(ctx, 4);
    const at4 = await situacao4Date(ctx, tr);
    const s = await signReceipt(ctx, tr, { dataDeRecebimento: '2020-01-01T00:00:00.000Z' });
    const { result: r, lines } = await capturingLog(ctx, () => post(ctx, tr, s));
    expect2xx(r);
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5]);
    const stored = (await ctx.t.hub.store.tramites.getCompletionReceipt(tr.idt))!;
    expect({ posted: stored.dataDeRecebimento, hub: stored.situacao4Date }).toEqual({ posted: '2020-01-01T00:00:00.000Z', hub: at4 });
    // the relay keeps the posted string verbatim: it is what the signature covers (spec §2.21)
    expect((await ctx.estado.recibo(tr.idt)).body.recibo.dataDeRecebimento).toBe('2020-01-01T00:00:00.000Z');
    const [event] = (await events.list('recibo.data_divergente')).filter((e) => e.IDT === tr.idt);
    expect(event?.dados).toMatchObject({ dataDeRecebimento: '2020-01-01T00:00:00.000Z', dataDaSituacao4: at4, sistema: MUNICIPIO });
    expect(lines.filter((l) => l.event === 'recibo_conclusao_data_divergente')).toHaveLength(1);
  });

  it('raises no alert for the true date, and still refuses a date carrying markup', async () => {
    const tr = await driveTo(ctx, 4);
    expect2xx(await post(ctx, tr, await signReceipt(ctx, tr)));
    expect((await events.list('recibo.data_divergente')).filter((e) => e.IDT === tr.idt)).toEqual([]);
    const other = await driveTo(ctx, 4);
    const D = spliced(await situacao4Date(ctx, other));
    const hashes = (await view(ctx, other, MUNICIPIO)).hashDosComponentesPendentesDeRecebimento as string[];
    const hashDaAssinatura = signRsaSha256(ctx.t.creds[MUNICIPIO]!.key, completionString({ idt: other.idt, nre: other.nre, dataDeRecebimento: D, hashes }));
    await refusedWithAlert(ctx, other.idt, () => ctx.municipio.enviarRecibo(other.idt, { dataDeRecebimento: D, hashDaAssinatura }), 400, '0001');
  });
});
