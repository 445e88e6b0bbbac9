import type { BlobStore, StagedBlob } from '../index.ts';
import type { R2Bucket, R2MultipartUpload, R2UploadedPart } from './r2-types.ts';
import { digestNames, streamingSha256 } from './streaming-sha256.ts';

/**
 * Bytes sent to R2 as one multipart part. R2 wants every part but the last of one size and at
 * least 5 MiB; this is also the most the store holds in memory for one stream (the Worker's isolate
 * has 128 MB: a few uploads at once fit).
 */
export const R2_PART_BYTES = 8 * 1024 * 1024;


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
 * `partes/<upload>/<ini>-<fim>` (a part sent again replaces the earlier one); assembling streams the
 * parts in order through `stage`, hashing as they pass, in bounded memory.
 *
 * Durable before acknowledged: an R2 write has returned only once stored (R2 is strongly consistent
 * for writes: a `put` that resolved is read back by every later request).
 */
export function r2BlobStore(bucket: R2Bucket, opts: { newId?: () => string } = {}): BlobStore {
  const newId = opts.newId ?? (() => globalThis.crypto.randomUUID());
  /** Staged blobs of this isolate: what `commit`, `keepPart` and `discard` act on. */
  const staged = new Map<string, { data: string; hex: string }>();
  /** Content address → its data object: immutable once written, so kept for the isolate's life (bounded). */
  const resolved = new Map<string, string>();

  const addressOf = (key: string): string => {
    if (!/^sha256\/[0-9a-f]{64}$/.test(key)) throw new TypeError(`invalid blob key: ${key}`);
    return key;
  };
  const dataOf = async (key: string): Promise<{ data: string; size: number } | null> => {
    const head = await bucket.head(addressOf(key));
    const data = head?.customMetadata?.dados;
    if (!head || !data) return null;
    if (resolved.size > 10_000) resolved.clear();
    resolved.set(key, data);
    return { data, size: Number(head.customMetadata?.tamanho ?? 0) };
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
    const hash = streamingSha256();
    const reader = body.getReader();
    let buffer = new Uint8Array(R2_PART_BYTES);
    let filled = 0;
    let size = 0;
    let tooLarge = false;
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
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxSize) {
          tooLarge = true;
          await reader.cancel();
          break;
        }
        hash.update(value);
        for (let at = 0; at < value.byteLength; ) {
          const n = Math.min(value.byteLength - at, R2_PART_BYTES - filled);
          buffer.set(value.subarray(at, at + n), filled);
          (filled += n), (at += n);
          if (filled === R2_PART_BYTES) await sendPart();
        }
      }
      if (tooLarge) {
        await (upload as R2MultipartUpload | null)?.abort();
      } else if (upload) {
        if (filled > 0) await sendPart();
        await (upload as R2MultipartUpload).complete(parts);
      } else {
        await bucket.put(data, buffer.subarray(0, filled));
      }
    } catch (e) {
      await reader.cancel(e).catch(() => undefined);
      await (upload as R2MultipartUpload | null)?.abort().catch(() => undefined);
      throw e;
    }
    const digest = await hash.digest();
    return { data, size, digest, tooLarge };
  }

  const dropData = (data: string) => bucket.delete(data);

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
      // identical bytes already stored once: this copy goes
      if (await bucket.head(key)) await dropData(held.data);
      else await bucket.put(key, null, { customMetadata: { dados: held.data, tamanho: String(s.size) } });
      return key;
    },
    async discard(s) {
      const held = staged.get(s.id);
      staged.delete(s.id);
      // a stream cut past maxSize left no data object (its multipart upload was aborted)
      if (held) await dropData(held.data);
    },
    async read(key, range) {
      if (range && range.fim <= range.ini) return new ReadableStream({ start: (c) => c.close() });
      const data = resolved.get(key) ?? (await dataOf(key))?.data;
      const obj = data ? await bucket.get(data, range ? { range: { offset: range.ini, length: range.fim - range.ini } } : {}) : null;
      if (!obj) throw new Error(`blob ${key} ausente no R2`);
      return obj.body;
    },
    async readAll(key) {
      const data = resolved.get(key) ?? (await dataOf(key))?.data;
      const obj = data ? await bucket.get(data) : null;
      if (!obj) throw new Error(`blob ${key} ausente no R2`);
      return new Uint8Array(await obj.arrayBuffer());
    },
    async size(key) {
      return (await dataOf(key))?.size ?? null;
    },
    async remove(key) {
      const found = await dataOf(key);
      resolved.delete(key);
      await bucket.delete(addressOf(key));
      if (found) await dropData(found.data);
    },
    async keepPart(upload, range, s) {
      const held = staged.get(s.id);
      if (!held) throw new TypeError(`blob ${s.id} is not staged`);
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
      let i = 0;
      let current: ReadableStreamDefaultReader<Uint8Array> | null = null;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          for (;;) {
            if (!current) {
              const part = parts[i++];
              if (!part) return controller.close();
              const data = names.metadata.get(`${prefix}${part.ini}-${part.fim}`)?.dados;
              const obj = data ? await bucket.get(data) : null;
              if (!obj) throw new Error(`parte ${part.ini}-${part.fim} de ${upload} ausente no R2`);
              current = obj.body.getReader();
            }
            const { done, value } = await current.read();
            if (done) {
              current = null;
              continue;
            }
            return controller.enqueue(value);
          }
        },
        async cancel(reason) {
          await current?.cancel(reason);
        },
      });
      return this.stage(body, maxSize);
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
      for (const prefix of [ADDRESS, PARTS]) for (const m of (await listAll(prefix)).metadata.values()) if (m.dados) named.add(m.dados);
      for (const s of staged.values()) named.add(s.data);
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
