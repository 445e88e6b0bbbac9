/**
 * Who waits on a system's trâmites — the held long-poll pendências request (spec §2.15) — is
 * woken by a signal when a transition of one of that system's trâmites commits, instead of
 * re-reading the store on a timer. One process signals in memory (`inProcessNotifier`); several
 * nodes on one PostgreSQL database signal each other through it (store/postgres/notifier-postgres.ts,
 * LISTEN/NOTIFY); the isolates of a Worker through a Durable Object per system
 * (runtime/workers/edge-notifier.ts). A port of the domain, because services wait on it and store
 * adapters implement it.
 */
export interface TransitionNotifier {
  /**
   * Signals that trâmites where these systems are sender or receiver changed (after commit). A
   * notifier that signals through another service (the Worker's Durable Objects) resolves once
   * the signal was handed over; the writer awaits it, and a failed signal is the notifier's to log.
   */
  notify(systemIds: Iterable<string>): void | Promise<void>;
  /** Calls `listener` on each later signal for `systemId`; the returned function unsubscribes. */
  subscribe(systemId: string, listener: () => void): () => void;
}

/** Listeners in a map per system: a signal costs nothing when nobody waits. */
export function inProcessNotifier(): TransitionNotifier & { listeners(systemId: string): number; notifyEveryone(): void } {
  const bySystem = new Map<string, Set<() => void>>();
  return {
    /** Wakes every listener: when signals may have been missed, each waiter reads again. */
    notifyEveryone() {
      for (const set of [...bySystem.values()]) for (const listener of [...set]) listener();
    },
    notify(systemIds) {
      for (const id of new Set(systemIds)) {
        for (const listener of [...(bySystem.get(id) ?? [])]) listener();
      }
    },
    subscribe(systemId, listener) {
      let set = bySystem.get(systemId);
      if (!set) bySystem.set(systemId, (set = new Set()));
      const own = () => listener();
      set.add(own);
      return () => {
        set.delete(own);
        if (set.size === 0 && bySystem.get(systemId) === set) bySystem.delete(systemId);
      };
    },
    listeners: (systemId) => bySystem.get(systemId)?.size ?? 0,
  };
}
