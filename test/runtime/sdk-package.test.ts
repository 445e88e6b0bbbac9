import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The SDK as another project uses it: `import … from 'elo/cliente'` through package.json's
 * `exports`, the JavaScript and the declarations the build emits (tsconfig.build.json), checked by
 * Node and by the TypeScript compiler in a project of its own.
 */
const root = resolve(import.meta.dirname, '../..');
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');

describe('the SDK as a package (elo/cliente)', () => {
  let dir: string;
  const typecheck = (source: string) => {
    writeFileSync(join(dir, 'consumer.ts'), source);
    return spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'elo-sdk-pacote-'));
    const elo = join(dir, 'node_modules', 'elo');
    mkdirSync(elo, { recursive: true });
    // the build as npm's prepare makes it, into the installed package's dist/
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(elo, 'dist')], { cwd: root });
    copyFileSync(join(root, 'package.json'), join(elo, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(elo, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] }, files: ['consumer.ts'] }),
    );
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads from another project by its exported name and builds a package from objects', () => {
    writeFileSync(
      join(dir, 'consumer.mjs'),
      `import { criarClienteElo, pacoteDeObjetos, ErroDoHub } from 'elo/cliente';
const p = await pacoteDeObjetos({ cabecalho: {}, documento: { componentesDigitais: [{ nome: 'a.pdf' }] } }, { 'a.pdf': new TextEncoder().encode('abc') });
console.log(JSON.stringify({ fn: typeof criarClienteElo, erro: typeof ErroDoHub, hash: [...p.arquivos.keys()][0], mime: p.corpo.documento.componentesDigitais[0].mimeType }));`,
    );
    const out = JSON.parse(execFileSync(process.execPath, [join(dir, 'consumer.mjs')], { cwd: dir, encoding: 'utf8' }));
    expect(out).toEqual({ fn: 'function', erro: 'function', hash: 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=', mime: 'application/pdf' });
  });

  it('gives another project its types: right use compiles, wrong use is caught', () => {
    const right = typecheck(`import { criarClienteElo, ErroDoHub, type Progresso, type TramiteRecebido } from 'elo/cliente';
const elo = criarClienteElo({ hub: 'https://127.0.0.1:8443', certificado: 'c.pem', chave: 'k.pem', ac: 'ac.pem' });
export async function f(p: Progresso): Promise<TramiteRecebido> {
  try { return await elo.receber(p.IDT, { pasta: 'x' }); } catch (e) { if (e instanceof ErroDoHub) throw new Error(e.codigoErro ?? ''); throw e; }
}`);
    expect(right.stdout + right.stderr).toBe('');
    expect(right.status).toBe(0);
    const wrong = typecheck(`import { criarClienteElo } from 'elo/cliente';
const elo = criarClienteElo({ hub: 'https://127.0.0.1:8443', certificado: 'c.pem', chave: 'k.pem', ac: 'ac.pem' });
export const r = elo.recusar(1, '07', 'motivo que não existe');`);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toContain(`'"07"' is not assignable`);
  });
});
