import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The whole tree type-checks under the strict tsconfig (tsx runs code without checking it). */
describe('types', () => {
  it('type-checks the whole project with tsc --noEmit', () => {
    const root = resolve(import.meta.dirname, '..');
    let output = '';
    try {
      execFileSync(process.execPath, [resolve(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], {
        cwd: root,
        stdio: 'pipe',
      });
    } catch (e) {
      output = String((e as { stdout?: Buffer }).stdout ?? e);
    }
    expect(output).toBe('');
  });
});
