import { Worker } from 'node:worker_threads';
import type { CodeListsData } from '../domain/codelists.ts';
import { EloError } from '../domain/errors.ts';
import type { StartBodyAnalyser, StartBodyAnalysis, StartKind } from '../domain/tramita/index.ts';

export interface StartBodyWorker {
  analyse: StartBodyAnalyser;
  close(): Promise<void>;
}

// Compiled (dist/, bin/dist.js) the thread runs the worker's JavaScript; from the sources it needs
// tsx registered first, which a thread does not inherit, and the entry does that.
const workerModule = import.meta.url.endsWith('.js') ? './start-body-worker.js' : './start-body-worker-entry.mjs';

/**
 * Runs the analysis of start bodies in a worker thread (ARCHITECTURE: a worker lives in
 * runtime/ and reaches the core as a port). The bytes move to the worker and back without a
 * copy; only the small analysis (cabecalho, outline of the process, component plan, spans)
 * crosses back, so the event loop spends microseconds where the analysis takes seconds.
 *
 * The worker's heap is bounded: the shape bounds keep a legitimate analysis well under it, and
 * should anything still exhaust it, the worker dies alone, that request gets a 503, and the
 * next request starts a new worker.
 *
 * The code lists change while the hub runs (services/code-lists.ts): each body comes with the
 * lists at their version, and the worker is sent them only when that version is not the one it
 * holds (once after it starts, once after each change), so an espécie added a moment ago is valid
 * in the next large start too. Messages reach the worker in order, so the lists always arrive
 * before the bodies that need them.
 */
export function startBodyWorker(opts: { maxHeapMb?: number } = {}): StartBodyWorker {
  let worker: Worker | null = null;
  /** The version of the lists the current worker holds (-1: none yet). */
  let sentVersion = -1;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: { raw: Uint8Array; analysis: StartBodyAnalysis }) => void; reject: (e: unknown) => void }>();

  const failAll = (why: string) => {
    for (const p of pending.values())
      p.reject(
        new EloError('unavailable', 'O hub não conseguiu analisar o corpo da requisição agora (o analisador foi reiniciado). Tente novamente em alguns minutos.', { why }),
      );
    pending.clear();
  };

  function spawn(): Worker {
    const w = new Worker(new URL(workerModule, import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 768 },
    });
    w.on('message', (m: { id?: number; analysis?: StartBodyAnalysis; raw?: Uint8Array }) => {
      if (m.id === undefined) return;
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      p?.resolve({ raw: m.raw!, analysis: m.analysis! });
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

  // Started by the first large body (its start runs in the new thread, not on the event loop),
  // so that a hub that never sees one, such as a test hub, never pays for it.
  return {
    analyse(raw: Uint8Array, kind: StartKind, lists: { version: number; data: CodeListsData }) {
      if (!worker) {
        worker = spawn();
        sentVersion = -1;
      }
      // Only a buffer of its own can be moved; a view into a larger one is copied first.
      const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength && raw.buffer instanceof ArrayBuffer ? raw : raw.slice();
      const id = nextId++;
      const w = worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref(); // an analysis under way keeps the process alive; an idle worker does not
        const codeLists = lists.version === sentVersion ? undefined : lists.data;
        sentVersion = lists.version;
        w.postMessage({ id, raw: own, kind, ...(codeLists ? { codeLists } : {}) }, [own.buffer as ArrayBuffer]);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
