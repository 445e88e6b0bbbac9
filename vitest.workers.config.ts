import { defineConfig } from 'vitest/config';

/**
 * The Workers tier, `npm run test:workers`: the store tests on D1 (ELO_TEST_STORE=d1, each test
 * store a fresh database in Miniflare's workerd); the whole conformance suite against the Worker
 * as `wrangler deploy --dry-run` bundles it (or, for the files that move the hub's clock, built
 * from the test entry that takes it), run by Miniflare on local D1, R2 and Durable Objects behind
 * a loopback edge with mTLS (ELO_TEST_RUNTIME=workers, test/harness/worker-hub.ts); and the
 * Worker-specific tests (the schema wrangler applies, units of work under concurrency, R2,
 * identity at the edge, long-polls across isolates, webhooks).
 * Nothing here needs a Cloudflare account or the network.
 */
export default defineConfig({
  test: {
    include: ['src/store/**/*.test.ts', 'test/workers/**/*.test.ts', 'test/conformance/**/*.test.ts'],
    exclude: [
      // SQLite's own file handling (WAL, the data folder, a full disk) has no D1 counterpart
      'src/store/sqlite/open.test.ts',
      'src/store/disk-full.test.ts',
    ],
    // D1 for the store tests, the Worker (Miniflare's workerd, the edge emulator) for the conformance suite
    env: { ELO_TEST_STORE: 'd1', ELO_TEST_RUNTIME: 'workers' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
