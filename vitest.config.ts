import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Load-shaped tests (floods, hostile bodies, memory ceilings) run alone in their own tier,
    // `npm run test:reliability`, so that other test files never share the cores with them.
    // The browser tier (Debian's Chromium) is `npm run test:browser`, vitest.browser.config.ts; the
    // Workers tier (D1 and the Worker in Miniflare's workerd) is `npm run test:workers`.
    exclude: ['test/reliability/**', 'test/browser/**', 'test/workers/**', '**/node_modules/**'],
    // Integration tests start real HTTPS servers and generate keys: give them room on a
    // shared 2-core machine, but keep a ceiling so a hang fails instead of stalling CI.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two workers on this 2-core machine (vitest's default is one fewer than the cores: one):
    // most of a file's time is spent waiting on hubs and CLIs it spawned, TLS and disk, so a
    // second file fills that time; the suite's wall time is then well under the sum of its files.
    maxWorkers: 2,
    // Files share each worker's module cache instead of importing (and transforming) Elo's whole
    // source tree once per file: the suite ran in 157 s instead of 246 s. Tests hold no global
    // state between files (each starts its own hub, store and folders; process-wide settings such
    // as the umask are restored where a test changes them).
    isolate: false,
  },
});
