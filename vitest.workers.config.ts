import { defineConfig } from 'vitest/config';

/**
 * The Workers tier, `npm run test:workers`: the store tests on D1 (ELO_TEST_STORE=d1, each test
 * store a fresh database in Miniflare's workerd), and the D1-specific tests (the schema wrangler
 * applies, the units of work under concurrency). Nothing here needs a Cloudflare account or the
 * network.
 */
export default defineConfig({
  test: {
    include: ['src/store/**/*.test.ts', 'test/workers/**/*.test.ts'],
    // SQLite's own file handling (WAL, the data folder, a full disk) has no D1 counterpart
    exclude: ['src/store/sqlite/open.test.ts', 'src/store/disk-full.test.ts'],
    env: { ELO_TEST_STORE: 'd1' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
