/**
 * `npm run test:pg`: starts a throwaway PostgreSQL cluster (initdb in a temporary folder, run as
 * the `postgres` user when started as root, which PostgreSQL refuses to run as), on a free
 * loopback port, runs the command after `--` (vitest with vitest.pg.config.ts) with
 * ELO_TEST_DATABASE_URL pointing at it, and stops and removes the cluster at the end, also when
 * the tests fail or the run is interrupted. Exits with the command's status.
 *
 * With CI=true a machine without PostgreSQL fails the run: the tier is never skipped in silence.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function main(): Promise<number> {
  const sep = process.argv.indexOf('--');
  const command = sep >= 0 ? process.argv.slice(sep + 1) : [];
  if (command.length === 0) {
    process.stderr.write('uso: tsx test/harness/postgres-server.ts -- <comando> [argumentos]\n');
    return 2;
  }
  const bin = findBin();
  if (!bin) {
    const msg = 'PostgreSQL não encontrado (/usr/lib/postgresql/*/bin/initdb): instale o pacote postgresql.';
    if (process.env.CI === 'true') {
      process.stderr.write(`${msg} Em CI este nível de testes não pode ser pulado.\n`);
      return 1;
    }
    process.stderr.write(`${msg} Testes em PostgreSQL pulados.\n`);
    return 0;
  }
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'elo-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  // the cluster's owner: postgres when run as root (initdb refuses root), else this user
  const asOwner = (cmd: string, args: string[]) => (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  if (root) {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      chownSync(dir, uid, gid);
    } catch {
      process.stderr.write('O usuário postgres não existe (o PostgreSQL se recusa a rodar como root): reinstale o pacote postgresql.\n');
      rmSync(dir, { recursive: true, force: true });
      return 1;
    }
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  let started = false;
  const stop = () => {
    if (started) {
      spawnSync(...asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    execFileSync(...asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']), {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    // a test cluster: durability is not the point, speed is
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`;
    started = true;
    execFileSync(...asOwner(join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', log, '-w', 'start']), { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    process.stderr.write(`Falha ao iniciar o PostgreSQL de teste: ${e instanceof Error ? e.message : String(e)}\n`);
    stop();
    return 1;
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.stderr.write(`PostgreSQL de teste em 127.0.0.1:${port} (${bin})\n`);
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, ELO_TEST_DATABASE_URL: url } });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  const code = await new Promise<number>((resolve) => {
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
    child.on('error', () => resolve(1));
  });
  stop();
  return code;
}

process.exitCode = await main();
