/**
 * `npm run test:pg`: starts a throwaway PostgreSQL cluster (test/harness/throwaway-postgres.ts),
 * runs the command after `--` (vitest with vitest.pg.config.ts) with ELO_TEST_DATABASE_URL
 * pointing at it, and stops and removes the cluster at the end, also when the tests fail or the
 * run is interrupted. Exits with the command's status.
 *
 * With CI=true a machine without PostgreSQL fails the run: the tier is never skipped in silence.
 */
import { spawn } from 'node:child_process';
import { findPostgresBin, POSTGRES_MISSING, startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.ts';

async function main(): Promise<number> {
  const sep = process.argv.indexOf('--');
  const command = sep >= 0 ? process.argv.slice(sep + 1) : [];
  if (command.length === 0) {
    process.stderr.write('uso: tsx test/harness/postgres-server.ts -- <comando> [argumentos]\n');
    return 2;
  }
  if (!findPostgresBin()) {
    if (process.env.CI === 'true') {
      process.stderr.write(`${POSTGRES_MISSING} Em CI este nível de testes não pode ser pulado.\n`);
      return 1;
    }
    process.stderr.write(`${POSTGRES_MISSING} Testes em PostgreSQL pulados.\n`);
    return 0;
  }
  let pg: ThrowawayPostgres;
  try {
    // a test cluster: durability is not the point, speed is
    pg = await startThrowawayPostgres({ durability: 'none' });
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  process.stderr.write(`PostgreSQL de teste em 127.0.0.1:${pg.port} (${pg.bin})\n`);
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, ELO_TEST_DATABASE_URL: pg.url } });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  const code = await new Promise<number>((resolve) => {
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
  pg.stop();
  return code;
}

process.exitCode = await main();
