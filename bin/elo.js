#!/usr/bin/env node
// The `elo` command. It runs the JavaScript compiled from Elo's TypeScript when dist/ holds a
// build of exactly these sources (bin/dist.js), and the sources through tsx otherwise, so that
// `npm ci` is the whole install either way (no build step to forget). Compiled, the hub is ready
// in about half the time and idles in about 45 MB less (bench/run.ts startup).
import { pathToFileURL } from 'node:url';
import { builtEntry } from './dist.js';

// Everything Elo writes (the database and its -wal/-shm, blobs, keys, certificates) is private
// to the user it runs as: folders 0700, files 0600 (src/runtime/data-dir-access.ts).
process.umask(0o077);
const built = builtEntry();
let main;
if (built) ({ main } = await import(pathToFileURL(built).href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
