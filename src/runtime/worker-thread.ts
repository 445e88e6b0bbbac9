import { Worker } from 'node:worker_threads';

/**
 * A worker thread started on first use, asked by message and answered by id, shared by the
 * start-body analyser and the seal preparer (ARCHITECTURE: a worker lives in runtime/ and
 * reaches the core as a port). A call under way keeps the process alive; an idle thread does
 * not. Its heap is bounded: should a call exhaust it, the thread dies alone, every call under way
 * fails with `unavailable(why)`, and the next call starts a new thread.
 */
export function workerThread<Answer extends { id: number }>(opts: { module: URL; maxHeapMb: number; unavailable: (why: string) => unknown }) {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: unknown) => void }>();

  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(opts.unavailable(why));
    pending.clear();
  };

  function spawn(): Worker {
    const w = new Worker(opts.module, { resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb } });
    w.on('message', (m: Partial<Answer>) => {
      if (m.id === undefined) return; // a thread's own notice (ready), not an answer
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      p?.resolve(m as Answer);
    });
    w.on('error', (e) => {
      if (worker === w) worker = null;
      failAll(e instanceof Error ? e.message : String(e));
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      failAll(`saída ${code}`);
    });
    w.unref();
    return w;
  }

  return {
    /**
     * Sends the message `build` makes (told whether the thread is new, so that state the thread
     * holds can be sent again) with a fresh id, moving `transfer`; resolves with the answer.
     */
    call(build: (fresh: boolean) => { message: object; transfer: Transferable[] }): Promise<Answer> {
      const fresh = worker === null;
      worker ??= spawn();
      const w = worker;
      const id = nextId++;
      const { message, transfer } = build(fresh);
      return new Promise<Answer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        w.postMessage({ ...message, id }, transfer as never);
      });
    },
    async close(): Promise<void> {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

/** Only a buffer of its own can be moved to a thread; a view into a larger one is copied first. */
export const movable = (bytes: Uint8Array): Uint8Array<ArrayBuffer> =>
  (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()) as Uint8Array<ArrayBuffer>;
