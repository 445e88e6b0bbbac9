import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * issue "The first hour": `npm run demo -- --once` finishes its story in under 2 minutes on this
 * 2-core machine and exits 0, as a newcomer runs it: the real npm script, its default 300 MiB file,
 * a hub of its own on a fresh data folder.
 */
const root = resolve(import.meta.dirname, '../..');

describe('npm run demo -- --once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elo-demo-npm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tells the whole story with the default large file in under 2 minutes and exits 0', async () => {
    const started = performance.now();
    const child = spawn('npm', ['run', '--silent', 'demo', '--', '--once'], { cwd: root, env: { ...process.env, ELO_DATA_DIR: dir, ELO_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;
    expect(code, `${out}\n${err}`).toBe(0);
    expect(seconds).toBeLessThan(120);
    expect(out).toContain('300 MiB enviados e recebidos, hash conferido');
    const finals = [...out.matchAll(/^ {2}(\d)\. IDT \d+ {2}NRE \d{16} {2}(\d+) — /gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(finals).toEqual([[1, 6], [2, 6], [3, 6], [4, 9]]);
  });
});
