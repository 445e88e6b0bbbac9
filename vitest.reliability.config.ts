import { defineConfig } from 'vitest/config';

/**
 * The reliability tier: attacks and floods against a real hub running as its own process
 * (memory and event-loop delay are measured on the hub alone). One file at a time, so that the
 * bounds they assert are about the hub and not about a neighbouring test's load.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    fileParallelism: false,
    // Its bounds are wall-clock and memory figures taken on a shared machine (a health check
    // answered within 100 ms while a flood runs): a neighbour's burst can push one over once. A
    // test gets one more run; a real regression fails both, and .ci/run names whatever failed.
    retry: 1,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
