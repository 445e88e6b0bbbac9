import { Worker } from 'node:worker_threads';
import { EloError, type ErrorCode } from '../domain/errors.ts';
import type { PreparedSeal, SealPreparer } from '../services/evidence/seal.ts';

export interface SealWorker {
  prepare: SealPreparer;
  close(): Promise<void>;
}

// Compiled (dist/, bin/dist.js) the thread runs the worker's JavaScript; from the sources it needs
// tsx registered first, which a thread does not inherit, and the entry does that.
const workerModule = import.meta.url.endsWith('.js') ? './seal-worker.js' : './seal-worker-entry.mjs';

type Outcome = { prepared: PreparedSeal } | { error: { code?: ErrorCode; mensagem?: string; details?: Record<string, unknown>; message?: string } };

/**
 * Prepares hub seals in a worker thread (ARCHITECTURE: a worker lives in runtime/ and reaches
 * the core as a port, services/deps.ts `sealPreparer`): the package of a trâmite with thousands
 * of documents is parsed and canonicalised there, and the event loop only signs the SignedInfo
 * and writes the bytes. Seals are prepared one at a time, in order: the sweep seals one trâmite
 * after another anyway, and one thread bounds the memory a burst of large packages can take.
 *
 * The worker's heap is bounded (`maxHeapMb`, 2 GB): a seal peaks at about 35 times its metadata,
 * and the hub seals metadata up to ELO_SEAL_MAX_METADATA_MB (8 MB by default), so a legitimate
 * package stays below it; should anything still exhaust it, the worker dies alone, that
 * seal fails (logged; the sweep tries again) and the next seal starts a new worker. Started by
 * the first seal, so a hub that never seals, such as a test hub, never pays for it.
 */
export function sealWorker(opts: { maxHeapMb?: number } = {}): SealWorker {
  let worker: Worker | null = null;
  let nextId = 1;
  /** The last seal asked for: each waits for the one before it (one package in the thread's memory at a time). */
  let queue: Promise<unknown> = Promise.resolve();
  const pending = new Map<number, { resolve: (p: PreparedSeal) => void; reject: (e: unknown) => void }>();

  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new EloError('unavailable', 'O hub não conseguiu preparar o selo agora (a thread de selos foi reiniciada); a varredura sela o trâmite depois.', { why }));
    pending.clear();
  };

  function spawn(): Worker {
    const w = new Worker(new URL(workerModule, import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 2048 } });
    w.on('message', (m: { id: number } & Outcome) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (!p) return;
      if ('prepared' in m) p.resolve(m.prepared);
      else if (m.error.code) p.reject(new EloError(m.error.code, m.error.mensagem ?? '', m.error.details));
      else p.reject(new Error(m.error.message));
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

  let closed = false;

  function run(work: Parameters<SealPreparer>[0], algorithm: Parameters<SealPreparer>[1]): Promise<PreparedSeal> {
    if (closed) return Promise.reject(new EloError('unavailable', 'O hub está parando; a varredura sela o trâmite na próxima partida.'));
    worker ??= spawn();
    const w = worker;
    // Only a buffer of its own can be moved; a view into a larger one is copied first.
    const body = work.body;
    const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer ? body : body.slice();
    const id = nextId++;
    return new Promise<PreparedSeal>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.ref(); // a seal under way keeps the process alive; an idle worker does not
      w.postMessage({ id, work: { ...work, body: own }, algorithm }, [own.buffer as ArrayBuffer]);
    });
  }

  return {
    prepare(work, algorithm) {
      const turn = queue.then(() => run(work, algorithm));
      queue = turn.catch(() => undefined);
      return turn;
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
