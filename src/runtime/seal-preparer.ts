import { EloError, type ErrorCode } from '../domain/errors.ts';
import type { PreparedSeal, SealPreparer } from '../services/evidence/seal.ts';
import { movable, workerThread } from './worker-thread.ts';

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
  const thread = workerThread<{ id: number } & Outcome>({
    module: new URL(workerModule, import.meta.url),
    maxHeapMb: opts.maxHeapMb ?? 2048,
    unavailable: (why) => new EloError('unavailable', 'O hub não conseguiu preparar o selo agora (a thread de selos foi reiniciada); a varredura sela o trâmite depois.', { why }),
  });
  /** The last seal asked for: each waits for the one before it (one package in the thread's memory at a time). */
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function run(work: Parameters<SealPreparer>[0], algorithm: Parameters<SealPreparer>[1]): Promise<PreparedSeal> {
    if (closed) throw new EloError('unavailable', 'O hub está parando; a varredura sela o trâmite na próxima partida.');
    const body = movable(work.body);
    const answer = await thread.call(() => ({ message: { work: { ...work, body }, algorithm }, transfer: [body.buffer] }));
    if ('prepared' in answer) return answer.prepared;
    if (answer.error.code) throw new EloError(answer.error.code, answer.error.mensagem ?? '', answer.error.details);
    throw new Error(answer.error.message);
  }

  return {
    prepare(work, algorithm) {
      const turn = queue.then(() => run(work, algorithm));
      queue = turn.catch(() => undefined);
      return turn;
    },
    async close() {
      closed = true;
      await thread.close();
    },
  };
}
