import type { BlobStore, StagedBlob } from '../index.ts';
import type { R2Bucket, R2MultipartUpload, R2UploadedPart } from './r2-types.ts';
import { digestNames, streamingSha256 } from './streaming-sha256.ts';
import { streamInTurn } from './stream-in-turn.ts';

/**
 * Bytes sent to R2 as one multipart part. R2 wants every part but the last of one size and at
 * least 5 MiB; this is also the most the store holds in memory for one stream (the Worker's isolate
 * has 128 MB: a few uploads at once fit).
 */
export const R2_PART_BYTES = 8 * 1024 * 1024;


/**
 * Reads a stream to its end, or until it passes `maxSize` (then cancels it), hashing every chunk
 * it keeps and handing each to `each` in order: what staging and assembly both do.
 */
async function hashedRead(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxSize: number,
  each?: (chunk: Uint8Array) => Promise<void>,
): Promise<{ size: number; tooLarge: boolean; digest: Uint8Array }> {
  const hash = streamingSha256();
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxSize) {
      await reader.cancel();
      return { size, tooLarge: true, digest: await hash.digest() };
    }
    hash.update(value);
    await each?.(value);
  }
  return { size, tooLarge: false, digest: await hash.digest() };
}

/** One data object of a blob, in order: a blob is one segment, an assembled component one per part. */
interface Segment {
  data: string;
  size: number;
}

/** R2 keys: the bytes, the content address that names them, and the parts of a ranged upload. */
const DATA = 'dados/';
const ADDRESS = 'sha256/';
const PARTS = 'partes/';

/**
 * Content-addressed blobs in an R2 bucket (README "Rodando na Cloudflare").
 *
 * R2 has no rename and the Worker binding no copy, while a blob's name (its SHA-256) is known only
 * once its last byte has passed. So the bytes are written once, while hashed, to an object of their
 * own (`dados/<uuid>`: one `put` when small, a multipart upload in `R2_PART_BYTES` parts when not),
 * and the content address `sha256/<hex>` is a small object that names them (metadata `dados`),
 * written at commit: nothing is visible under a content address before it is committed, identical
 * bytes committed again are dropped (the address exists), and no byte is ever copied to commit.
 *
 * Ranged uploads (spec §2.11): each part is staged as any blob and kept under
 * `partes/<upload>/<ini>-<fim>` (a part sent again replaces the earlier one). Assembling writes no
 * byte: the parts are read once, in order, to hash them, and the component becomes the list of
 * their data objects (its segments), which its content address holds as its body; committing it
 * hands the segments from the parts to the address. A ranged read of an assembled component reads
 * the ranges of the segments it spans.
 *
 * Durable before acknowledged: an R2 write has returned only once stored (R2 is strongly consistent
 * for writes: a `put` that resolved is read back by every later request).
 */
