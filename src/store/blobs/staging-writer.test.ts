import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stagingWriter, type WritableFile } from './staging-writer.ts';

/** A file whose writes and syncs finish when the test says, recording what happened in order. */
function scriptedFile() {
  const events: string[] = [];
  const pending: { kind: 'write' | 'sync'; settle: (error?: Error) => void }[] = [];
  const inFlight = { write: 0, sync: 0 };
  const maxInFlight = { write: 0, sync: 0 };
  const written: number[] = [];
  /** A call of `kind` left pending until settled; `done` runs when it succeeds. */
  const call = (kind: 'write' | 'sync', done: () => void = () => undefined) => {
    inFlight[kind]++;
    maxInFlight[kind] = Math.max(maxInFlight[kind], inFlight[kind]);
    return new Promise<void>((resolve, reject) =>
      pending.push({
        kind,
        settle: (e) => {
          inFlight[kind]--;
          if (e) return reject(e);
          done();
          resolve();
        },
      }),
    );
  };
  const file: WritableFile = {
    writev(chunks) {
      events.push(`write ${chunks.reduce((n, c) => n + c.byteLength, 0)}`);
      return call('write', () => {
        for (const c of chunks) written.push(...c);
      });
    },
    datasync() {
      events.push('sync');
      return call('sync');
    },
  };
  /** Settles the oldest pending call of that kind, then lets the writer's callbacks run. */
  const settle = async (kind: 'write' | 'sync', error?: Error) => {
    const i = pending.findIndex((p) => p.kind === kind);
    if (i < 0) throw new Error(`no pending ${kind}`);
    pending.splice(i, 1)[0]!.settle(error);
    await new Promise((r) => setImmediate(r));
  };
  /** Settles everything pending, repeatedly, until `p` resolves or rejects. */
  const drive = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    const watched = p.finally(() => (done = true));
    while (!done) {
      const next = pending[0];
      if (next) await settle(next.kind);
      else await new Promise((r) => setImmediate(r));
    }
    return watched;
  };
  return { file, events, pending, settle, drive, written, maxInFlight };
}

const chunk = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/** Pushes `batches` batches of 100 bytes, each written (settled) before the next. */
async function writeSettled(f: ReturnType<typeof scriptedFile>, w: ReturnType<typeof stagingWriter>, batches: number) {
  for (let i = 0; i < batches; i++) {
    await w.push(chunk(100, i));
    await f.settle('write');
  }
}

const opts = { batchBytes: 100, syncEveryBytes: 250 };

describe('stagingWriter', () => {
  it('writes every byte in order, in batches, and ends with a sync after the last write', async () => {
    const f = scriptedFile();
    const w = stagingWriter(f.file, opts);
    for (let i = 0; i < 10; i++) await f.drive(w.push(chunk(60, i)));
    await f.drive(w.finish());
    expect(f.written).toEqual([...Array.from({ length: 10 }, (_, i) => [...chunk(60, i)]).flat()]);
    // batches of at least 100 bytes (two 60-byte chunks), the rest at the end
    expect(f.events.filter((e) => e.startsWith('write'))).toEqual(['write 120', 'write 120', 'write 120', 'write 120', 'write 120']);
    expect(f.events.at(-1)).toBe('sync');
  });

  it('keeps one write in flight: the next batch waits for it, so at most two batches are held', async () => {
    const f = scriptedFile();
    const w = stagingWriter(f.file, opts);
    await w.push(chunk(100, 1)); // first batch handed to the disk, not yet written
    expect(f.pending.map((p) => p.kind)).toEqual(['write']);
    let second = false;
    const p = w.push(chunk(100, 2)).then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false); // the second batch waits for the first write
    await f.settle('write');
    await p;
    expect(second).toBe(true);
    await f.drive(w.finish());
    expect(f.maxInFlight.write).toBe(1);
  });

  it('starts a sync in the background every syncEveryBytes, never two at once, and waits for it before its own', async () => {
    const f = scriptedFile();
    const w = stagingWriter(f.file, opts);
    // 300 bytes written: a background sync starts and stays pending
    await writeSettled(f, w, 3);
    expect(f.events.filter((e) => e === 'sync')).toHaveLength(1);
    // 300 more while that sync runs: no second one
    await writeSettled(f, w, 3);
    expect(f.events.filter((e) => e === 'sync')).toHaveLength(1);
    let finished = false;
    const done = w.finish().then(() => (finished = true));
    await new Promise((r) => setImmediate(r));
    expect(f.events.filter((e) => e === 'sync')).toHaveLength(1); // the final sync waits for the running one
    await f.settle('sync');
    expect(f.events.filter((e) => e === 'sync')).toHaveLength(2);
    expect(finished).toBe(false);
    await f.settle('sync');
    await done;
    expect(f.maxInFlight.sync).toBe(1);
  });

  it('throws a failed write at the next push, and abandon then waits without throwing', async () => {
    const f = scriptedFile();
    const w = stagingWriter(f.file, opts);
    await w.push(chunk(100, 1));
    await f.settle('write', Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    await expect(w.push(chunk(100, 2))).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(w.abandon()).resolves.toBeUndefined();
  });

  it('throws a failed write at finish when it was the last one', async () => {
    const f = scriptedFile();
    const w = stagingWriter(f.file, opts);
    await w.push(chunk(10, 1));
    const finishing = w.finish().then(
      () => null,
      (e: unknown) => e,
    );
    await new Promise((r) => setImmediate(r));
    await f.settle('write', Object.assign(new Error('io'), { code: 'EIO' }));
    expect(await finishing).toMatchObject({ code: 'EIO' });
    expect(f.events).not.toContain('sync');
  });

  it('throws a failed background sync at finish: the bytes are not known to be on disk', async () => {
    const f = scriptedFile();
    const w = stagingWriter(f.file, opts);
    await writeSettled(f, w, 3);
    await f.settle('sync', Object.assign(new Error('io'), { code: 'EIO' }));
    await expect(w.finish()).rejects.toMatchObject({ code: 'EIO' });
  });

  describe('on a real file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'elo-staging-writer-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('leaves exactly the bytes pushed, across many batches and background syncs', async () => {
      const path = join(dir, 'a');
      const fh = await open(path, 'w', 0o600);
      const w = stagingWriter(fh, { batchBytes: 64 * 1024, syncEveryBytes: 256 * 1024 });
      const expected: Uint8Array[] = [];
      for (let i = 0; i < 100; i++) {
        const c = new Uint8Array(10_000 + i).map((_, j) => (i * 31 + j) & 0xff);
        expected.push(c);
        await w.push(c);
      }
      await w.finish();
      await fh.close();
      expect(Buffer.compare(readFileSync(path), Buffer.concat(expected))).toBe(0);
    });
  });
});
