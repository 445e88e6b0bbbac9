#!/usr/bin/env node
// The `elo` command. Elo is written in TypeScript and run through tsx, so that `npm ci` is the
// whole install (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
