#!/usr/bin/env node
// The `elo` command. Elo is written in TypeScript and run through tsx, so that `npm ci` is the
// whole install (no build step to forget).
import { register } from 'tsx/esm/api';

// Everything Elo writes (the database and its -wal/-shm, blobs, keys, certificates) is private
// to the user it runs as: folders 0700, files 0600 (src/runtime/data-dir-access.ts).
process.umask(0o077);
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
