import { afterAll, describe, it } from 'vitest';
import { fuzzRuns, RELIABILITY_RUNS } from '../harness/fuzz.ts';
import { fuzzProperties } from '../fuzz/properties.ts';

/**
 * Issue 12, item 4, reliability tier: every property of test/fuzz/properties.ts with at least
 * 10,000 generated inputs (more with `FUZZ_RUNS`), each input bounded at 2 s and each property's
 * whole run at 150 s — a parser that hangs or slows down on some input fails here, not in
 * production. `FUZZ_SEED` replays a failure fast-check reports.
 */
const runs = Math.max(RELIABILITY_RUNS, fuzzRuns(RELIABILITY_RUNS));

describe(`fuzzing with ${runs} inputs per property: no crash, no 5xx, no unbounded time`, () => {
  afterAll(async () => {
    for (const p of fuzzProperties) await p.close?.();
  });
  for (const p of fuzzProperties)
    it(p.name, () => p.check({ runs, exact: true, perInputMs: 2_000, timeLimitMs: 150_000 }), 180_000);
});
