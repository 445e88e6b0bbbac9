#!/usr/bin/env node
// Compiles src/ to dist/ (tsconfig.build.json) and stamps it with the hash of the sources it was
// compiled from; bin/elo.js runs dist/ only while that hash matches (bin/dist.js).
//
//   npm run build                 # fails when the compiler is missing or reports an error
//   node bin/build.js --if-able   # npm's prepare: without the compiler (npm ci --omit=dev) or on
//                                 # an error, leaves no dist/ and says so; elo then runs through tsx
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { distDir, root, sourcesHash, stampFile } from './dist.js';

const lenient = process.argv.includes('--if-able');

function fail(why) {
  process.stderr.write(`elo build: ${why}\n`);
  if (!lenient) process.exit(1);
  process.stderr.write('elo build: o elo vai rodar o TypeScript pelo tsx (mais lento para iniciar).\n');
  process.exit(0);
}

let tsc;
try {
  tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
} catch {
  fail('compilador TypeScript ausente (dependência de desenvolvimento); dist/ não foi gerado.');
}

// Built aside and moved in whole, so that an `elo` starting meanwhile sees the old build or none.
const hash = sourcesHash();
const next = join(root, `dist.${process.pid}.tmp`);
rmSync(next, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { cwd: root, stdio: 'inherit' });
} catch {
  rmSync(next, { recursive: true, force: true });
  rmSync(distDir, { recursive: true, force: true });
  fail('a compilação falhou; dist/ foi removido.');
}
if (sourcesHash() !== hash) {
  rmSync(next, { recursive: true, force: true });
  fail('os fontes mudaram durante a compilação; rode de novo.');
}
writeFileSync(join(next, stampFile), `${hash}\n`);
rmSync(distDir, { recursive: true, force: true });
renameSync(next, distDir);
if (!existsSync(join(distDir, 'cli/main.js'))) fail('dist/cli/main.js não foi gerado.');
