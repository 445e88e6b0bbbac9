import type { Timers } from '../domain/clock.ts';

/**
 * The delivery worker: one round of `run` (services.webhooks.deliverDue) every `intervalMs` on the
 * timer port, the next one scheduled only when the previous has ended, so rounds never overlap
 * and a slow destination only delays this node's next round. Tests pass ManualTimers and fire it.
 */
export function startWebhookWorker(o: { timers: Timers; intervalMs: number; run: () => Promise<unknown>; onError: (e: unknown) => void }) {
  let stopped = false;
  let cancel: (() => void) | null = null;
  let current: Promise<void> | null = null;
  const schedule = () => {
    if (!stopped) cancel = o.timers.after(o.intervalMs, tick);
  };
  const tick = () => {
    cancel = null;
    current = o
      .run()
      .then(
        () => undefined,
        (e: unknown) => o.onError(e),
      )
      .finally(() => {
        current = null;
        schedule();
      });
  };
  schedule();
  return {
    /** The round in progress, if any (tests await it after firing the timer). */
    current: (): Promise<void> | null => current,
    async stop() {
      stopped = true;
      cancel?.();
      await current;
    },
  };
}