export function r2BlobStore(bucket: R2Bucket, opts: { newId?: () => string } = {}): BlobStore {
  const newId = opts.newId ?? (() => globalThis.crypto.randomUUID());
  /** Staged blobs of this isolate: what `commit`, `keepPart` and `discard` act on; an assembled one has its parts' segments and upload. */
  const staged = new Map<string, { data: string; hex: string } | { segments: Segment[]; hex: string; upload: string }>();

  const addressOf = (key: string): string => {
    if (!/^sha256\/[0-9a-f]{64}$/.test(key)) throw new TypeError(`invalid blob key: ${key}`);
    return key;
  };
  /** The segments a content address names: one data object (metadata `dados`), or the list its body holds (an assembled component). */
  // Read at every use, never cached: retention may remove a blob and a later upload store the
  // same bytes again under new data objects, while another isolate still runs.
  const segmentsOf = async (key: string): Promise<{ segments: Segment[]; size: number } | null> => {
    const head = await bucket.head(addressOf(key));
    if (!head) return null;
    const size = Number(head.customMetadata?.tamanho ?? 0);
    let segments: Segment[];
    if (head.customMetadata?.dados) segments = [{ data: head.customMetadata.dados, size }];
    else {
      const body = await bucket.get(key);
      if (!body) return null;
      segments = (JSON.parse(new TextDecoder().decode(await body.arrayBuffer())) as { segmentos: { dados: string; tamanho: number }[] }).segmentos.map((x) => ({ data: x.dados, size: x.tamanho }));
    }
    return { segments, size };
  };
  /** The bytes [ini, fim) of a list of segments, read segment by segment (R2 range reads). */
  const readSegments = (segments: Segment[], ini: number, fim: number): ReadableStream<Uint8Array> => {
    const spans: { data: string; offset: number; length: number }[] = [];
    let at = 0;
    for (const sg of segments) {
      const from = Math.max(ini, at);
      const to = Math.min(fim, at + sg.size);
      if (to > from) spans.push({ data: sg.data, offset: from - at, length: to - from });
      at += sg.size;
    }
    let i = 0;
    return streamInTurn(async () => {
      const span = spans[i++];
      if (!span) return null;
      const obj = await bucket.get(span.data, { range: { offset: span.offset, length: span.length } });
      if (!obj) throw new Error(`segmento ${span.data} ausente no R2`);
      return obj.body;
    });
  };
  const partsPrefix = (upload: string): string => {
    if (!/^[A-Za-z0-9_-]{1,200}(\/[A-Za-z0-9_-]{1,200})?$/.test(upload)) throw new TypeError(`invalid upload id: ${upload}`);
    return `${PARTS}${upload}/`;
  };
  const listAll = async (prefix: string, delimiter?: string) => {
    const out: { keys: string[]; prefixes: string[]; metadata: Map<string, Record<string, string>> } = { keys: [], prefixes: [], metadata: new Map() };
    let cursor: string | undefined;
    do {
      const page = await bucket.list({ prefix, ...(cursor ? { cursor } : {}), ...(delimiter ? { delimiter } : {}), include: ['customMetadata'] });
      for (const o of page.objects) (out.keys.push(o.key), out.metadata.set(o.key, o.customMetadata ?? {}));
      out.prefixes.push(...page.delimitedPrefixes);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return out;
  };

  /** Writes `body` to a new data object while hashing it, reading at most `maxSize` bytes. */
  async function write(body: ReadableStream<Uint8Array>, maxSize: number) {
    const data = `${DATA}${newId()}`;
    const reader = body.getReader();
    let buffer = new Uint8Array(R2_PART_BYTES);
    let filled = 0;
    let upload: R2MultipartUpload | null = null;
    const parts: R2UploadedPart[] = [];
    const sendPart = async () => {
      upload ??= await bucket.createMultipartUpload(data, { customMetadata: { estado: 'preparado' } });
      parts.push(await upload.uploadPart(parts.length + 1, buffer.subarray(0, filled)));
      // a fresh buffer: the one just sent may still be read by the binding
      buffer = new Uint8Array(R2_PART_BYTES);
      filled = 0;
    };
    try {
      const read = await hashedRead(reader, maxSize, async (value) => {
        for (let at = 0; at < value.byteLength; ) {
          const n = Math.min(value.byteLength - at, R2_PART_BYTES - filled);
          buffer.set(value.subarray(at, at + n), filled);
          (filled += n), (at += n);
          if (filled === R2_PART_BYTES) await sendPart();
        }
      });
      if (read.tooLarge) {
        await (upload as R2MultipartUpload | null)?.abort();
      } else if (upload) {
        if (filled > 0) await sendPart();
        await (upload as R2MultipartUpload).complete(parts);
      } else {
        await bucket.put(data, buffer.subarray(0, filled));
      }
      return { data, ...read };
    } catch (e) {
      await reader.cancel(e).catch(() => undefined);
      await (upload as R2MultipartUpload | null)?.abort().catch(() => undefined);
      throw e;
    }
  }

  const dropData = (data: string) => bucket.delete(data);

  async function read(key: string, range?: { ini: number; fim: number }): Promise<ReadableStream<Uint8Array>> {
    if (range && range.fim <= range.ini) return new ReadableStream({ start: (c) => c.close() });
    const found = await segmentsOf(key);
    if (!found) throw new Error(`blob ${key} ausente no R2`);
    return readSegments(found.segments, range?.ini ?? 0, range?.fim ?? found.size);
  }

  return {
    async stage(body, maxSize): Promise<StagedBlob> {
      const w = await write(body, maxSize);
      const id = w.data.slice(DATA.length);
      const { hex, base64 } = digestNames(w.digest);
      if (!w.tooLarge) staged.set(id, { data: w.data, hex });
      return { id, sha256: base64, size: w.size, tooLarge: w.tooLarge, key: `${ADDRESS}${hex}` };
    },
    async commit(s) {
      const held = staged.get(s.id);
      if (!held) throw new TypeError(`blob ${s.id} is not staged`);
      staged.delete(s.id);
      const key = `${ADDRESS}${held.hex}`;
      const present = await bucket.head(key);
      if ('data' in held) {
        // identical bytes already stored once: this copy goes
        if (present) await dropData(held.data);
        else await bucket.put(key, null, { customMetadata: { dados: held.data, tamanho: String(s.size) } });
        return key;
      }
      if (present) return key; // already stored: the parts keep their bytes, and dropParts removes them
      const manifest = JSON.stringify({ segmentos: held.segments.map((x) => ({ dados: x.data, tamanho: x.size })) });
      await bucket.put(key, manifest, { customMetadata: { tamanho: String(s.size), segmentos: String(held.segments.length) } });
      // the segments now belong to the address: the parts' names go, so dropParts leaves their bytes
      const names = (await listAll(partsPrefix(held.upload))).keys;
      for (let at = 0; at < names.length; at += 1000) await bucket.delete(names.slice(at, at + 1000));
      return key;
    },
    async discard(s) {
      const held = staged.get(s.id);
      staged.delete(s.id);
      // a stream cut past maxSize left no data object (its multipart upload was aborted); an
      // assembled blob's bytes still belong to its parts
      if (held && 'data' in held) await dropData(held.data);
    },
    read,
    async readAll(key) {
      return new Uint8Array(await new Response(await read(key)).arrayBuffer());
    },
    async size(key) {
      return (await segmentsOf(key))?.size ?? null;
    },
    async remove(key) {
      const found = await segmentsOf(key);
      await bucket.delete(addressOf(key));
      if (found) await bucket.delete(found.segments.map((x) => x.data));
    },
    async keepPart(upload, range, s) {
      const held = staged.get(s.id);
      if (!held || !('data' in held)) throw new TypeError(`blob ${s.id} is not a staged part`);
      staged.delete(s.id);
      const name = `${partsPrefix(upload)}${range.ini}-${range.fim}`;
      const earlier = (await bucket.head(name))?.customMetadata?.dados;
      await bucket.put(name, null, { customMetadata: { dados: held.data } });
      if (earlier && earlier !== held.data) await dropData(earlier);
    },
    async listParts(upload) {
      return (await listAll(partsPrefix(upload))).keys
        .map((k) => /\/(\d+)-(\d+)$/.exec(k))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ ini: Number(m[1]), fim: Number(m[2]) }))
        .sort((a, b) => a.ini - b.ini);
    },
    async assembleParts(upload, parts, maxSize) {
      const prefix = partsPrefix(upload);
      const names = await listAll(prefix);
      const segments: Segment[] = [];
      for (const part of parts) {
        const data = names.metadata.get(`${prefix}${part.ini}-${part.fim}`)?.dados;
        if (!data) throw new Error(`parte ${part.ini}-${part.fim} de ${upload} ausente no R2`);
        segments.push({ data, size: part.fim - part.ini });
      }
      // read once to hash, never written again (see the module comment)
      const reader = readSegments(segments, 0, segments.reduce((n, x) => n + x.size, 0)).getReader();
      const { size, tooLarge, digest } = await hashedRead(reader, maxSize);
      const { hex, base64 } = digestNames(digest);
      const id = `montado-${newId()}`;
      if (!tooLarge) staged.set(id, { segments, hex, upload });
      return { id, sha256: base64, size, tooLarge, key: `${ADDRESS}${hex}` };
    },
    async dropParts(upload) {
      const found = await listAll(partsPrefix(upload));
      const data = [...found.metadata.values()].flatMap((m) => (m.dados ? [m.dados] : []));
      for (let at = 0; at < found.keys.length; at += 1000) await bucket.delete(found.keys.slice(at, at + 1000));
      for (let at = 0; at < data.length; at += 1000) await bucket.delete(data.slice(at, at + 1000));
    },
    async partTickets() {
      return (await listAll(PARTS, '/')).prefixes.map((p) => p.slice(PARTS.length, -1));
    },
    /**
     * Data objects written before `before` that nothing names (no content address, no part) and no
     * stage of this isolate holds: a Worker stopped mid-upload, or a commit of identical bytes
     * that raced another. Listing every address is the cost: the sweep calls this rarely.
     */
    async dropAbandonedStaging(before) {
      const named = new Set<string>();
      for (const prefix of [ADDRESS, PARTS]) {
        const found = await listAll(prefix);
        for (const [key, m] of found.metadata) {
          if (m.dados) named.add(m.dados);
          else if (m.segmentos) for (const sg of (await segmentsOf(key))?.segments ?? []) named.add(sg.data);
        }
      }
      for (const s of staged.values()) for (const d of 'data' in s ? [s.data] : s.segments.map((x) => x.data)) named.add(d);
      let removed = 0;
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix: DATA, ...(cursor ? { cursor } : {}) });
        const stale = page.objects.filter((o) => !named.has(o.key) && o.uploaded.getTime() < before.getTime()).map((o) => o.key);
        if (stale.length) await bucket.delete(stale);
        removed += stale.length;
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return removed;
    },
  };
}
