import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, sha256b64, type TestDocument } from '../harness/packages.ts';
import { ESTADO, MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx } from './support/context.ts';
import { ordinalSort, verifiesWith } from './support/receipts.ts';
import {
  buildProcesso,
  downloadAll,
  driveTo,
  fetchMetadata,
  fetchReceipt,
  history,
  sendReceipt,
  situacao,
  start,
  upload,
  view,
  type StartOptions,
  type Tramite,
} from './support/flow.ts';

const BACK: Pick<StartOptions, 'remetente' | 'destinatario'> = { remetente: [200, '2002'], destinatario: [100, '1002'] };
const FORTH: Pick<StartOptions, 'remetente' | 'destinatario'> = { remetente: [100, '1002'], destinatario: [200, '2002'] };

/** Rules across trâmites of one NRE (spec §6.1) and envio parcial (§6.2). */
describe('rules across trâmites of one NRE (spec §6)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  const docs = (): TestDocument[] => [{ bytes: [bytesOf(100, ctx.seed())] }, { bytes: [bytesOf(100, ctx.seed()), bytesOf(50, ctx.seed())], especie: 179 }];
  /** The process went estado → municipio and finished in 6: its documents are registered. */
  const delivered = async (documentos = docs()) => ({ tr: await driveTo(ctx, 6, { ...FORTH, documentos }), documentos });
  /** The municipio sends the process back under the same NRE and protocolo. */
  const back = (tr: Tramite, documentos: TestDocument[], o: StartOptions = {}) =>
    buildProcesso(ctx, { ...BACK, protocolo: tr.protocolo, nre: tr.nre, documentos, ...o });

  it('accepts the return of a process with the registered documents unchanged plus a new one', async () => {
    const { tr, documentos } = await delivered();
    const next = await start(ctx, { ...BACK, protocolo: tr.protocolo, nre: tr.nre, documentos: [...documentos, { bytes: [bytesOf(70, ctx.seed())] }] });
    expect(next.nre).toBe(tr.nre);
    await upload(ctx, next);
    expect(await situacao(ctx, next)).toBe(2);
  });

  it('R2: refuses a changed component hash with 0047 naming the ordem, registered hash, received hash and registering IDT — changing nothing', async () => {
    const { tr, documentos } = await delivered();
    const changed = bytesOf(100, ctx.seed());
    const p = back(tr, [documentos[0]!, { ...documentos[1]!, bytes: [documentos[1]!.bytes[0]!, changed] }]);
    const msg = await refusedWithoutChange(ctx, () => ctx.municipio.iniciarProcesso(p.body), 400, '0047');
    expect(msg).toMatch(/ordem '?2'?/);
    expect(msg).toContain(sha256b64(documentos[1]!.bytes[1]!));
    expect(msg).toContain(sha256b64(changed));
    expect(msg).toContain(String(tr.idt));
    expect(msg).toContain('hash de ao menos um componente digital não confere');
  });

  it('R2: names the first document (ordem 1) when its only component changed', async () => {
    const { tr, documentos } = await delivered();
    const p = back(tr, [{ bytes: [bytesOf(100, ctx.seed())] }, documentos[1]!]);
    const msg = await refusedWithoutChange(ctx, () => ctx.municipio.iniciarProcesso(p.body), 400, '0047');
    expect(msg).toMatch(/Inconsistência identificada no documento de ordem '?1'?/);
  });

  it('R1: refuses a changed protocolo with 9008 naming both protocolos — changing nothing', async () => {
    const { tr, documentos } = await delivered();
    const p = back(tr, documentos, { protocolo: ctx.protocolo('OUTRO') });
    const msg = await refusedWithoutChange(ctx, () => ctx.municipio.iniciarProcesso(p.body), 400, '9008');
    expect(msg).toContain(tr.protocolo);
    expect(msg).toContain(p.protocolo);
  });

  it('R3: refuses a changed espécie with 9009 naming the ordem and both codes — changing nothing', async () => {
    const { tr, documentos } = await delivered();
    const p = back(tr, [{ ...documentos[0]!, especie: 179 }, documentos[1]!]);
    const msg = await refusedWithoutChange(ctx, () => ctx.municipio.iniciarProcesso(p.body), 400, '9009');
    expect(msg).toMatch(/ordem '?1'?/);
    expect(msg).toContain('42');
    expect(msg).toContain('179');
  });

  it('R4: refuses a missing registered document with 9010 naming its ordem — changing nothing', async () => {
    const { tr, documentos } = await delivered();
    const p = back(tr, [documentos[0]!]);
    const msg = await refusedWithoutChange(ctx, () => ctx.municipio.iniciarProcesso(p.body), 400, '9010');
    expect(msg).toMatch(/ordem '?2'?/);
  });

  it('R4: refuses new documents that do not continue the ordem contiguously — changing nothing', async () => {
    const { tr, documentos } = await delivered();
    const p = back(tr, [...documentos, { bytes: [bytesOf(10, ctx.seed())] }]);
    p.body.processo.documentos[2].ordem = 4;
    await refusedWithoutChange(ctx, () => ctx.municipio.iniciarProcesso(p.body), 400);
  });

  it('R5: accepts a registered document coming back retirado with its old component metadata, and requests none of its components', async () => {
    const { tr, documentos } = await delivered();
    const p = back(tr, [{ ...documentos[0]!, retirado: true }, documentos[1]!]);
    const r = await ctx.municipio.iniciarProcesso(p.body);
    expect(r.status, r.text).toBe(200);
    const requested = (r.body.processosComComponentesDigitaisSolicitados as { hashes: string[] }[]).flatMap((e) => e.hashes);
    expect(requested).not.toContain(sha256b64(documentos[0]!.bytes[0]!));
  });

  it('registers documents at 5: a trâmite in 5 does not block forwarding, and its documents are already checked', async () => {
    const documentos = docs();
    const tr = await driveTo(ctx, 5, { ...FORTH, documentos });
    const changed = back(tr, [{ bytes: [bytesOf(100, ctx.seed())] }, documentos[1]!]);
    await refusedWithoutChange(ctx, () => ctx.municipio.iniciarProcesso(changed.body), 400, '0047');
    const same = await start(ctx, { ...BACK, protocolo: tr.protocolo, nre: tr.nre, documentos });
    expect(same.nre).toBe(tr.nre);
    expect(await situacao(ctx, tr)).toBe(5);
  });

  it('does not register documents of trâmites ending in 7 or 9: a new trâmite of that NRE may carry other hashes', async () => {
    for (const end of [7, 9] as const) {
      const first = await driveTo(ctx, end, { ...FORTH, ...(end === 7 ? { cancelFrom: 4 } : {}) });
      const other = await start(ctx, { ...FORTH, protocolo: first.protocolo, nre: first.nre, documentos: [{ bytes: [bytesOf(90, ctx.seed())] }] });
      expect(other.nre).toBe(first.nre);
    }
  });

  describe('envio parcial (§6.2)', () => {
    const h = (b: Uint8Array) => sha256b64(b);
    let d1: Uint8Array, d2: Uint8Array, d3: Uint8Array, d4: Uint8Array;
    let first: Tramite;
    let second: Tramite;
    let fourth: Tramite;

    beforeAll(() => {
      [d1, d2, d3, d4] = [bytesOf(200, ctx.seed()), bytesOf(200, ctx.seed()), bytesOf(200, ctx.seed()), bytesOf(200, ctx.seed())];
    });

    it('requests and makes pending only the hashes the destination does not hold, across two trâmites of one NRE', async () => {
      first = await driveTo(ctx, 6, { ...FORTH, documentos: [{ bytes: [d1] }, { bytes: [d2] }] });
      second = await start(ctx, { ...BACK, protocolo: first.protocolo, nre: first.nre, parcial: true, documentos: [{ bytes: [d1] }, { bytes: [d2] }, { bytes: [d3] }] });
      expect(second.requested).toEqual([h(d3)]);
      // A hash the destination holds is not requested: uploading it is refused.
      await refusedWithoutChange(ctx, () => ctx.municipio.enviarComponente(second.ticket, { bytes: d1, hash: h(d1), protocolo: second.protocolo }), 400);
      await upload(ctx, second);
      expect(await situacao(ctx, second)).toBe(2);
      await fetchMetadata(ctx, second);
      expect((await view(ctx, second, ESTADO)).hashDosComponentesPendentesDeRecebimento).toEqual([h(d3)]);
      const pending = await downloadAll(ctx, second);
      expect(pending).toEqual([h(d3)]);
      expect(await situacao(ctx, second)).toBe(4);
      const receipt = await sendReceipt(ctx, second);
      expect(receipt.hashes).toEqual([h(d3)]);
      const fetched = await fetchReceipt(ctx, second);
      expect(fetched.recibo.hashesDosComponentesDigitais).toEqual([h(d3)]);
    });

    it('moves 1 → 2 at creation when nothing is requested (§2.8), and 2 → 3 → 4 at the metadata fetch when nothing is pending (§2.16)', async () => {
      const third = await start(ctx, { ...FORTH, protocolo: first.protocolo, nre: first.nre, parcial: true, documentos: [{ bytes: [d1] }, { bytes: [d2] }, { bytes: [d3] }] });
      expect(third.requested).toEqual([]);
      // Visible to the very next request: SEI asks for the send receipt at once.
      expect(await history(ctx, third)).toEqual([1, 2]);
      expect((await ctx.estado.reciboDeEnvio(third.idt)).status).toBe(200);
      expect((await ctx.municipio.pendentes()).body).toContainEqual({ IDT: third.idt, status: 2 });
      await fetchMetadata(ctx, third);
      const v = await view(ctx, third, MUNICIPIO);
      expect(v.mudancasDeSituacao.map((m: { situacao: number }) => m.situacao)).toEqual([1, 2, 3, 4]);
      expect(v.hashDosComponentesPendentesDeRecebimento).toEqual([]);
      // The receipt over no hash at all: `<recibo><IDT>…</IDT><NRE>…</NRE><dataDeRecebimento>…</dataDeRecebimento></recibo>`.
      const s = await sendReceipt(ctx, third);
      expect(s.signed).toMatch(/<\/dataDeRecebimento><\/recibo>$/);
      await fetchReceipt(ctx, third);
      expect(await situacao(ctx, third)).toBe(6);
    });

    it('accepts a receipt signed over every non-retirado hash of the package (§7.2 candidate c)', async () => {
      fourth = await start(ctx, {
        ...BACK,
        protocolo: first.protocolo,
        nre: first.nre,
        parcial: true,
        documentos: [{ bytes: [d1] }, { bytes: [d2] }, { bytes: [d3] }, { bytes: [d4] }],
      });
      expect(fourth.requested).toEqual([h(d4)]);
      await upload(ctx, fourth);
      await fetchMetadata(ctx, fourth);
      await downloadAll(ctx, fourth);
      const s = await sendReceipt(ctx, fourth, { hashes: [d1, d2, d3, d4].map(h) });
      expect(await situacao(ctx, fourth)).toBe(5);
      // The relay carries the set that verified, so that a third party can check it offline.
      const relayed = await ctx.municipio.recibo(fourth.idt);
      expect(relayed.body.recibo.hashesDosComponentesDigitais).toEqual(ordinalSort([d1, d2, d3, d4].map(h)));
      expect(verifiesWith(relayed.body.cadeiaDoCertificado, s.signed, relayed.body.hashDaAssinatura)).toBe(true);
    });

    it('does not count hashes of a trâmite the destination refused as held', async () => {
      const b1 = bytesOf(150, ctx.seed());
      const refused = await driveTo(ctx, 9, { ...FORTH, documentos: [{ bytes: [b1] }] });
      const again = await start(ctx, { ...FORTH, protocolo: refused.protocolo, nre: refused.nre, parcial: true, documentos: [{ bytes: [b1] }] });
      expect(again.requested).toEqual([h(b1)]);
    });

    it('requests every hash again without envio parcial, even those the destination holds', async () => {
      expect(await situacao(ctx, fourth)).toBe(6);
      const full = await start(ctx, { ...FORTH, protocolo: first.protocolo, nre: first.nre, documentos: [{ bytes: [d1] }, { bytes: [d2] }, { bytes: [d3] }, { bytes: [d4] }] });
      expect([...full.requested].sort()).toEqual([d1, d2, d3, d4].map(h).sort());
    });
  });
});
