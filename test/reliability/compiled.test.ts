import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnHub } from '../harness/spawn-hub.ts';
import { storedFixture } from '../harness/package-xml.ts';

/**
 * `elo` runs the JavaScript that bin/build.js compiles into dist/ only while dist/ was built from
 * exactly the sources present (bin/dist.js), and the sources through tsx otherwise: a faster
 * start never costs running stale code. Checked on a copy of the repository of the test's own,
 * so the working tree's dist/ is never touched.
 */
const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const MARK = 'elo-test: dist/ em uso';
let copy = '';
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

async function elo(args: string[]) {
  try {
    const r = await run(process.execPath, [join(copy, 'bin/elo.js'), ...args], { cwd: copy });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const build = () => run(process.execPath, [join(copy, 'bin/build.js')], { cwd: copy });
/** Makes the compiled entry announce itself, without touching a source (the stamp still holds). */
const markDist = () => appendFileSync(join(copy, 'dist/cli/main.js'), `\nprocess.stderr.write(${JSON.stringify(`${MARK}\n`)});\n`);

beforeAll(async () => {
  copy = tempDir('elo-compiled-');
  for (const part of ['src', 'bin', 'federation', 'package.json', 'tsconfig.json', 'tsconfig.build.json'])
    cpSync(join(root, part), join(copy, part), { recursive: true });
  rmSync(join(copy, 'dist'), { recursive: true, force: true });
  symlinkSync(realpathSync(join(root, 'node_modules')), join(copy, 'node_modules'), 'dir');
  await build();
}, 120_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('elo and dist/', () => {
  it('starts the hub from dist/, which answers over mTLS and analyses start bodies and prepares seals in its compiled worker threads', async () => {
    markDist();
    const data = tempDir('elo-compiled-data-');
    const hub = await spawnHub(data, {}, { captureStderr: true, bin: join(copy, 'bin/elo.js') });
    try {
      expect(hub.stderr()).toContain(MARK);
      const agent = new Agent({ connect: { ca: readFileSync(join(data, 'pki/federacao-ac.pem'), 'utf8') } });
      const health = await fetch(`${hub.url}/interoperabilidade/rest/v3//healthcheck`, { dispatcher: agent });
      expect(health.status).toBe(200);
      await agent.close();
    } finally {
      await hub.stop();
    }
    // the thread's module is resolved next to the compiled analyser (no tsx in a thread of dist/)
    const probe = join(copy, 'probe.mjs');
    writeFileSync(
      probe,
      [
        "import { startBodyWorker } from './dist/runtime/start-body-analyser.js';",
        "import { loadCodeLists } from './dist/runtime/federation-files.js';",
        'const w = startBodyWorker();',
        "const r = await w.analyse(new TextEncoder().encode('{\"cabecalho\":'), 'processo', { version: 1, data: loadCodeLists() });",
        'await w.close();',
        'process.stdout.write(JSON.stringify(r.analysis));',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, [probe], { cwd: copy });
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, code: 'malformed_json' });

    // and the seal thread's, next to the compiled preparer: a package XML prepared for signing
    const fixture = storedFixture('sei-processo-dois-documentos.json');
    const sealProbe = join(copy, 'seal-probe.mjs');
    writeFileSync(
      sealProbe,
      [
        "import { sealWorker } from './dist/runtime/seal-preparer.js';",
        `const work = ${JSON.stringify({ body: [...fixture.body], tramite: fixture.tramite, components: fixture.components })};`,
        'const w = sealWorker();',
        "const p = await w.prepare({ ...work, body: new Uint8Array(work.body) }, 'rsa-sha256');",
        'await w.close();',
        'process.stdout.write(JSON.stringify({ head: new TextDecoder().decode(p.head).slice(0, 200), signedInfo: p.signedInfo }));',
      ].join('\n'),
    );
    const sealed = JSON.parse((await run(process.execPath, [sealProbe], { cwd: copy })).stdout) as { head: string; signedInfo: string };
    expect(sealed.head).toContain('<pacote xmlns="urn:elo:pacote:1">');
    expect(sealed.signedInfo).toContain('<DigestValue>');
  });

  it('runs the sources through tsx once a source changes or the stamp does not match, and dist/ again after a new build', async () => {
    markDist();
    expect((await elo(['--help'])).stderr).toContain(MARK);

    const source = join(copy, 'src/cli/main.ts');
    const original = readFileSync(source, 'utf8');
    writeFileSync(source, original.replace('Uso: elo', 'Uso (editado): elo'));
    const edited = await elo(['--help']);
    expect(edited.stderr).not.toContain(MARK);
    expect(edited.stdout).toContain('Uso (editado): elo');

    await build();
    markDist();
    const rebuilt = await elo(['--help']);
    expect(rebuilt.stderr).toContain(MARK);
    expect(rebuilt.stdout).toContain('Uso (editado): elo');

    const stamp = join(copy, 'dist/sources.sha256');
    const hash = readFileSync(stamp, 'utf8');
    writeFileSync(stamp, `${'0'.repeat(64)}\n`);
    const otherStamp = await elo(['--help']);
    expect(otherStamp.code).toBe(0);
    expect(otherStamp.stderr).not.toContain(MARK);
    rmSync(stamp);
    expect((await elo(['--help'])).stderr).not.toContain(MARK);
    writeFileSync(stamp, hash);
    expect((await elo(['--help'])).stderr).toContain(MARK);

    writeFileSync(source, original);
    expect((await elo(['--help'])).stderr).not.toContain(MARK);
  });
});
