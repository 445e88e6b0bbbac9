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
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
