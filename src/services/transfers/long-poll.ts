import type { Timers } from '../../domain/clock.ts';
import type { Caller } from '../../domain/identity.ts';
import type { Situacao } from '../../domain/situacao.ts';
import type { ServiceDeps } from '../deps.ts';
import type { TransitionNotifier } from '../../domain/notifier.ts';
import type { queryService } from './query.ts';

type Step = ReturnType<typeof queryService>['longPollStep'];

/**
 * The held long-poll pendências request (spec §2.15). The store is read when the request
 * arrives and then only when something can have changed for the caller: a transition of one of
 * its trâmites (the notifier), the moment a pair offered within the hold period may be offered
 * again (a timer from the clock), or the end of the hold. The hold is measured by the timer
 * port in real time, so it ends before the client's 300 s timeout even when the clock is held.
 */
export function longPollService(
  deps: Pick<ServiceDeps, 'clock' | 'settings'>,
  step: Step,
  notifier: TransitionNotifier,
  timers: Timers,
) {
  return {
    /** The caller's next pendência, or null once the hold ends or `signal` aborts. */
    async wait(caller: Caller, acknowledgedIdt: number, signal?: AbortSignal): Promise<{ idt: number; situacao: Situacao } | null> {
      let changed = false;
      let ended = false;
      let wake: (() => void) | null = null;
      const poke = () => {
        changed = true;
        wake?.();
      };
      const end = () => {
        ended = true;
        wake?.();
      };
      // Subscribed before the first read, so a transition committed during it is not missed.
      const unsubscribe = notifier.subscribe(caller.system.id, poke);
      const cancelHold = timers.after(deps.settings.longPollMs, end);
      signal?.addEventListener('abort', end);
      let cancelReoffer = () => {};
      try {
        for (;;) {
          changed = false;
          const { next, reofferAt } = await step(caller, acknowledgedIdt);
          if (next) return next;
          if (ended || signal?.aborted) return null;
          cancelReoffer();
          cancelReoffer = reofferAt === null ? () => {} : timers.after(Math.max(0, reofferAt - deps.clock.now().getTime()), poke);
          if (!changed && !ended) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          if (ended && !changed) return null;
        }
      } finally {
        unsubscribe();
        cancelHold();
        cancelReoffer();
        signal?.removeEventListener('abort', end);
      }
    },
  };
}
