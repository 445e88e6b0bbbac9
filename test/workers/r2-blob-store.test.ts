import { createHash } from 'node:crypto';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { r2BlobStore, R2_PART_BYTES } from '../../src/store/blobs/r2-blob-store.ts';
import type { R2Bucket } from '../../src/store/blobs/r2-types.ts';
import type { BlobStore } from '../../src/store/index.ts';

let mf: Miniflare;
let bucket: R2Bucket;
let n = 0;

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response(null, { status: 404 }) } }', r2Buckets: ['BLOBS'], compatibilityDate: '2026-04-20' });
  bucket = (await mf.getR2Bucket('BLOBS')) as unknown as R2Bucket;
});
afterAll(() => mf.dispose());

/** A store of its own prefix-free bucket state: each test lists only what it wrote, so keys are told apart by content. */
const store = (): BlobStore => r2BlobStore(bucket, { newId: () => `t${++n}-${Math.random().toString(36).slice(2)}` });

const bytes = (size: number, seed: number) => {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
};
/** A stream of `b` in chunks of `chunk` bytes, as a socket delivers them. */
const streamOf = (b: Uint8Array, chunk = 64 * 1024) => {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= b.byteLength) return c.close();
      c.enqueue(b.slice(at, at + chunk));
      at += chunk;
    },
  });
};
const sha = (b: Uint8Array) => createHash('sha256').update(b);
const collect = async (s: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(s).arrayBuffer());
const allKeys = async () => (await bucket.list({ limit: 1000 })).objects.map((o) => o.key);

