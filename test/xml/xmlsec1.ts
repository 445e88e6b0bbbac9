import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's xmlsec1 (installed by .ci/run) as the independent verifier and signer. Judged by its
 * exit code AND by what it prints: with some options it prints errors yet exits 0
 * (NOTES-ecosystem "XML signatures").
 */
export interface Xmlsec1Run {
  status: number | null;
  output: string;
}

export class Xmlsec1Dir {
  readonly path = mkdtempSync(join(tmpdir(), 'elo-xmlsec1-'));
  file(name: string, content: string): string {
    const p = join(this.path, name);
    writeFileSync(p, content);
    return p;
  }
  read(name: string): string {
    return readFileSync(join(this.path, name), 'utf8');
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export function xmlsec1(args: string[]): Xmlsec1Run {
  const r = spawnSync('xmlsec1', args, { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** True only when xmlsec1 exits 0, says OK, reports every reference ok and prints no error. */
export function xmlsec1Verified(r: Xmlsec1Run): boolean {
  return (
    r.status === 0 &&
    /^OK$/m.test(r.output) &&
    /SignedInfo References \(ok\/all\): 1\/1/.test(r.output) &&
    !/FAIL|error/i.test(r.output)
  );
}
