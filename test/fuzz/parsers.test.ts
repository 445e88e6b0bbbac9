import { afterAll, describe, it } from 'vitest';
import { fuzzRuns } from '../harness/fuzz.ts';
import { fuzzProperties } from './properties.ts';

/**
 * Issue 12, item 4, normal tier: every parser and request schema fed a few hundred generated
 * inputs (`FUZZ_RUNS`, 200 by default; the reliability tier runs each ≥ 10,000 times). No time
 * is asserted here; vitest's test timeout stops a hang.
 */
describe('fuzzing: every parser answers a value or a catalogued refusal, never a throw or a 5xx', () => {
  afterAll(async () => {
    for (const p of fuzzProperties) await p.close?.();
  });
  for (const p of fuzzProperties) it(p.name, () => p.check({ runs: fuzzRuns() }));
});
