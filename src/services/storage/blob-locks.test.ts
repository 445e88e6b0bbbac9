import { describe, expect, it } from 'vitest';
import type { BlobStore, KeyLocks } from '../../store/index.ts';
import { blobLocks } from './blob-locks.ts';

const blobs = {} as BlobStore;

describe('blob locks', () => {
  it('takes the store’s shared lock (other nodes) inside the in-process queue, one database lock per key at a time', async () => {
    const taken: string[] = [];
    let holding = 0;
    let most = 0;
    const shared: KeyLocks = {
      async run(key, fn) {
        taken.push(key);
        most = Math.max(most, ++holding);
        try {
          return await fn();
        } finally {
          holding--;
        }
      },
    };
    const locks = blobLocks(blobs, shared);
    const out = await Promise.all([1, 2, 3].map((n) => locks.run('sha256/x', async () => n)));
    expect(out).toEqual([1, 2, 3]);
    expect(taken).toEqual(['blob:sha256/x', 'blob:sha256/x', 'blob:sha256/x']);
    expect(most).toBe(1);
  });

  it('works without a shared lock when one process owns the store (SQLite)', async () => {
    expect(await blobLocks({} as BlobStore).run('k', async () => 'ok')).toBe('ok');
  });
});
