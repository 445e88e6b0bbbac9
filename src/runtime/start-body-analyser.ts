import type { CodeListsData } from '../domain/codelists.ts';
import { EloError } from '../domain/errors.ts';
import type { StartBodyAnalyser, StartBodyAnalysis, StartKind } from '../domain/tramita/index.ts';
import { movable, workerThread } from './worker-thread.ts';

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
  /** The version of the lists the current thread holds (-1: none yet). */
  let sentVersion = -1;
  const thread = workerThread<{ id: number; analysis: StartBodyAnalysis; raw: Uint8Array }>({
    module: new URL(workerModule, import.meta.url),
    maxHeapMb: opts.maxHeapMb ?? 768,
    unavailable: (why) =>
      new EloError('unavailable', 'O hub não conseguiu analisar o corpo da requisição agora (o analisador foi reiniciado). Tente novamente em alguns minutos.', { why }),
  });

  // Started by the first large body (its start runs in the new thread, not on the event loop),
  // so that a hub that never sees one, such as a test hub, never pays for it.
  return {
    async analyse(raw: Uint8Array, kind: StartKind, lists: { version: number; data: CodeListsData }) {
      const own = movable(raw);
      const answer = await thread.call((fresh) => {
        if (fresh) sentVersion = -1;
        const codeLists = lists.version === sentVersion ? undefined : lists.data;
        sentVersion = lists.version;
        return { message: { raw: own, kind, ...(codeLists ? { codeLists } : {}) }, transfer: [own.buffer] };
      });
      return { raw: answer.raw, analysis: answer.analysis };
    },
    close: () => thread.close(),
  };
}
