import type { BlobStore, KeyLocks } from '../../store/index.ts';

/**
 * One lock per blob key, shared by every service built on the same blob store: what makes a
 * blob referenced (an upload's commit and `markReceived`, a start's body and `create`, a replay
 * reusing a body) and what removes it (the retention sweep's check and delete) never interleave,
 * so a blob is never deleted between being found on disk and being referred to. Within one
 * process a queue per key; across the nodes sharing one blob folder, the store's locks too
 * (`shared`: PostgreSQL advisory locks), taken after the queue so one process holds at most one
 * database lock per key.
 */
const registry = new WeakMap<BlobStore, Map<string, { tail: Promise<unknown>; count: number }>>();

export function blobLocks(blobs: BlobStore, shared?: KeyLocks) {
  let locks = registry.get(blobs);
  if (!locks) registry.set(blobs, (locks = new Map()));
  const held = locks;
  return {
    async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const entry = held.get(key) ?? { tail: Promise.resolve(), count: 0 };
      const guarded = shared ? () => shared.run(`blob:${key}`, fn) : fn;
      const run = entry.tail.catch(() => undefined).then(guarded);
      entry.tail = run;
      entry.count++;
      held.set(key, entry);
      try {
        return await run;
      } finally {
        if (--entry.count === 0) held.delete(key);
      }
    },
    /** How many runs hold or wait for a key (for operators' diagnostics and tests). */
    queued(key: string): number {
      return held.get(key)?.count ?? 0;
    },
  };
}
