import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, sha256b64 } from '../harness/packages.ts';
import { ESTADO, MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx } from './support/context.ts';
import { V3 } from './support/http.ts';
import { downloadAll, driveTo, fetchMetadata, history, situacao, smallDoc, start, view, type Json, type Tramite } from './support/flow.ts';

const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** The receiver's side before the receipt: metadata (§2.16), queries (§2.17), whole download (§2.18). */
describe('metadata, queries and whole download (spec §2.16–§2.18)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  describe('GET tramites/{idt} (§2.16)', () => {
    it('relays the package in its envelope: IDT, nre (lower case), remetente, destinatario, processo, propriedadesAdicionais', async () => {
      const tr = await driveTo(ctx, 2);
      const m = await fetchMetadata(ctx, tr);
      expect(m.IDT).toBe(tr.idt);
      expect(m.nre).toBe(tr.nre);
      if ('NRE' in m) expect(m.NRE).toBe(tr.nre);
      expect(m.remetente).toMatchObject({ identificacaoDoRepositorioDeEstruturas: 100 });
      expect(String(m.remetente.numeroDeIdentificacaoDaEstrutura)).toBe('1002');
      expect(m.destinatario).toMatchObject({ identificacaoDoRepositorioDeEstruturas: 200 });
      expect(String(m.destinatario.numeroDeIdentificacaoDaEstrutura)).toBe('2002');
      expect('documento' in m).toBe(false);
      expect(m.processo).toMatchObject({ protocolo: tr.protocolo, documentos: [{ ordem: 1, componentesDigitais: [{ hash: { conteudo: tr.requested[0] } }] }] });
      // Signatures are relayed unchanged (spec §3.4).
      expect(m.processo.documentos[0].componentesDigitais[0].assinaturasDigitais).toEqual(tr.body.processo.documentos[0].componentesDigitais[0].assinaturasDigitais);
      // `valor` as a number is relayed as sent (spec §2.8).
      expect(m.propriedadesAdicionais).toEqual(tr.body.cabecalho.propriedadesAdicionais);
      expect(m.reproducaoDeTramite ?? false).toBe(false);
      expect(m.reproducaoDeProcesso ?? false).toBe(false);
    });

    it('moves 2 → 3 on the receiver’s call, and succeeds without change in 3 and 4', async () => {
      const tr = await driveTo(ctx, 2);
      const first = await fetchMetadata(ctx, tr);
      expect(await history(ctx, tr)).toEqual([1, 2, 3]);
      expect(await fetchMetadata(ctx, tr)).toEqual(first);
      expect(await history(ctx, tr)).toEqual([1, 2, 3]);
      await downloadAll(ctx, tr);
      expect(await fetchMetadata(ctx, tr)).toEqual(first);
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 4]);
    });

    it('never changes state on the sender’s call', async () => {
      const tr = await driveTo(ctx, 2);
      const r = await ctx.estado.metadados(tr.idt);
      expect(r.status, r.text).toBe(200);
      expect(r.body.IDT).toBe(tr.idt);
      expect(await history(ctx, tr)).toEqual([1, 2]);
    });

    it('applies the 2 → 3 transition once when identical fetches run in parallel (spec §9.2)', async () => {
      const tr = await driveTo(ctx, 2);
      const conns = Array.from({ length: 6 }, () => ctx.connection(MUNICIPIO));
      const answers = await Promise.all(conns.map((c) => c.request<Json>('GET', `${V3}tramites/${tr.idt}`)));
      for (const a of answers) expect(a.status, a.text).toBe(200);
      for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
      expect(await history(ctx, tr)).toEqual([1, 2, 3]);
    });

    it('keeps serving finished trâmites (5, 6, 8, 9) to both parties', async () => {
      for (const target of [5, 6, 8, 9] as const) {
        const tr = await driveTo(ctx, target);
        for (const c of [ctx.estado, ctx.municipio]) {
          const r = await c.metadados(tr.idt);
          expect(r.status, `${target}: ${r.text}`).toBe(200);
          expect(r.body.IDT).toBe(tr.idt);
        }
        expect(await situacao(ctx, tr)).toBe(target);
      }
    });

    it('answers 409 in 7, and 404 alike for an unknown IDT and to a system that is not a party — changing nothing', async () => {
      const cancelled = await driveTo(ctx, 7, { cancelFrom: 2 });
      await refusedWithoutChange(ctx, () => ctx.municipio.metadados(cancelled.idt), 409);
      await refusedWithoutChange(ctx, () => ctx.municipio.metadados(987_654_321_987), 404);
      // A trâmite between two units of the estado: the municipio is no party to it.
      const internal = await driveTo(ctx, 2, { remetente: [100, '1002'], destinatario: [100, '1003'] });
      // docs/ameacas.md: "not yours" answers as "does not exist" (departs from §2.16's 403)
      await refusedWithoutChange(ctx, () => ctx.municipio.metadados(internal.idt), 404);
    });
  });

  describe('GET tramites (§2.17)', () => {
    it('returns every §3.7 field, with the full history oldest first and ISO date-times', async () => {
      const tr = await driveTo(ctx, 4, { documentos: [smallDoc(ctx), smallDoc(ctx)] });
      const v = await view(ctx, tr, MUNICIPIO);
      expect(v).toMatchObject({
        IDT: tr.idt,
        NRE: tr.nre,
        protocolo: tr.protocolo,
        situacaoAtual: 4,
        remetente: { identificacaoDoRepositorioDeEstruturas: 100 },
        destinatario: { identificacaoDoRepositorioDeEstruturas: 200 },
      });
      expect(String(v.remetente.numeroDeIdentificacaoDaEstrutura)).toBe('1002');
      expect(String(v.destinatario.numeroDeIdentificacaoDaEstrutura)).toBe('2002');
      expect([...v.hashDosComponentesPendentesDeRecebimento].sort()).toEqual([...tr.requested].sort());
      expect(v.mudancasDeSituacao.map((m: { situacao: number }) => m.situacao)).toEqual([1, 2, 3, 4]);
      for (const m of v.mudancasDeSituacao) expect(m.dataHora).toMatch(ISO_WITH_ZONE);
      const times = v.mudancasDeSituacao.map((m: { dataHora: string }) => new Date(m.dataHora).getTime());
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    });

    it('keeps hashDosComponentesPendentesDeRecebimento fixed for the life of the trâmite (it does not shrink with downloads)', async () => {
      const tr = await driveTo(ctx, 3, { documentos: [smallDoc(ctx), smallDoc(ctx)] });
      const before = (await view(ctx, tr, MUNICIPIO)).hashDosComponentesPendentesDeRecebimento;
      await downloadAll(ctx, tr);
      expect((await view(ctx, tr, MUNICIPIO)).hashDosComponentesPendentesDeRecebimento).toEqual(before);
    });

    it('filters by NRE, protocolo, remetente and destinatario (AND), newest first', async () => {
      const first = await driveTo(ctx, 7);
      const second = await start(ctx, { protocolo: first.protocolo, nre: first.nre, documentos: [{ bytes: [...first.bytes.values()] }] });
      const byNre = await ctx.estado.tramites({ NRE: first.nre });
      expect(byNre.status, byNre.text).toBe(200);
      expect(byNre.body.tramites.map((t) => t.IDT)).toEqual([second.idt, first.idt]);
      const byProtocolo = await ctx.estado.tramites({ protocolo: first.protocolo });
      expect(byProtocolo.body.tramites.map((t) => t.IDT)).toEqual([second.idt, first.idt]);
      const both = await ctx.estado.tramites({
        NRE: first.nre,
        'remetente[identificacaoDoRepositorioDeEstruturas]': 100,
        'remetente[numeroDeIdentificacaoDaEstrutura]': '1002',
        'destinatario[identificacaoDoRepositorioDeEstruturas]': 200,
        'destinatario[numeroDeIdentificacaoDaEstrutura]': '2002',
      });
      expect(both.body.tramites.map((t) => t.IDT)).toEqual([second.idt, first.idt]);
      const none = await ctx.estado.tramites({ NRE: first.nre, 'destinatario[numeroDeIdentificacaoDaEstrutura]': '2001' });
      expect(none.body.tramites).toEqual([]);
      const all = await ctx.estado.tramites({});
      const idts = all.body.tramites.map((t) => t.IDT as number);
      expect([...idts].sort((a, b) => b - a)).toEqual(idts);
    });

    it('returns only trâmites where the caller is sender or receiver', async () => {
      const internal = await start(ctx, { remetente: [100, '1002'], destinatario: [100, '1003'] });
      expect((await ctx.municipio.tramites({ IDT: internal.idt })).body.tramites).toEqual([]);
      expect((await ctx.municipio.tramites({})).body.tramites.some((t) => t.IDT === internal.idt)).toBe(false);
    });

    it('refuses malformed parameters with 0001 and changes nothing', async () => {
      await refusedWithoutChange(ctx, () => ctx.estado.tramites({ IDT: 'abc' }), 400, '0001');
      await refusedWithoutChange(ctx, () => ctx.estado.tramites({ NRE: '123' }), 400, '0001');
    });
  });

  describe('POST tramites/{idt}/protocolos/componentes-digitais — whole download (§2.18)', () => {
    let tr: Tramite;
    it('answers the base64 of the whole component as a JSON string and moves 3 → 4 after the last one', async () => {
      const big = bytesOf(70_000, ctx.seed());
      tr = await driveTo(ctx, 3, { documentos: [{ bytes: [big] }, smallDoc(ctx)] });
      for (const [i, h] of tr.requested.entries()) {
        const r = await ctx.municipio.call<string>('POST', `tramites/${tr.idt}/protocolos/componentes-digitais`, {
          json: { hashDoComponenteDigital: h, protocolo: tr.protocolo },
        });
        expect(r.status, r.text).toBe(200);
        expect(typeof r.body).toBe('string');
        const bytes = Buffer.from(r.body, 'base64');
        expect(sha256b64(bytes)).toBe(h);
        expect(await situacao(ctx, tr)).toBe(i === tr.requested.length - 1 ? 4 : 3);
      }
    });

    it('serves it again in 4 and answers 404 for a hash not in the trâmite', async () => {
      const h = tr.requested[0]!;
      const again = await ctx.municipio.call<string>('POST', `tramites/${tr.idt}/protocolos/componentes-digitais`, { json: { hashDoComponenteDigital: h, protocolo: tr.protocolo } });
      expect(again.status).toBe(200);
      expect(sha256b64(Buffer.from(again.body, 'base64'))).toBe(h);
      await refusedWithoutChange(
        ctx,
        () => ctx.municipio.call('POST', `tramites/${tr.idt}/protocolos/componentes-digitais`, { json: { hashDoComponenteDigital: sha256b64(new Uint8Array([9])), protocolo: tr.protocolo } }),
        404,
      );
    });
  });

  it('carries two trâmites in opposite directions to 6 concurrently', async () => {
    const [a, b] = await Promise.all([driveTo(ctx, 6), driveTo(ctx, 6, { remetente: [200, '2002'], destinatario: [100, '1002'] })]);
    expect(await situacao(ctx, a)).toBe(6);
    expect(await situacao(ctx, b)).toBe(6);
    expect(b.sender).toBe(MUNICIPIO);
    expect(a.sender).toBe(ESTADO);
  });
});
