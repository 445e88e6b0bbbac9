import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, processoBody, sha256b64 } from '../harness/packages.ts';
import { ESTADO, expect2xx, MUNICIPIO, refusedWithoutChange, startConformanceHub, type Ctx } from './support/context.ts';
import { V3 } from './support/http.ts';
import {
  blocks,
  buildProcesso,
  driveTo,
  fetchMetadata,
  finishUpload,
  fromStart,
  partsPath,
  history,
  situacao,
  smallDoc,
  start,
  upload,
  uploadPart,
  type Tramite,
} from './support/flow.ts';

const SIZE = 300_000;
const BLOCK = 65_536;
const PART_BEYOND = 'A parte informada ultrapassa o tamanho do componente digital informado nos metadados do trâmite';

/** Ranged upload (spec §2.11, §2.12) and ranged download (§2.19) of a multi-block component. */
describe('ranged upload and download (spec §2.11, §2.12, §2.19)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  const part = (tr: Tramite, h: string, ini: number, fim: number, o: { bytes?: Uint8Array; asQuery?: boolean; system?: typeof ESTADO | typeof MUNICIPIO } = {}) =>
    uploadPart(ctx.raw(o.system ?? ESTADO), {
      ticket: tr.ticket,
      ini,
      fim,
      bytes: o.bytes ?? tr.bytes.get(h)!.subarray(ini, fim),
      hash: h,
      protocolo: tr.protocolo,
      ...(o.asQuery ? { asQuery: true } : {}),
    });
  const finish = (tr: Tramite, h: string, system: typeof ESTADO | typeof MUNICIPIO = ESTADO) =>
    finishUpload(ctx.raw(system), { ticket: tr.ticket, hash: h, protocolo: tr.protocolo });

  describe('upload', () => {
    let tr: Tramite;
    let big: string;
    let small: string;

    beforeAll(async () => {
      tr = await start(ctx, { documentos: [{ bytes: [bytesOf(SIZE, ctx.seed())], mimeType: 'application/pdf' }, smallDoc(ctx, 1000)] });
      big = [...tr.bytes.entries()].find(([, b]) => b.length === SIZE)![0];
      small = [...tr.bytes.entries()].find(([, b]) => b.length === 1000)![0];
    });

    it('refuses a part ending beyond tamanhoEmBytes with 400 and the reference text, and changes nothing', async () => {
      const msg = await refusedWithoutChange(ctx, () => part(tr, big, SIZE - 10, SIZE + 10, { bytes: bytesOf(20, 1) }), 400, '9005');
      expect(msg).toContain(PART_BEYOND);
    });

    it('refuses a part whose length is not fim − ini with 400 and changes nothing', async () => {
      await refusedWithoutChange(ctx, () => part(tr, big, 0, BLOCK, { bytes: tr.bytes.get(big)!.subarray(0, BLOCK - 1) }), 400);
      await refusedWithoutChange(ctx, () => part(tr, big, 0, 100, { bytes: tr.bytes.get(big)!.subarray(0, 101) }), 400);
    });

    it('refuses an empty part (5-5, and 0-0 too) naming the range and how an empty component is sent, changing nothing', async () => {
      const msg = await refusedWithoutChange(ctx, () => part(tr, big, 5, 5, { bytes: new Uint8Array(0) }), 400, '0001');
      expect(msg).toContain('a parte 5-5 não tem bytes');
      const empty = new Uint8Array(0);
      const t0 = await start(ctx, { documentos: [{ bytes: [empty] }] });
      const msg0 = await refusedWithoutChange(ctx, () => part(t0, sha256b64(empty), 0, 0, { bytes: empty }), 400, '0001');
      expect(msg0).toContain('um componente de 0 bytes se envia só com a sinalização de término');
      expect2xx(await finish(t0, sha256b64(empty)));
      expect(await situacao(ctx, t0)).toBe(2);
    });

    it('refuses a part of a hash that was not requested (400), of an unknown ticket (404) and from another system (403), changing nothing', async () => {
      const other = bytesOf(10, ctx.seed());
      await refusedWithoutChange(
        ctx,
        () => uploadPart(ctx.raw(ESTADO), { ticket: tr.ticket, ini: 0, fim: 10, bytes: other, hash: sha256b64(other), protocolo: tr.protocolo }),
        400,
      );
      await refusedWithoutChange(ctx, () => uploadPart(ctx.raw(ESTADO), { ticket: '9999999999', ini: 0, fim: 10, bytes: other, hash: big, protocolo: tr.protocolo }), 404);
      await refusedWithoutChange(ctx, () => part(tr, big, 0, BLOCK, { system: MUNICIPIO }), 403);
    });

    it('accepts simultaneous parts of one component over separate connections, in any order, without changing the situação', async () => {
      const ranges = blocks(SIZE, BLOCK);
      expect(ranges.length).toBe(5);
      const order = [3, 0, 4, 1]; // range 2 is sent later, wrong first, then right (a re-sent part)
      const answers = await Promise.all(
        order.map((i, k) => {
          const [ini, fim] = ranges[i]!;
          return uploadPart(ctx.connection(ESTADO), {
            ticket: tr.ticket,
            ini,
            fim,
            bytes: tr.bytes.get(big)!.subarray(ini, fim),
            hash: big,
            protocolo: tr.protocolo,
            ...(k % 2 ? { asQuery: true } : {}),
          });
        }),
      );
      for (const a of answers) expect2xx(a, 'PUT parte');
      expect(await situacao(ctx, tr)).toBe(1);
    });

    it('refuses the termination while ranges are missing with 400 naming them, and changes nothing', async () => {
      const [ini, fim] = blocks(SIZE, BLOCK)[2]!;
      const msg = await refusedWithoutChange(ctx, () => finish(tr, big), 400);
      expect(msg).toContain(String(ini));
      expect(msg).toContain(String(fim));
    });

    it('overwrites a re-sent part, and the termination of the last component moves 1 → 2 before responding', async () => {
      const [ini, fim] = blocks(SIZE, BLOCK)[2]!;
      expect2xx(await part(tr, big, ini, fim, { bytes: bytesOf(fim - ini, ctx.seed()) }));
      expect2xx(await part(tr, big, ini, fim)); // the re-sent part replaces the wrong one
      expect2xx(await part(tr, small, 0, 1000, { asQuery: true }));
      expect2xx(await finish(tr, small));
      expect(await situacao(ctx, tr)).toBe(1);
      expect2xx(await finish(tr, big));
      expect(await history(ctx, tr)).toEqual([1, 2]);
    });

    it('answers 409 to parts and terminations once the trâmite left 1, changing nothing', async () => {
      await refusedWithoutChange(ctx, () => part(tr, big, 0, BLOCK), 409);
      await refusedWithoutChange(ctx, () => finish(tr, big), 409);
    });

    it('accepts a 0-byte component as a termination without parts when the hash is that of the empty string', async () => {
      const empty = new Uint8Array(0);
      const t0 = await start(ctx, { documentos: [{ bytes: [empty] }] });
      expect(t0.requested).toEqual([sha256b64(empty)]);
      expect2xx(await finish(t0, sha256b64(empty)));
      expect(await situacao(ctx, t0)).toBe(2);
    });
  });

  it('serves other connections of the same system while an upload is still streaming on one (spec §1.5.9, §9.3)', async () => {
    const tr = await start(ctx, { documentos: [{ bytes: [bytesOf(2 * BLOCK, ctx.seed())] }] });
    const h = tr.requested[0]!;
    const bytes = tr.bytes.get(h)!;
    const boundary = `----elo-conformance-${ctx.seed()}`;
    const enc = new TextEncoder();
    const head = enc.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="hashDoComponenteDigital"\r\n\r\n${h}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="protocolo"\r\n\r\n${tr.protocolo}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="conteudo"; filename="arquivo_externo.html"\r\nContent-Type: text/html\r\n\r\n`,
    );
    const tail = enc.encode(`\r\n--${boundary}--\r\n`);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(head);
        c.enqueue(bytes.slice(0, 1000));
        await gate;
        c.enqueue(bytes.slice(1000, BLOCK));
        c.enqueue(tail);
        c.close();
      },
    });
    const slow = ctx.connection(ESTADO).request('PUT', `${V3}${partsPath(tr.ticket)}/0-${BLOCK}`, {
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    // While the first upload is open, a second connection uploads the other part and polls.
    const other = ctx.connection(ESTADO);
    expect2xx(await uploadPart(other, { ticket: tr.ticket, ini: BLOCK, fim: 2 * BLOCK, bytes: bytes.subarray(BLOCK), hash: h, protocolo: tr.protocolo }));
    expect((await other.request('GET', `${V3}tramites/pendentes?todas=1`)).status).toBe(200);
    expect(await situacao(ctx, tr)).toBe(1);
    release();
    expect2xx(await slow, 'streamed part');
    expect2xx(await finish(tr, h));
    expect(await situacao(ctx, tr)).toBe(2);
  });

  it('refuses a termination whose assembled bytes do not hash to the declared value, naming protocolo, expected and computed hash, and changes nothing', async () => {
    const t2 = await start(ctx, { documentos: [{ bytes: [bytesOf(3 * BLOCK + 5, ctx.seed())] }] });
    const h = t2.requested[0]!;
    const original = t2.bytes.get(h)!;
    const ranges = blocks(original.length, BLOCK);
    const wrong = bytesOf(BLOCK, ctx.seed());
    for (const [i, [ini, fim]] of ranges.entries()) expect2xx(await part(t2, h, ini, fim, i === 1 ? { bytes: wrong } : {}));
    const assembled = Buffer.from(original);
    assembled.set(wrong, BLOCK);
    const msg = await refusedWithoutChange(ctx, () => finish(t2, h), 400, '9006');
    expect(msg).toContain(t2.protocolo);
    expect(msg).toContain(h);
    expect(msg).toContain(sha256b64(assembled));
    // Re-sending the parts (all of them: the hub may have kept or dropped the others) completes it.
    for (const [ini, fim] of ranges) expect2xx(await part(t2, h, ini, fim));
    expect2xx(await finish(t2, h));
    expect(await situacao(ctx, t2)).toBe(2);
  });

  describe('download', () => {
    let tr: Tramite;
    let big: string;
    let small: string;
    let empty: string;

    beforeAll(async () => {
      tr = await driveTo(ctx, 2, {
        documentos: [{ bytes: [bytesOf(SIZE, ctx.seed())], mimeType: 'application/pdf' }, smallDoc(ctx, 1000), { bytes: [new Uint8Array(0)] }],
      });
      big = [...tr.bytes.entries()].find(([, b]) => b.length === SIZE)![0];
      small = [...tr.bytes.entries()].find(([, b]) => b.length === 1000)![0];
      empty = sha256b64(new Uint8Array(0));
    });

    const get = (h: string, ini: number, fim: number, protocolo = tr.protocolo, system: typeof ESTADO | typeof MUNICIPIO = MUNICIPIO) =>
      ctx.client(system).baixarParte(tr.idt, h, protocolo, ini, fim);

    it('answers 409 before the receiver fetched the metadata (situação 2), changing nothing', async () => {
      await refusedWithoutChange(ctx, () => get(small, 0, 1000), 409);
      await fetchMetadata(ctx, tr);
    });

    it('refuses a range beyond the size or with ini ≥ fim (400), an unknown hash (404) and the sender (403), changing nothing', async () => {
      await refusedWithoutChange(ctx, () => get(small, 0, 1001), 400);
      await refusedWithoutChange(ctx, () => get(small, 500, 500), 400);
      await refusedWithoutChange(ctx, () => get(small, 600, 500), 400);
      await refusedWithoutChange(ctx, () => get(sha256b64(bytesOf(3, 3)), 0, 3), 404);
      await refusedWithoutChange(ctx, () => get(small, 0, 1000, tr.protocolo, ESTADO), 403);
    });

    it('serves half-open ranges as a base64 JSON string, in parallel over separate connections, bytes equal to what was sent', async () => {
      const ranges = blocks(SIZE, BLOCK);
      // Range 0 twice: a download in 3 is idempotent (spec §9.2), even concurrently.
      const answers = await Promise.all(
        [...ranges, ranges[0]!].map(([ini, fim]) =>
          ctx.connection(MUNICIPIO).request<string>('POST', `${V3}tramites/${tr.idt}/protocolos/componentes-digitais/partes/${ini}-${fim}`, {
            body: JSON.stringify({ hashDoComponenteDigital: big, protocolo: tr.protocolo }),
          }),
        ),
      );
      for (const a of answers) {
        expect(a.status, a.text).toBe(200);
        expect(a.headers.get('content-type')).toMatch(/^application\/json/);
        expect(typeof a.body).toBe('string');
      }
      expect(answers.at(-1)!.body).toBe(answers[0]!.body);
      const joined = Buffer.concat(answers.slice(0, -1).map((a) => Buffer.from(a.body, 'base64')));
      expect(joined.length).toBe(SIZE);
      expect(joined.equals(Buffer.from(tr.bytes.get(big)!))).toBe(true);
      expect(await situacao(ctx, tr)).toBe(3);
    });

    it('answers "" for the empty range of a 0-byte component, and moves 3 → 4 only after the last pending hash is fully delivered', async () => {
      const e = await get(empty, 0, 0);
      expect(e.status, e.text).toBe(200);
      expect(e.body).toBe('');
      const first = await get(small, 0, 400);
      expect(Buffer.from(first.bytes!).equals(Buffer.from(tr.bytes.get(small)!.subarray(0, 400)))).toBe(true);
      expect(await situacao(ctx, tr)).toBe(3);
      const rest = await get(small, 400, 1000);
      expect(Buffer.from(rest.bytes!).equals(Buffer.from(tr.bytes.get(small)!.subarray(400, 1000)))).toBe(true);
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 4]);
    });

    it('serves re-downloads in 4 without change', async () => {
      const again = await get(big, BLOCK, 2 * BLOCK);
      expect(Buffer.from(again.bytes!).equals(Buffer.from(tr.bytes.get(big)!.subarray(BLOCK, 2 * BLOCK)))).toBe(true);
      expect(await history(ctx, tr)).toEqual([1, 2, 3, 4]);
    });

    it('locates a component by hash and ignores a protocolo mismatch (SEI sends the main protocolo for apensados)', async () => {
      const main = buildProcesso(ctx);
      const apProtocolo = ctx.protocolo('AP');
      const apBytes = bytesOf(2000, ctx.seed());
      main.body.processo.processoApensado = [
        processoBody({ protocolo: apProtocolo, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [apBytes] }] }).body.processo,
      ];
      main.bytes.set(sha256b64(apBytes), apBytes);
      const r = await ctx.estado.iniciarProcesso(main.body);
      expect(r.status, r.text).toBe(200);
      const ap = fromStart(main, r.body, ESTADO, MUNICIPIO);
      await upload(ctx, ap);
      await fetchMetadata(ctx, ap);
      const apHash = sha256b64(apBytes);
      const d = await ctx.municipio.baixarParte(ap.idt, apHash, main.protocolo, 0, apBytes.length);
      expect(d.status, d.text).toBe(200);
      expect(sha256b64(d.bytes!)).toBe(apHash);
      const other = await ctx.municipio.baixarParte(ap.idt, [...main.bytes.keys()][0]!, 'qualquer.protocolo/2026', 0, main.bytes.values().next().value!.length);
      expect(other.status, other.text).toBe(200);
      expect(await situacao(ctx, ap)).toBe(4);
    });
  });
});
