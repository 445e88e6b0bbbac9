import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { workerBundle } from '../../src/runtime/workers/local/local-worker.ts';

/**
 * Cloudflare's limit on a Worker's size, compressed, on the paid plan (Workers Paid: 10 MB; the
 * free plan's 3 MB). https://developers.cloudflare.com/workers/platform/limits/#worker-size
 */
const PAID_PLAN_LIMIT = 10 * 1024 * 1024;

describe('the Worker bundle (wrangler deploy --dry-run)', () => {
  it('builds, and stays under the paid plan’s compressed size limit', () => {
    const { text } = workerBundle();
    const raw = Buffer.byteLength(text);
    const gzip = gzipSync(text, { level: 9 }).byteLength;
    console.log(`Worker: ${(raw / 1024).toFixed(0)} KiB, ${(gzip / 1024).toFixed(0)} KiB comprimido (limite do plano pago: ${PAID_PLAN_LIMIT / 1024} KiB)`);
    expect(gzip).toBeLessThan(PAID_PLAN_LIMIT);
  });

  it('carries no Node-only module of Elo: no SQLite driver, no filesystem blob store, no node:fs', () => {
    const { text } = workerBundle();
    for (const absent of ['better-sqlite3', 'fsBlobStore', 'openSqliteStore', 'from "node:fs"', 'from "fs"']) expect(text, absent).not.toContain(absent);
  });
});
