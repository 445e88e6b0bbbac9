import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, processoBody, sha256b64 } from '../harness/packages.ts';
import { ESTADO, expect2xx, MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx } from './support/context.ts';
import { V3 } from './support/http.ts';
import { buildProcesso, cancel, driveTo, fromStart, history, situacao, smallDoc, start, upload, view, type Json } from './support/flow.ts';
import { leafOf, ordinalSort, sendReceiptString, verifiesWith } from './support/receipts.ts';

const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** Starting a trâmite (spec §2.8), whole uploads (§2.10) and the send receipt (§2.13). */
describe('start, whole upload and send receipt (spec §2.8, §2.10, §2.13)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  describe('POST tramites/processo (§2.8)', () => {
    it('creates the trâmite in situação 1 and answers IDT, NRE, ticket, registration time and the requested components', async () => {
      const docs = [smallDoc(ctx, 100), { bytes: [bytesOf(200, ctx.seed()), bytesOf(10, ctx.seed())], especie: 179, mimeType: 'application/pdf' }];
      const p = buildProcesso(ctx, { documentos: docs });
      const r = await ctx.estado.iniciarProcesso(p.body);
      expect(r.status, r.text).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const b = r.body as Json;
      expect(Number.isSafeInteger(b.IDT) && b.IDT > 0).toBe(true);
      expect(b.NRE).toMatch(/^\d{16}$/);
      expect(['string', 'number']).toContain(typeof b.ticketParaEnvioDeComponentesDigitais);
      expect(String(b.ticketParaEnvioDeComponentesDigitais).length).toBeLessThanOrEqual(10);
      expect(b.dataHoraDeRegistroDoTramite).toMatch(ISO_WITH_ZONE);
      expect(b.processosComComponentesDigitaisSolicitados).toHaveLength(1);
      expect(b.processosComComponentesDigitaisSolicitados[0].protocolo).toBe(p.protocolo);
      expect([...b.processosComComponentesDigitaisSolicitados[0].hashes].sort()).toEqual([...p.bytes.keys()].sort());
      const tr = fromStart(p, b, ESTADO, MUNICIPIO);
      expect(await situacao(ctx, tr)).toBe(1);
      expect(await history(ctx, tr)).toEqual([1]);
    });

    it('lists a normal trâmite in 1 as nobody’s pendência (spec §5.3)', async () => {
      const tr = await start(ctx);
      for (const c of [ctx.estado, ctx.municipio]) {
        const r = await c.pendentes();
        expect(r.body.some((p) => p.IDT === tr.idt)).toBe(false);
      }
    });

    it('requests a hash occurring in several components once, and one upload of it satisfies all', async () => {
      const shared = bytesOf(500, ctx.seed());
      const tr = await start(ctx, { documentos: [{ bytes: [shared] }, { bytes: [shared] }] });
      expect(tr.started.processosComComponentesDigitaisSolicitados[0].hashes).toEqual([sha256b64(shared)]);
      await upload(ctx, tr);
      expect(await situacao(ctx, tr)).toBe(2);
    });

    it('never requests components of retirado documents, and does not cross-check their size and hash (spec §3.3, §6.1)', async () => {
      const cancelado = new TextEncoder().encode('[documento cancelado]');
      const tr = await start(ctx, {
        documentos: [smallDoc(ctx), { bytes: [cancelado], retirado: true }],
        edit: (body) => {
          const c = body.processo.documentos[1].componentesDigitais[0];
          c.nome = 'cancelado.html';
          c.tamanhoEmBytes = 0;
        },
      });
      const requested = tr.started.processosComComponentesDigitaisSolicitados.flatMap((e: { hashes: string[] }) => e.hashes);
      expect(requested).not.toContain(sha256b64(cancelado));
      expect(requested).toHaveLength(1);
    });

    it('gives each apensado its own entry, the main process first, and accepts each component under its own protocolo', async () => {
      const main = buildProcesso(ctx);
      const apensadoProtocolo = ctx.protocolo('AP');
      const apensadoBytes = bytesOf(300, ctx.seed());
      const apensado = processoBody({
        protocolo: apensadoProtocolo,
        remetente: [100, '1002'],
        destinatario: [200, '2002'],
        documentos: [{ bytes: [apensadoBytes] }],
      }).body.processo;
      main.body.processo.processoApensado = [apensado];
      main.bytes.set(sha256b64(apensadoBytes), apensadoBytes);
      const r = await ctx.estado.iniciarProcesso(main.body);
      expect(r.status, r.text).toBe(200);
      const entries = r.body.processosComComponentesDigitaisSolicitados as { protocolo: string; hashes: string[] }[];
      expect(entries[0]!.protocolo).toBe(main.protocolo);
      const apEntry = entries.find((e) => e.protocolo === apensadoProtocolo);
      expect(apEntry?.hashes).toEqual([sha256b64(apensadoBytes)]);
      const tr = fromStart(main, r.body, ESTADO, MUNICIPIO);
      // Each hash is uploaded under the protocolo of its own process.
      for (const h of [...main.bytes.keys()]) {
        const protocolo = h === sha256b64(apensadoBytes) ? apensadoProtocolo : main.protocolo;
        expect2xx(await ctx.estado.enviarComponente(tr.ticket, { bytes: main.bytes.get(h)!, hash: h, protocolo }));
      }
      expect(await situacao(ctx, tr)).toBe(2);
    });

    it('SHOULD repeat the apensados’ requested hashes in the first entry (SEI 4.0.2 checks every process against it)', async () => {
      const main = buildProcesso(ctx);
      const apensadoBytes = bytesOf(120, ctx.seed());
      main.body.processo.processoApensado = [
        processoBody({ protocolo: ctx.protocolo('AP'), remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [apensadoBytes] }] }).body.processo,
      ];
      const r = await ctx.estado.iniciarProcesso(main.body);
      expect(r.status, r.text).toBe(200);
      expect((r.body as Json).processosComComponentesDigitaisSolicitados[0].hashes).toContain(sha256b64(apensadoBytes));
    });

    it('adopts an unknown well-formed NRE (migration from the reference bus) and keeps it', async () => {
      const tr = await start(ctx, { nre: '0000025656262025' });
      expect(tr.nre).toBe('0000025656262025');
      expect((await view(ctx, tr)).NRE).toBe('0000025656262025');
    });

    it('refuses a second trâmite of an open NRE with 0044 naming the open IDT and its situação, and changes nothing', async () => {
      const first = await driveTo(ctx, 2);
      const again = { ...first.body, cabecalho: { ...first.body.cabecalho, NRE: first.nre } };
      const msg = await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(again), 409, '0044');
      expect(msg).toContain(String(first.idt));
      expect(msg).toMatch(/situação 2|\b2\b/);
    });

    it('refuses with 0044 a request without NRE whose protocolo matches an open trâmite of the same SPE, naming IDT and NRE', async () => {
      const first = await start(ctx);
      const msg = await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(first.body), 409, '0044');
      expect(msg).toContain(String(first.idt));
      expect(msg).toContain(first.nre);
    });

    it('accepts a new trâmite of the NRE once the open one is cancelled, keeping the NRE', async () => {
      const first = await driveTo(ctx, 7);
      const second = await start(ctx, { protocolo: first.protocolo, nre: first.nre, documentos: [{ bytes: [first.bytes.values().next().value!] }] });
      expect(second.nre).toBe(first.nre);
      expect(second.idt).not.toBe(first.idt);
    });

    it('refuses an unknown, inactive or non-receiving destination with 0005 and changes nothing', async () => {
      for (const destinatario of [
        [200, '999999'],
        [100, '1004'],
        [200, '2003'],
      ] as [number, string][]) {
        const { body } = buildProcesso(ctx, { destinatario });
        const msg = await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(body), 400, '0005');
        expect(msg).toContain(destinatario[1]);
      }
    });

    it('refuses an inactive remetente with 0005 and changes nothing', async () => {
      const { body } = buildProcesso(ctx, { remetente: [100, '1004'] });
      expect(await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(body), 400, '0005')).toContain('1004');
    });

    it('refuses a sender that does not own cabecalho.remetente with 403 and changes nothing', async () => {
      const { body } = buildProcesso(ctx, { remetente: [100, '1002'], destinatario: [200, '2002'] });
      await refusedWithoutChange(ctx, () => ctx.municipio.iniciarProcesso(body), 403);
    });

    it('refuses invalid fields with 0001 naming the JSON path, and changes nothing', async () => {
      const long = buildProcesso(ctx);
      long.body.processo.protocolo = 'X'.repeat(51);
      expect(await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(long.body), 400, '0001')).toContain('processo.protocolo');
      const noDocs = buildProcesso(ctx);
      noDocs.body.processo.documentos = [];
      expect(await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(noDocs.body), 400, '0001')).toContain('processo.documentos');
      const noRemetente = buildProcesso(ctx);
      delete noRemetente.body.cabecalho.remetente;
      expect(await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(noRemetente.body), 400, '0001')).toContain('remetente');
      const badHash = buildProcesso(ctx);
      badHash.body.processo.documentos[0].componentesDigitais[0].hash.conteudo = 'not-a-hash';
      expect(await refusedWithoutChange(ctx, () => ctx.estado.iniciarProcesso(badHash.body), 400, '0001')).toMatch(/documentos\[0\].*hash/);
    });
  });

  describe('PUT …/componentes-a-enviar — whole upload (§2.10)', () => {
    it('accepts the fields in the form or in the query, re-uploads while in 1, and moves 1 → 2 only after the last hash', async () => {
      const tr = await start(ctx, { documentos: [smallDoc(ctx), smallDoc(ctx), smallDoc(ctx)] });
      const [a, b, c] = tr.requested as [string, string, string];
      const send = (h: string, asQuery = false) =>
        ctx.estado.enviarComponente(tr.ticket, { bytes: tr.bytes.get(h)!, hash: h, protocolo: tr.protocolo }, asQuery);
      expect2xx(await send(a));
      expect2xx(await send(a)); // a re-upload of a received hash succeeds while in 1
      expect(await situacao(ctx, tr)).toBe(1);
      expect2xx(await send(b, true));
      expect(await situacao(ctx, tr)).toBe(1);
      expect2xx(await send(c));
      // Visible to the next request (spec §5.2): 2 is reached before the response of the last upload.
      expect(await situacao(ctx, tr)).toBe(2);
      expect(await history(ctx, tr)).toEqual([1, 2]);
    });

    it('counts a hash as received whatever protocolo accompanies it', async () => {
      const tr = await start(ctx);
      const h = tr.requested[0]!;
      expect2xx(await ctx.estado.enviarComponente(tr.ticket, { bytes: tr.bytes.get(h)!, hash: h, protocolo: 'outro.protocolo/2026' }));
      expect(await situacao(ctx, tr)).toBe(2);
    });

    it('refuses bytes whose SHA-256 differs with 400, naming protocolo, expected and computed hashes, and changes nothing', async () => {
      const tr = await start(ctx, { documentos: [smallDoc(ctx, 500)] });
      const h = tr.requested[0]!;
      const wrong = bytesOf(500, ctx.seed());
      const msg = await refusedWithoutChange(ctx, () => ctx.estado.enviarComponente(tr.ticket, { bytes: wrong, hash: h, protocolo: tr.protocolo }), 400, '9006');
      expect(msg).toContain(h);
      expect(msg).toContain(sha256b64(wrong));
      expect(msg).toContain(tr.protocolo);
    });

    it('refuses bytes whose length differs from tamanhoEmBytes with 400 and changes nothing', async () => {
      const tr = await start(ctx, { documentos: [smallDoc(ctx, 500)] });
      const h = tr.requested[0]!;
      await refusedWithoutChange(ctx, () => ctx.estado.enviarComponente(tr.ticket, { bytes: tr.bytes.get(h)!.slice(0, 499), hash: h, protocolo: tr.protocolo }), 400);
    });

    it('refuses a hash that was not requested with 400 and changes nothing', async () => {
      const tr = await start(ctx);
      const other = bytesOf(64, ctx.seed());
      await refusedWithoutChange(ctx, () => ctx.estado.enviarComponente(tr.ticket, { bytes: other, hash: sha256b64(other), protocolo: tr.protocolo }), 400);
    });

    it('answers 404 for an unknown ticket, 403 to another system, 409 once the trâmite left 1 — each changing nothing', async () => {
      const tr = await start(ctx);
      const h = tr.requested[0]!;
      const c = { bytes: tr.bytes.get(h)!, hash: h, protocolo: tr.protocolo };
      await refusedWithoutChange(ctx, () => ctx.estado.enviarComponente('9999999999', c), 404);
      await refusedWithoutChange(ctx, () => ctx.municipio.enviarComponente(tr.ticket, c), 403);
      await upload(ctx, tr);
      await refusedWithoutChange(ctx, () => ctx.estado.enviarComponente(tr.ticket, c), 409);
    });

    it('refuses a body without the `conteudo` part with 400 and changes nothing', async () => {
      const tr = await start(ctx);
      await refusedWithoutChange(
        ctx,
        () => ctx.raw(ESTADO).request('PUT', `${V3}tickets-de-envio-de-componente/${tr.ticket}/protocolos/componentes-a-enviar`, { body: '{}' }),
        400,
      );
    });
  });

  describe('GET tramites/{idt}/recibo-de-envio (§2.13)', () => {
    it('answers 409 while the trâmite is still in 1', async () => {
      const tr = await start(ctx);
      await refusedWithoutChange(ctx, () => ctx.estado.reciboDeEnvio(tr.idt), 409);
    });

    it('issues the hub-signed receipt: IDT, NRE, the time of 1 → 2, every received hash sorted ordinally, verifiable with the chain', async () => {
      const tr = await driveTo(ctx, 2, { documentos: [smallDoc(ctx), smallDoc(ctx), smallDoc(ctx), smallDoc(ctx)] });
      const r = await ctx.estado.reciboDeEnvio(tr.idt);
      expect(r.status, r.text).toBe(200);
      const recibo = r.body.reciboDeEnvio;
      expect(recibo.IDT).toBe(tr.idt);
      expect(recibo.NRE).toBe(tr.nre);
      expect(recibo.hashesDosComponentesDigitais).toEqual(ordinalSort(tr.requested));
      const at2 = (await view(ctx, tr)).mudancasDeSituacao.find((m: { situacao: number }) => m.situacao === 2).dataHora;
      expect(Math.floor(new Date(recibo.dataDeRecebimentoDoUltimoComponenteDigital).getTime() / 1000)).toBe(Math.floor(new Date(at2).getTime() / 1000));
      expect(r.body.hashDaAssinatura.length).toBeLessThanOrEqual(1000);
      expect(leafOf(r.body.cadeiaDoCertificado)).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(verifiesWith(r.body.cadeiaDoCertificado, sendReceiptString(recibo), r.body.hashDaAssinatura)).toBe(true);
    });

    it('ignores a redundant ?IDT= (the path wins) and keeps serving the receipt after a cancel', async () => {
      const tr = await driveTo(ctx, 7, { cancelFrom: 2 });
      const r = await ctx.estado.call<Json>('GET', `tramites/${tr.idt}/recibo-de-envio`, { query: { IDT: 1 } });
      expect(r.status, r.text).toBe(200);
      expect(r.body.reciboDeEnvio.IDT).toBe(tr.idt);
    });

    it('answers 403 to the receiver and 404 for an unknown IDT', async () => {
      const tr = await driveTo(ctx, 2);
      await refusedWithoutChange(ctx, () => ctx.municipio.reciboDeEnvio(tr.idt), 403);
      await refusedWithoutChange(ctx, () => ctx.estado.reciboDeEnvio(999_999_999_999), 404);
    });
  });

  it('cancels through DELETE while in 1 (SEI’s path when the upload fails)', async () => {
    const tr = await start(ctx);
    expect2xx(await cancel(ctx, tr));
    expect(await history(ctx, tr)).toEqual([1, 7]);
  });
});
