import type { Clock } from '../domain/clock.ts';

/**
 * Failed bearer-token attempts per origin address (security test, finding 9): a token is 256
 * random bits, so guessing is hopeless, but an unbounded stream of attempts still costs a
 * digest and a database read each, and nobody would see it. Past `max` failures within
 * `windowMs` the origin is refused outright until its failures age out of the window.
 */
export const TOKEN_FAILURE_LIMIT = { max: 10, windowMs: 5 * 60_000 } as const;
/** Origins remembered at most; past it the oldest are forgotten (memory stays bounded). */
const MAX_ORIGINS = 10_000;

export function tokenFailureLimiter(clock: Clock, limit: { max: number; windowMs: number } = TOKEN_FAILURE_LIMIT) {
  const failures = new Map<string, number[]>();

  const recent = (origin: string, now: number): number[] => {
    const kept = (failures.get(origin) ?? []).filter((t) => now - t < limit.windowMs);
    if (kept.length) failures.set(origin, kept);
    else failures.delete(origin);
    return kept;
  };

  return {
    /** Seconds until `origin` may try again, or 0 when it may try now. */
    retryAfterSeconds(origin: string): number {
      const now = clock.now().getTime();
      const kept = recent(origin, now);
      if (kept.length < limit.max) return 0;
      return Math.max(1, Math.ceil((kept[kept.length - limit.max]! + limit.windowMs - now) / 1000));
    },
    /** Records a failure; returns how many failures `origin` has in the window now. */
    fail(origin: string): number {
      const now = clock.now().getTime();
      const kept = recent(origin, now);
      kept.push(now);
      failures.delete(origin); // re-insert: Map order is the eviction order, oldest first
      failures.set(origin, kept.slice(-limit.max));
      if (failures.size > MAX_ORIGINS) failures.delete(failures.keys().next().value!);
      return kept.length;
    },
  };
}
