import { defineConfig } from 'vitest/config';

/**
 * The browser tier, `npm run test:browser`: the dashboard driven by playwright-core in Debian's
 * Chromium (/usr/bin/chromium, installed by .ci/run with apt; no browser is ever downloaded),
 * with axe-core on each page. One file at a time: a browser and a hub share 2 cores.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
