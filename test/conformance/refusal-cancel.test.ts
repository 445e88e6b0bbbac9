import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESTADO, expect2xx, MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx } from './support/context.ts';
import { V3 } from './support/http.ts';
import { cancel, ciencia, downloadAll, driveTo, history, refuse, sendReceipt, signReceipt, situacao, start, upload, view, type Json } from './support/flow.ts';

const OBS = 'OBS: A recusa é uma das três formas de conclusão de trâmite. Portanto, não é um erro.';

/** Refusal (spec §2.22), ciência (§2.23) and cancel (§2.24). */
describe('refusal, ciência and cancel (spec §2.22–§2.24)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  describe('POST tramites/{idt}/recusa (§2.22) and GET …/ciencia (§2.23)', () => {
    it('refuses in 3 → 8 with motivo and justificativa relayed to the sender, who gives ciência → 9', async () => {
      const tr = await driveTo(ctx, 3);
      const justificativa = `O formato application/x-desconhecido não é permitido pelo sistema de destino. ${OBS}`;
      expect2xx(await refuse(ctx, tr, '01', justificativa), 'recusa');
      const v = await view(ctx, tr);
      expect(v.situacaoAtual).toBe(8);
      expect(v.justificativaDaRecusa).toBe(justificativa);
      expect((await ctx.municipio.pendentes()).body.some((p) => p.IDT === tr.idt)).toBe(false);
      expect((await ctx.estado.pendentes()).body).toContainEqual({ IDT: tr.idt, status: 8 });
      // The send receipt stays available after a refusal (spec §2.13).
      expect((await ctx.estado.reciboDeEnvio(tr.idt)).status).toBe(200);

      expect2xx(await ciencia(ctx, tr), 'ciência');
      const after = await view(ctx, tr);
      expect(after.mudancasDeSituacao.map((m: { situacao: number }) => m.situacao)).toEqual([1, 2, 3, 8, 9]);
      expect(after.justificativaDaRecusa).toBe(justificativa);
      expect((await ctx.estado.pendentes()).body.some((p) => p.IDT === tr.idt)).toBe(false);
      // A repeated ciência in 9 answers 2xx without change (spec §9.2).
      expect2xx(await ciencia(ctx, tr), 'ciência repeated');
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 8, 9]);
    });

    it('refuses in 4 → 8 (SEI’s answer to a rejected receipt) with every motivo of §8.3', async () => {
      for (const motivo of ['01', '02', '03', '04', '99']) {
        const tr = await driveTo(ctx, 4);
        expect2xx(await refuse(ctx, tr, motivo), `motivo ${motivo}`);
        expect(await history(ctx, tr)).toEqual([1, 2, 3, 4, 8]);
      }
    });

    it('keeps the first motivo and justificativa when SEI posts its second recusa (99) for the same IDT', async () => {
      const tr = await driveTo(ctx, 3);
      expect2xx(await refuse(ctx, tr, '04', `O Documento do tipo Despacho não está mapeado para recebimento no sistema de destino. ${OBS}`));
      const meta = await ctx.municipio.metadados(tr.idt); // SEI re-reads the metadata, now in 8
      expect(meta.status).toBe(200);
      const second = await refuse(ctx, tr, '99', 'Exceção ao receber o processo');
      expect([200, 201, 202, 204, 409]).toContain(second.status);
      const v = await view(ctx, tr);
      expect(v.situacaoAtual).toBe(8);
      expect(v.justificativaDaRecusa).toContain('não está mapeado');
      expect(v.mudancasDeSituacao.map((m: { situacao: number }) => m.situacao)).toEqual([1, 2, 3, 8]);
    });

    it('accepts a justificativa of 1000 characters, and SHOULD truncate a longer one rather than reject it', async () => {
      const exact = await driveTo(ctx, 3);
      const thousand = 'J'.repeat(1000);
      expect2xx(await refuse(ctx, exact, '99', thousand));
      expect((await view(ctx, exact)).justificativaDaRecusa).toBe(thousand);
      const longer = await driveTo(ctx, 3);
      expect2xx(await refuse(ctx, longer, '99', `${'L'.repeat(1500)} fim`));
      const stored = (await view(ctx, longer)).justificativaDaRecusa as string;
      expect(stored.startsWith('L'.repeat(900))).toBe(true);
      expect(stored.length).toBeLessThanOrEqual(1000);
      expect(await situacao(ctx, longer)).toBe(8);
    });

    it('refuses an unknown motivo with 0001 and a refusal by the sender with 403, changing nothing', async () => {
      const tr = await driveTo(ctx, 3);
      await refusedWithoutChange(ctx, () => refuse(ctx, tr, 'ZZ'), 400, '0001');
      await refusedWithoutChange(ctx, () => ctx.municipio.call('POST', `tramites/${tr.idt}/recusa`, { json: { justificativa: 'sem motivo' } }), 400, '0001');
      await refusedWithoutChange(ctx, () => refuse(ctx, tr, '99', 'x', ESTADO), 403);
    });

    it('answers 409 to a refusal outside 3 and 4 (in 2, 5, 6, 7), changing nothing', async () => {
      for (const target of [2, 5, 6, 7] as const) {
        const tr = await driveTo(ctx, target);
        await refusedWithoutChange(ctx, () => refuse(ctx, tr), 409);
      }
    });

    it('answers 409 to a ciência outside 8 and 9 (in 4, 5, 6, 7) and 403 to the receiver, changing nothing', async () => {
      for (const target of [4, 5, 6, 7] as const) {
        const tr = await driveTo(ctx, target);
        await refusedWithoutChange(ctx, () => ciencia(ctx, tr), 409);
      }
      const refused = await driveTo(ctx, 8);
      await refusedWithoutChange(ctx, () => ciencia(ctx, refused, MUNICIPIO), 403);
    });

    it('ignores a redundant ?IDT= on the ciência and applies 8 → 9 once for parallel calls', async () => {
      const tr = await driveTo(ctx, 8);
      const other = await driveTo(ctx, 8);
      const calls = await Promise.all(
        Array.from({ length: 4 }, () => ctx.connection(ESTADO).request('GET', `${V3}tramites/${tr.idt}/ciencia?IDT=${other.idt}`)),
      );
      for (const c of calls) expect2xx(c, 'parallel ciência');
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 8, 9]);
      expect(await situacao(ctx, other)).toBe(8);
    });
  });

  describe('DELETE tramites/{idt} (§2.24)', () => {
    it('cancels in 1, 2, 3 and 4 → 7; a repeat in 7 answers 2xx without change', async () => {
      for (const from of [1, 2, 3, 4] as const) {
        const tr = await driveTo(ctx, 7, { cancelFrom: from });
        const expected = [1, 2, 3, 4].slice(0, from).concat(7);
        expect(await history(ctx, tr)).toEqual(expected);
        expect2xx(await cancel(ctx, tr), `repeat in 7 (from ${from})`);
        expect(await history(ctx, tr)).toEqual(expected);
      }
    });

    it('removes the receiver’s pendência, and its later calls on the IDT fail with 409', async () => {
      const tr = await driveTo(ctx, 3);
      expect((await ctx.municipio.pendentes()).body).toContainEqual({ IDT: tr.idt, status: 3 });
      expect2xx(await cancel(ctx, tr));
      expect((await ctx.municipio.pendentes()).body.some((p) => p.IDT === tr.idt)).toBe(false);
      expect((await ctx.estado.pendentes()).body.some((p) => p.IDT === tr.idt)).toBe(false);
      const h = tr.requested[0]!;
      await refusedWithoutChange(ctx, () => ctx.municipio.metadados(tr.idt), 409);
      await refusedWithoutChange(ctx, () => ctx.municipio.baixarParte(tr.idt, h, tr.protocolo, 0, tr.bytes.get(h)!.length), 409);
      await refusedWithoutChange(ctx, () => refuse(ctx, tr), 409);
      await refusedWithoutChange(ctx, () => ctx.estado.enviarComponente(tr.ticket, { bytes: tr.bytes.get(h)!, hash: h, protocolo: tr.protocolo }), 409);
    });

    it('refuses a receipt after a cancel in 4 with 409', async () => {
      const tr = await driveTo(ctx, 4);
      const s = await signReceipt(ctx, tr);
      expect2xx(await cancel(ctx, tr));
      await refusedWithoutChange(ctx, () => ctx.municipio.enviarRecibo(tr.idt, { dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura }), 409);
    });

    it('answers 409 naming the situação in 5, 6, 8 and 9, changing nothing', async () => {
      for (const target of [5, 6, 8, 9] as const) {
        const tr = await driveTo(ctx, target);
        const msg = await refusedWithoutChange(ctx, () => cancel(ctx, tr), 409);
        expect(msg).toContain(String(target));
      }
    });

    it('answers 403 to the receiver and 404 for an unknown IDT, changing nothing', async () => {
      const tr = await driveTo(ctx, 2);
      await refusedWithoutChange(ctx, () => cancel(ctx, tr, MUNICIPIO), 403);
      await refusedWithoutChange(ctx, () => ctx.estado.call('DELETE', 'tramites/987654321000'), 404);
    });

    it('cancels the IDT of the path, not a redundant ?IDT=, with an empty body declared as JSON', async () => {
      const target = await start(ctx);
      const bystander = await start(ctx);
      const r = await ctx.raw(ESTADO).request('DELETE', `${V3}tramites/${target.idt}?IDT=${bystander.idt}`, { body: '' });
      expect2xx(r);
      expect(await situacao(ctx, target)).toBe(7);
      expect(await situacao(ctx, bystander)).toBe(1);
    });

    it('applies the cancel once for parallel calls', async () => {
      const tr = await driveTo(ctx, 2);
      const calls = await Promise.all(Array.from({ length: 4 }, () => ctx.connection(ESTADO).request('DELETE', `${V3}tramites/${tr.idt}`)));
      for (const c of calls) expect2xx(c, 'parallel DELETE');
      expect(await history(ctx, tr)).toEqual([1, 2, 7]);
    });

    it('lets the sender re-send the process after cancelling the newest trâmite still in 1 (SEI’s re-send path)', async () => {
      const first = await start(ctx);
      const newest = (await ctx.estado.tramites({ NRE: first.nre })).body.tramites[0]!;
      expect(newest.IDT).toBe(first.idt);
      expect(newest.situacaoAtual).toBe(1);
      expect2xx(await cancel(ctx, first));
      const again = await start(ctx, { protocolo: first.protocolo, nre: first.nre, documentos: [{ bytes: [...first.bytes.values()] }] });
      await upload(ctx, again);
      await ctx.municipio.metadados(again.idt);
      await downloadAll(ctx, again);
      await sendReceipt(ctx, again);
      expect(await situacao(ctx, again)).toBe(5);
      const listed = (await ctx.estado.tramites({ NRE: first.nre })).body.tramites as Json[];
      expect(listed.map((t) => [t.IDT, t.situacaoAtual])).toEqual([
        [again.idt, 5],
        [first.idt, 7],
      ]);
    });
  });
});
