import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, processoBody } from '../harness/packages.ts';
import { ESTADO, expect2xx, MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx } from './support/context.ts';
import { ciencia, downloadAll, fetchMetadata, fetchReceipt, fromStart, history, refuse, sendReceipt, view, type Json, type Tramite } from './support/flow.ts';

const ISO_WITH_ZONE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** A documento avulso to several destinations (spec §2.9). */
describe('documento avulso (spec §2.9)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  const unit = (rep: number, id: string) => ({ identificacaoDoRepositorioDeEstruturas: rep, numeroDeIdentificacaoDaEstrutura: id });

  /** `{cabecalho: {remetente, destinatarios}, documento}`, the document built as SEI's module builds one of a process. */
  function avulso(destinatarios: [number, string][], remetente: [number, string] = [100, '1002']) {
    const protocolo = ctx.protocolo('DOC');
    const bytes = [bytesOf(3000, ctx.seed()), bytesOf(40, ctx.seed())];
    const pkg = processoBody({ protocolo, remetente, destinatario: [200, '2002'], documentos: [{ bytes, mimeType: 'application/pdf' }] });
    const documento = { ...(pkg.body.processo.documentos[0] as Json), protocolo };
    const body = {
      cabecalho: { remetente: unit(...remetente), destinatarios: destinatarios.map((d) => unit(...d)) },
      documento,
    };
    return { body, protocolo, bytes: new Map(pkg.components.map((c) => [c.hash, c.bytes])) };
  }

  let a: ReturnType<typeof avulso>;
  let started: Json;
  let trs: Tramite[];

  it('creates one trâmite per destination in 1, sharing one ticket, each with its IDT, NRE and registration time', async () => {
    a = avulso([
      [200, '2002'],
      [200, '2001'],
    ]);
    const r = await ctx.estado.call<Json>('POST', 'tramites/documento', { json: a.body });
    expect(r.status, r.text).toBe(200);
    started = r.body;
    expect(String(started.ticketParaEnvioDeComponentesDigitais).length).toBeLessThanOrEqual(10);
    expect(started.tramites).toHaveLength(2);
    const idts = started.tramites.map((t: Json) => t.IDT);
    expect(new Set(idts).size).toBe(2);
    for (const t of started.tramites) {
      expect(Number.isSafeInteger(t.IDT)).toBe(true);
      expect(t.NRE).toMatch(/^\d{16}$/);
      expect(t.dataHoraDeRegistroDoTramite).toMatch(ISO_WITH_ZONE);
    }
    trs = started.tramites.map((t: Json) =>
      fromStart(
        { body: a.body, bytes: a.bytes, protocolo: a.protocolo },
        { ...t, ticketParaEnvioDeComponentesDigitais: started.ticketParaEnvioDeComponentesDigitais, processosComComponentesDigitaisSolicitados: [{ protocolo: a.protocolo, hashes: [...a.bytes.keys()] }] },
        ESTADO,
        MUNICIPIO,
      ),
    );
    for (const tr of trs) {
      const v = await view(ctx, tr);
      expect(v.situacaoAtual).toBe(1);
      expect(v.protocolo).toBe(a.protocolo);
    }
    expect((await ctx.municipio.pendentes()).body.some((p) => idts.includes(p.IDT))).toBe(false);
  });

  it('moves every trâmite to 2 once the shared ticket received each component once', async () => {
    const [first, ...rest] = [...a.bytes.entries()];
    expect2xx(await ctx.estado.enviarComponente(trs[0]!.ticket, { bytes: first![1], hash: first![0], protocolo: a.protocolo }));
    for (const tr of trs) expect((await view(ctx, tr)).situacaoAtual).toBe(1);
    for (const [hash, bytes] of rest) expect2xx(await ctx.estado.enviarComponente(trs[0]!.ticket, { bytes, hash, protocolo: a.protocolo }));
    for (const tr of trs) expect(await history(ctx, tr)).toEqual([1, 2]);
    const pend = (await ctx.municipio.pendentes()).body;
    for (const tr of trs) expect(pend).toContainEqual({ IDT: tr.idt, status: 2 });
  });

  it('relays `documento` instead of `processo` in the metadata, with the trâmite’s own destination and NRE', async () => {
    const m0 = await fetchMetadata(ctx, trs[0]!);
    const m1 = await fetchMetadata(ctx, trs[1]!);
    for (const [m, tr, dest] of [
      [m0, trs[0]!, '2002'],
      [m1, trs[1]!, '2001'],
    ] as const) {
      expect(m.IDT).toBe(tr.idt);
      expect(m.nre).toBe(tr.nre);
      expect('processo' in m).toBe(false);
      expect(m.documento).toMatchObject({ protocolo: a.protocolo, componentesDigitais: [{ ordem: 1 }, { ordem: 2 }] });
      expect(String(m.destinatario.numeroDeIdentificacaoDaEstrutura)).toBe(dest);
    }
  });

  it('completes one destination with a signed receipt and lets the other refuse, followed by ciência', async () => {
    await downloadAll(ctx, trs[0]!);
    const s = await sendReceipt(ctx, trs[0]!);
    expect(s.signed).toContain(`<NRE>${trs[0]!.nre}</NRE>`);
    const receipt = await fetchReceipt(ctx, trs[0]!);
    expect(receipt.recibo.IDT).toBe(trs[0]!.idt);
    expect2xx(await refuse(ctx, trs[1]!, '04', 'O Documento do tipo Despacho não está mapeado para recebimento no sistema de destino.'));
    expect2xx(await ciencia(ctx, trs[1]!));
    expect(await history(ctx, trs[0]!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await history(ctx, trs[1]!)).toEqual([1, 2, 3, 8, 9]);
  });

  it('refuses as §2.8 does: 403 for a remetente the caller does not own, 0005 for a bad destination, 0001 for no destination — changing nothing', async () => {
    const foreign = avulso([[200, '2002']]);
    await refusedWithoutChange(ctx, () => ctx.municipio.call('POST', 'tramites/documento', { json: foreign.body }), 403);
    const bad = avulso([
      [200, '2002'],
      [200, '2003'],
    ]);
    await refusedWithoutChange(ctx, () => ctx.estado.call('POST', 'tramites/documento', { json: bad.body }), 400, '0005');
    const none = avulso([]);
    await refusedWithoutChange(ctx, () => ctx.estado.call('POST', 'tramites/documento', { json: none.body }), 400, '0001');
    const noDoc = avulso([[200, '2002']]) as { body: Json };
    delete noDoc.body.documento;
    await refusedWithoutChange(ctx, () => ctx.estado.call('POST', 'tramites/documento', { json: noDoc.body }), 400, '0001');
  });
});
