// `elo` run from the TypeScript sources through tsx whatever dist/ holds (what bin/elo.js does
// without a current build): the baseline of the start-up bench (bench/run.ts startup).
import { register } from 'tsx/esm/api';

process.umask(0o077);
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