describe('blobs in R2 (store/blobs/r2-blob-store.ts)', () => {
  it('stages a small blob while hashing it, shows nothing under its address until committed, then reads it whole and by range', async () => {
    const s = store();
    const b = bytes(100_000, 1);
    const staged = await s.stage(streamOf(b), 1_000_000);
    expect(staged).toMatchObject({ size: 100_000, tooLarge: false, sha256: sha(b).digest('base64'), key: `sha256/${sha(b).digest('hex')}` });
    expect(await s.size(staged.key)).toBeNull();
    expect(await s.commit(staged)).toBe(staged.key);
    expect(await s.size(staged.key)).toBe(100_000);
    expect(await s.readAll(staged.key)).toEqual(b);
    expect(await collect(await s.read(staged.key, { ini: 1000, fim: 1010 }))).toEqual(b.slice(1000, 1010));
    expect(await collect(await s.read(staged.key, { ini: 5, fim: 5 }))).toEqual(new Uint8Array(0));
  });

  it('writes a blob larger than one part as a multipart upload of equal parts, and reads back every byte', async () => {
    const s = store();
    const b = bytes(R2_PART_BYTES * 2 + 12_345, 2);
    const staged = await s.stage(streamOf(b, 1_000_003), b.byteLength);
    const key = await s.commit(staged);
    expect(key).toBe(`sha256/${sha(b).digest('hex')}`);
    expect(sha(await s.readAll(key)).digest('hex')).toBe(sha(b).digest('hex'));
    // a range across the boundary of the first two parts
    expect(await collect(await s.read(key, { ini: R2_PART_BYTES - 10, fim: R2_PART_BYTES + 10 }))).toEqual(b.slice(R2_PART_BYTES - 10, R2_PART_BYTES + 10));
  });

  it('stops reading past maxSize and keeps nothing of it, in one part or several', async () => {
    for (const size of [1000, R2_PART_BYTES + 1000]) {
      const s = store();
      const before = await allKeys();
      const staged = await s.stage(streamOf(bytes(size, 3)), size - 1);
      expect(staged.tooLarge).toBe(true);
      await s.discard(staged);
      expect(await allKeys()).toEqual(before);
    }
  });

  it('stores identical bytes once: a second commit of the same content drops its copy', async () => {
    const s = store();
    const b = bytes(5000, 4);
    const first = await s.commit(await s.stage(streamOf(b), 10_000));
    const keysAfterFirst = await allKeys();
    const second = await s.commit(await s.stage(streamOf(b), 10_000));
    expect(second).toBe(first);
    expect(await allKeys()).toEqual(keysAfterFirst);
  });

  it('discards a staged blob without a trace, and removes a committed one with its bytes', async () => {
    const s = store();
    const before = await allKeys();
    await s.discard(await s.stage(streamOf(bytes(3000, 5)), 10_000));
    expect(await allKeys()).toEqual(before);
    const key = await s.commit(await s.stage(streamOf(bytes(3000, 6)), 10_000));
    await s.remove(key);
    expect(await s.size(key)).toBeNull();
    expect(await allKeys()).toEqual(before);
  });

  it('keeps ranged parts (a part sent again replaces the earlier), lists them in order, assembles them hashed, and drops them', async () => {
    const s = store();
    const b = bytes(30_000, 7);
    const upload = `ticket${n}/componente`;
    const ranges = [
      { ini: 20_000, fim: 30_000 },
      { ini: 0, fim: 10_000 },
      { ini: 10_000, fim: 20_000 },
    ];
    const before = await allKeys();
    // the middle part first arrives damaged, then again right
    await s.keepPart(upload, ranges[2]!, await s.stage(streamOf(bytes(10_000, 99)), 10_000));
    for (const r of ranges) await s.keepPart(upload, r, await s.stage(streamOf(b.slice(r.ini, r.fim)), 10_000));
    const parts = await s.listParts(upload);
    expect(parts).toEqual([...ranges].sort((x, y) => x.ini - y.ini));
    expect(await s.partTickets()).toContain(upload.split('/')[0]);
    const assembled = await s.assembleParts(upload, parts, 30_000);
    expect(assembled.sha256).toBe(sha(b).digest('base64'));
    const key = await s.commit(assembled);
    await s.dropParts(upload.split('/')[0]!);
    expect(await s.listParts(upload)).toEqual([]);
    expect(await s.readAll(key)).toEqual(b);
    // ranges within a part, across two parts, across all three
    for (const [ini, fim] of [[100, 200], [9_990, 10_010], [5, 29_995], [20_000, 30_000]] as const)
      expect(await collect(await s.read(key, { ini, fim })), `${ini}-${fim}`).toEqual(b.slice(ini, fim));
    expect(await s.size(key)).toBe(30_000);
    await s.remove(key);
    // the replaced part's bytes went when it was replaced; the others with the blob
    expect(await allKeys()).toEqual(before);
  });

  it('assembles parts without writing their bytes again: the component is the parts’ own data objects', async () => {
    const s = store();
    const upload = `ticket${n}/grande`;
    const part = R2_PART_BYTES + 1000;
    const b = bytes(part * 2, 11);
    for (const ini of [0, part]) await s.keepPart(upload, { ini, fim: ini + part }, await s.stage(streamOf(b.slice(ini, ini + part), 1_000_003), part));
    const data = async () => (await bucket.list({ prefix: 'dados/', limit: 1000 })).objects.map((o) => o.key).sort();
    const before = await data();
    const key = await s.commit(await s.assembleParts(upload, await s.listParts(upload), b.byteLength));
    await s.dropParts(upload.split('/')[0]!);
    expect(await data()).toEqual(before);
    expect(sha(await s.readAll(key)).digest('hex')).toBe(sha(b).digest('hex'));
    await s.remove(key);
  });

  it('refuses to assemble past maxSize and leaves the parts as they were, so the sender can fix one and signal again', async () => {
    const s = store();
    const upload = `ticket${n}/curto`;
    for (const ini of [0, 100]) await s.keepPart(upload, { ini, fim: ini + 100 }, await s.stage(streamOf(bytes(100, ini)), 100));
    const keys = await allKeys();
    const assembled = await s.assembleParts(upload, await s.listParts(upload), 150);
    expect(assembled.tooLarge).toBe(true);
    await s.discard(assembled);
    expect(await allKeys()).toEqual(keys);
    expect(await s.listParts(upload)).toHaveLength(2);
    await s.dropParts(upload.split('/')[0]!);
  });

  it('keeps one copy when an assembled component’s bytes are already stored, and drops the parts’ copies with the parts', async () => {
    const s = store();
    const b = bytes(2000, 12);
    const before = await allKeys();
    const whole = await s.commit(await s.stage(streamOf(b), 10_000));
    const upload = `ticket${n}/repetido`;
    for (const ini of [0, 1000]) await s.keepPart(upload, { ini, fim: ini + 1000 }, await s.stage(streamOf(b.slice(ini, ini + 1000)), 1000));
    expect(await s.commit(await s.assembleParts(upload, await s.listParts(upload), 2000))).toBe(whole);
    await s.dropParts(upload.split('/')[0]!);
    expect(await s.readAll(whole)).toEqual(b);
    await s.remove(whole);
    expect(await allKeys()).toEqual(before);
  });

  it('drops data objects nothing names once older than the limit, and none a stage of this isolate still holds', async () => {
    const s = store();
    const kept = await s.commit(await s.stage(streamOf(bytes(2000, 8)), 10_000));
    const held = await s.stage(streamOf(bytes(2000, 9)), 10_000);
    // an upload abandoned by another isolate: bytes written, never committed
    await bucket.put(`dados/abandonado-${n}`, bytes(10, 1));
    expect(await s.dropAbandonedStaging(new Date(Date.now() - 60_000))).toBe(0);
    expect(await s.dropAbandonedStaging(new Date(Date.now() + 60_000))).toBe(1);
    expect(await s.readAll(kept)).toEqual(bytes(2000, 8));
    expect(await s.readAll(await s.commit(held))).toEqual(bytes(2000, 9));
  });
});
