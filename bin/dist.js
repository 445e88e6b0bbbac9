// Which JavaScript `elo` runs. Elo is written in TypeScript; `npm ci` (the prepare script,
// bin/build.js) compiles src/ to dist/ and stamps dist/ with the hash of the sources it came
// from. bin/elo.js runs dist/ only while that stamp matches the sources present, so an edited
// source, a checkout of another commit or a failed build never runs stale code: it runs the
// sources through tsx instead, as a fresh clone without the compiler does (npm ci --omit=dev).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');
export const distDir = join(root, 'dist');
export const stampFile = 'sources.sha256';
/** What the compiler reads besides src/: its two configurations. */
const configs = ['tsconfig.json', 'tsconfig.build.json'];

/** SHA-256 over every non-test file under src/ (path and bytes, in path order) and the configurations. */
export function sourcesHash(base = root) {
  const src = join(base, 'src');
  const files = readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
    .map((e) => relative(base, join(e.parentPath ?? e.path, e.name)).split('\\').join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of [...files, ...configs]) hash.update(`${file}\0`).update(readFileSync(join(base, file))).update('\0');
  return hash.digest('hex');
}

/** dist/'s entry when dist/ was built from exactly the sources present, else null. */
export function builtEntry(base = root) {
  let stamp;
  try {
    stamp = readFileSync(join(base, 'dist', stampFile), 'utf8').trim();
  } catch {
    return null;
  }
  return stamp === sourcesHash(base) ? join(base, 'dist/cli/main.js') : null;
}
