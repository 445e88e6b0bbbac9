import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCompletionReceipt } from '../../src/client/tramita-client.ts';
import { FixedClock } from '../../src/domain/clock.ts';
import { receiptDate } from '../../src/xml/receipt-strings.ts';
import { bytesOf, sha256b64 } from '../harness/packages.ts';
import { ESTADO, expect2xx, MUNICIPIO, refusedWithAlert, refusedWithoutChange, startConformanceHub, testRuntime, type Ctx } from './support/context.ts';
import { V3 } from './support/http.ts';
import { downloadAll, driveTo, fetchMetadata, history, sendReceipt, signReceipt, smallDoc, start, upload, view, type Json } from './support/flow.ts';
import { completionString, leafOf, ordinalSort, receiptDateOf, signRsaSha256, verifiesWith } from './support/receipts.ts';

/** Completion receipts (spec §2.20, §2.21, §7.1, §7.2), signed with the receiver system's key. */
describe('completion receipts (spec §2.20, §2.21, §7)', () => {
  let ctx: Ctx;
  // A clock with a fraction of a second, so that the receipt date must truncate it (spec §7.1).
  // The Worker keeps Cloudflare's clock (ELO_TEST_RUNTIME=workers): its dates are whatever the
  // situação-4 entry says, and the checks against this clock are the Node hub's only.
  const onWorker = testRuntime() === 'workers';
  const clock = new FixedClock(new Date());
  beforeAll(async () => {
    ctx = await startConformanceHub(onWorker ? {} : { clock });
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000 + 987));
  });
  afterAll(async () => ctx?.close());

  it('accepts the exact §7.1 string signed with the receiver’s key: date of the situação-4 entry truncated to .000Z, hashes sorted ordinally', async () => {
    // Hashes chosen so that ordinal order differs from locale collation: find bytes whose hashes
    // start with '+', '/', a digit, an upper-case and a lower-case letter.
    const wanted = [/^\+/, /^\//, /^\d/, /^[A-Z]/, /^[a-z]/];
    const docs: Uint8Array[] = [];
    for (let seed = 1; docs.length < wanted.length && seed < 20_000; seed++) {
      const b = bytesOf(32, 70_000 + seed);
      const h = sha256b64(b);
      if (wanted[docs.length]!.test(h)) docs.push(b);
    }
    expect(docs).toHaveLength(5);
    const tr = await driveTo(ctx, 4, { documentos: [...docs].reverse().map((b) => ({ bytes: [b] })) });
    const v = await view(ctx, tr, MUNICIPIO);
    const at4 = v.mudancasDeSituacao.find((m: { situacao: number }) => m.situacao === 4).dataHora as string;
    if (!onWorker) expect(Math.floor(new Date(at4).getTime() / 1000)).toBe(Math.floor(clock.now().getTime() / 1000));
    const dataDeRecebimento = receiptDateOf(at4);
    if (!onWorker) expect(dataDeRecebimento).toBe(`${clock.now().toISOString().slice(0, 19)}.000Z`);
    expect(dataDeRecebimento).toBe(receiptDate(new Date(at4)));
    const hashes = v.hashDosComponentesPendentesDeRecebimento as string[];
    const signed =
      `<recibo><IDT>${tr.idt}</IDT><NRE>${tr.nre}</NRE><dataDeRecebimento>${dataDeRecebimento}</dataDeRecebimento>` +
      docs.map((b) => `<hashDoComponenteDigital>${sha256b64(b)}</hashDoComponenteDigital>`).join('') +
      '</recibo>';
    expect(completionString({ idt: tr.idt, nre: tr.nre, dataDeRecebimento, hashes })).toBe(signed);
    const hashDaAssinatura = signRsaSha256(ctx.t.creds[MUNICIPIO]!.key, signed);
    // The project's client helper signs the same bytes (PKCS#1 v1.5 is deterministic).
    expect(await signCompletionReceipt(ctx.t.creds[MUNICIPIO]!.key, { idt: tr.idt, nre: tr.nre, dataDeRecebimento, hashes })).toBe(hashDaAssinatura);
    const r = await ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento, hashDaAssinatura });
    expect2xx(r, 'POST recibo');
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5]);

    const fetched = await ctx.estado.recibo(tr.idt);
    expect(fetched.status, fetched.text).toBe(200);
    expect(fetched.body.recibo).toEqual({ IDT: tr.idt, NRE: tr.nre, dataDeRecebimento, hashesDosComponentesDigitais: docs.map((b) => sha256b64(b)) });
    expect(fetched.body.hashDaAssinatura).toBe(hashDaAssinatura);
    // Offline verification by a third party with the relayed chain (the receiver's certificate).
    expect(leafOf(fetched.body.cadeiaDoCertificado).replace(/\s/g, '')).toBe(leafOf(ctx.t.creds[MUNICIPIO]!.cert).replace(/\s/g, ''));
    expect(verifiesWith(fetched.body.cadeiaDoCertificado, signed, fetched.body.hashDaAssinatura)).toBe(true);
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses near-misses of the exact string (declaration, whitespace, locale order, another date format) with 9007, changing nothing', async () => {
    const docs: Uint8Array[] = [];
    for (let seed = 1; docs.length < 2 && seed < 20_000; seed++) {
      const b = bytesOf(32, 90_000 + seed);
      const h = sha256b64(b);
      // an upper-case and a lower-case initial: ordinal and case-insensitive locale order differ
      if (docs.length === 0 ? /^[a-m]/.test(h) : /^[N-Z]/.test(h)) docs.push(b);
    }
    const tr = await driveTo(ctx, 4, { documentos: docs.map((b) => ({ bytes: [b] })) });
    const good = await signReceipt(ctx, tr);
    const hashes = good.hashes;
    const D = good.dataDeRecebimento;
    const el = (hs: string[]) => hs.map((h) => `<hashDoComponenteDigital>${h}</hashDoComponenteDigital>`).join('');
    const locale = [...hashes].sort((a, b) => a.localeCompare(b, 'pt-BR'));
    expect(locale).not.toEqual(ordinalSort(hashes));
    const variants = [
      `<?xml version="1.0" encoding="UTF-8"?>${good.signed}`,
      good.signed.replace('<IDT>', '\n  <IDT>'),
      `${good.signed}\n`,
      `<recibo><IDT>${tr.idt}</IDT><NRE>${tr.nre}</NRE><dataDeRecebimento>${D}</dataDeRecebimento>${el(locale)}</recibo>`,
      good.signed.replace(D, D.replace('.000Z', 'Z')),
      good.signed.replace(`<NRE>${tr.nre}</NRE>`, `<NRE>${tr.nre.replace(/^0+/, '')}</NRE>`) ,
    ].filter((v) => v !== good.signed);
    for (const v of variants) {
      const hashDaAssinatura = signRsaSha256(ctx.t.creds[MUNICIPIO]!.key, v);
      await refusedWithAlert(ctx, tr.idt, () => ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: D, hashDaAssinatura }), 400, '9007').catch((e: unknown) => {
        throw new Error(`variant ${v}: ${String(e)}`);
      });
    }
    // The exact string is still accepted afterwards.
    expect2xx(await ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: D, hashDaAssinatura: good.hashDaAssinatura }));
  });

  it('creates the sender’s pendência 5 and removes the receiver’s, then 6 removes the sender’s', async () => {
    const tr = await driveTo(ctx, 4);
    expect((await ctx.municipio.pendentes()).body).toContainEqual({ IDT: tr.idt, status: 4 });
    await sendReceipt(ctx, tr);
    expect((await ctx.estado.pendentes()).body).toContainEqual({ IDT: tr.idt, status: 5 });
    expect((await ctx.municipio.pendentes()).body.some((p) => p.IDT === tr.idt)).toBe(false);
    await ctx.estado.recibo(tr.idt);
    expect((await ctx.estado.pendentes()).body.some((p) => p.IDT === tr.idt)).toBe(false);
  });

  it('accepts a set with duplicates as listed, and the same set without duplicates (spec §7.2 candidates a and b)', async () => {
    const shared = bytesOf(100, ctx.seed());
    const docs = () => [{ bytes: [shared] }, { bytes: [shared] }, smallDoc(ctx)];
    const a = await driveTo(ctx, 4, { documentos: docs() });
    const listed = (await view(ctx, a, MUNICIPIO)).hashDosComponentesPendentesDeRecebimento as string[];
    const sa = await sendReceipt(ctx, a, { hashes: listed });
    expect(await history(ctx, a)).toEqual([1, 2, 3, 4, 5]);
    // The relayed receipt is exactly the verified string's content (spec §7.2 "Relay").
    const relayed = await ctx.estado.recibo(a.idt);
    expect(relayed.body.recibo.hashesDosComponentesDigitais).toEqual(ordinalSort(listed));
    expect(verifiesWith(relayed.body.cadeiaDoCertificado, sa.signed, relayed.body.hashDaAssinatura)).toBe(true);
    // A second process with the same repeated component, signed over the distinct hashes only.
    const b = await driveTo(ctx, 4, { documentos: [{ bytes: [shared] }, { bytes: [shared] }, smallDoc(ctx)] });
    const distinct = [...new Set((await view(ctx, b, MUNICIPIO)).hashDosComponentesPendentesDeRecebimento as string[])];
    await sendReceipt(ctx, b, { hashes: distinct });
    expect(await history(ctx, b)).toEqual([1, 2, 3, 4, 5]);
    expect((await ctx.estado.recibo(b.idt)).body.recibo.hashesDosComponentesDigitais).toEqual(ordinalSort(distinct));
    // And with every repetition of the package (one per component), as SEI lists them.
    const c = await driveTo(ctx, 4, { documentos: [{ bytes: [shared] }, { bytes: [shared] }, smallDoc(ctx)] });
    const perComponent = [...c.bytes.keys()].flatMap((h) => (h === sha256b64(shared) ? [h, h] : [h]));
    await sendReceipt(ctx, c, { hashes: perComponent });
    expect(await history(ctx, c)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a receipt signed with another key, or over another hash set, with 400 9007 naming IDT, NRE and the sets tried — changing nothing', async () => {
    const tr = await driveTo(ctx, 4, { documentos: [smallDoc(ctx), smallDoc(ctx)] });
    const wrongKey = await signReceipt(ctx, tr, { keyOf: ESTADO });
    const { mensagem: msg } = await refusedWithAlert(
      ctx,
      tr.idt,
      () => ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: wrongKey.dataDeRecebimento, hashDaAssinatura: wrongKey.hashDaAssinatura }),
      400,
      '9007',
    );
    expect(msg).toContain(String(tr.idt));
    expect(msg).toContain(tr.nre);
    expect(msg).toContain(tr.requested[0]!);
    const missingOne = await signReceipt(ctx, tr, { hashes: [tr.requested[0]!] });
    await refusedWithAlert(
      ctx,
      tr.idt,
      () => ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: missingOne.dataDeRecebimento, hashDaAssinatura: missingOne.hashDaAssinatura }),
      400,
      '9007',
    );
    const wrongIdt = signRsaSha256(
      ctx.t.creds[MUNICIPIO]!.key,
      completionString({ idt: tr.idt + 1, nre: tr.nre, dataDeRecebimento: missingOne.dataDeRecebimento, hashes: tr.requested }),
    );
    await refusedWithAlert(ctx, tr.idt, () => ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: missingOne.dataDeRecebimento, hashDaAssinatura: wrongIdt }), 400, '9007');
    await refusedWithAlert(ctx, tr.idt, () => ctx.municipio.call('POST', `tramites/${tr.idt}/recibo`, { json: { dataDeRecebimento: missingOne.dataDeRecebimento } }), 400, '0001');
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4]);
  });

  it('answers 409 before 4, 403 to the sender and 404 for an unknown IDT, changing nothing', async () => {
    const tr = await driveTo(ctx, 3);
    const body = { dataDeRecebimento: receiptDate(onWorker ? new Date() : clock.now()), hashDaAssinatura: signRsaSha256(ctx.t.creds[MUNICIPIO]!.key, 'x') };
    await refusedWithoutChange(ctx, () => ctx.municipio.enviarRecibo(tr.idt, body), 409);
    await downloadAll(ctx, tr);
    const s = await signReceipt(ctx, tr, { keyOf: ESTADO });
    await refusedWithoutChange(ctx, () => ctx.estado.enviarRecibo(tr.idt, { dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura }), 403);
    await refusedWithoutChange(ctx, () => ctx.municipio.enviarRecibo(987_654_321_000, body), 404);
  });

  it('answers an identical repeat in 5 and in 6 with 2xx and no change, and a different receipt in 5 with 409', async () => {
    const tr = await driveTo(ctx, 4);
    const s = await sendReceipt(ctx, tr);
    const post = (x: { dataDeRecebimento: string; hashDaAssinatura: string }) => ctx.municipio.enviarRecibo(tr.idt, x);
    const same = { dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura };
    expect2xx(await post(same), 'repeat in 5');
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5]);
    const other = await signReceipt(ctx, tr, { dataDeRecebimento: '2020-01-01T00:00:00.000Z' });
    await refusedWithoutChange(ctx, () => post({ dataDeRecebimento: other.dataDeRecebimento, hashDaAssinatura: other.hashDaAssinatura }), 409);
    const first = await ctx.estado.recibo(tr.idt);
    expect2xx(await post(same), 'repeat in 6');
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await ctx.estado.recibo(tr.idt)).body).toEqual(first.body);
  });

  it('applies 4 → 5 once when identical receipts are posted in parallel, and 5 → 6 once for parallel fetches', async () => {
    const tr = await driveTo(ctx, 4);
    const s = await signReceipt(ctx, tr);
    const posts = await Promise.all(
      Array.from({ length: 5 }, () =>
        ctx.connection(MUNICIPIO).request('POST', `${V3}tramites/${tr.idt}/recibo`, {
          body: JSON.stringify({ dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura }),
        }),
      ),
    );
    for (const p of posts) expect2xx(p, 'parallel POST recibo');
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5]);
    const gets = await Promise.all(Array.from({ length: 5 }, () => ctx.connection(ESTADO).request<Json>('GET', `${V3}tramites/${tr.idt}/recibo`)));
    for (const g of gets) expect(g.status, g.text).toBe(200);
    for (const g of gets) expect(g.body).toEqual(gets[0]!.body);
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  describe('GET tramites/{idt}/recibo (§2.21)', () => {
    it('answers 409 before 5, 403 to the receiver, and ignores a redundant ?IDT=', async () => {
      const tr = await driveTo(ctx, 4);
      await refusedWithoutChange(ctx, () => ctx.estado.recibo(tr.idt), 409);
      await sendReceipt(ctx, tr);
      await refusedWithoutChange(ctx, () => ctx.municipio.recibo(tr.idt), 403);
      const r = await ctx.estado.call<Json>('GET', `tramites/${tr.idt}/recibo`, { query: { IDT: 12345 } });
      expect(r.status, r.text).toBe(200);
      expect(r.body.recibo.IDT).toBe(tr.idt);
      expect(r.body.recibo.hashesDosComponentesDigitais).toEqual(ordinalSort(tr.requested));
    });
  });

  it('lets the receiver restart reception from scratch in 3 and 4 and still complete (SEI restarts on 2, 3, 4)', async () => {
    const tr = await start(ctx);
    await upload(ctx, tr);
    await fetchMetadata(ctx, tr);
    await downloadAll(ctx, tr);
    await fetchMetadata(ctx, tr);
    await downloadAll(ctx, tr);
    await sendReceipt(ctx, tr);
    expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 5]);
  });
});
