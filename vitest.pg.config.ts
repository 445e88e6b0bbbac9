import { defineConfig } from 'vitest/config';

/**
 * The PostgreSQL tier, `npm run test:pg`: the store unit tests, the conformance suite and the
 * security and NRE integration tests, the same files as in the normal tier, run against
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
      'test/integration/security.test.ts',
      'test/integration/nre-holdings.test.ts',
      // several hub nodes on one database: PostgreSQL only
      'test/postgres/**/*.pg-test.ts',
    ],
    globalSetup: ['test/harness/postgres-global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
