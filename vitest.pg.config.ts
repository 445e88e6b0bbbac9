import { defineConfig } from 'vitest/config';

/**
 * The PostgreSQL tier, `npm run test:pg`: the store unit tests, the conformance suite and the
 * integration tests (security and NRE holdings among them), the same files as in the normal tier, run against
 * PostgreSQL (ELO_TEST_DATABASE_URL, set by test/harness/postgres-server.ts; each test store and
 * test hub gets a fresh database of its own). Without a server this tier fails: it never passes
 * by running on SQLite instead.
 */
export default defineConfig({
  test: {
    include: [
      'src/store/**/*.test.ts',
      'test/store-has-no-workflow.test.ts',
      'test/conformance/**/*.test.ts',
      // security.test.ts, nre-holdings.test.ts and every other real-hub integration test
      'test/integration/**/*.test.ts',
      // several hub nodes on one database: PostgreSQL only
      'test/postgres/**/*.pg-test.ts',
    ],
    globalSetup: ['test/harness/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time, as in the normal tier: every file works in databases of its own (test
    // stores, hubs, and the multi-node tests' own; key-locks kills only its own database's sessions).
    maxWorkers: 2,
    // Files share each worker's module cache instead of importing (and transforming) Elo's whole
    // source tree once per file: the suite ran in 157 s instead of 246 s. Tests hold no global
    // state between files (each starts its own hub, store and folders; process-wide settings such
    // as the umask are restored where a test changes them).
    isolate: false,
  },
});
