import type { BlobStore } from '../../store/index.ts';

/**
 * One lock per blob key, shared by every service built on the same blob store: what makes a
 * blob referenced (an upload's commit and `markReceived`, a start's body and `create`, a replay
 * reusing a body) and what removes it (the retention sweep's check and delete) never interleave,
 * so a blob is never deleted between being found on disk and being referred to. This holds
 * within one process; several nodes on one blob folder will need the same guarantee from the
 * store (a lease row), like the part locks of the ranged upload.
 */
const registry = new WeakMap<BlobStore, Map<string, Promise<unknown>>>();

export function blobLocks(blobs: BlobStore) {
  let locks = registry.get(blobs);
  if (!locks) registry.set(blobs, (locks = new Map()));
  const held = locks;
  return {
    async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = held.get(key) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(fn);
      held.set(key, run);
      try {
        return await run;
      } finally {
        if (held.get(key) === run) held.delete(key);
      }
    },
  };
}
