import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start real HTTPS servers and generate keys: give them room on a
    // shared 2-core machine, but keep a ceiling so a hang fails instead of stalling CI.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
