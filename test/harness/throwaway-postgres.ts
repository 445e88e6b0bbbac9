/**
 * A throwaway PostgreSQL cluster: initdb in a temporary folder (run as the `postgres` user when
 * started as root, which PostgreSQL refuses to run as), on a free loopback port, stopped and
 * removed by `stop()`. Used by `npm run test:pg` (test/harness/postgres-server.ts) and by the
 * several-nodes benchmark (bench/run.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest installed PostgreSQL's bin folder (Debian layout), or null when none is installed. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export const POSTGRES_MISSING = 'PostgreSQL não encontrado (/usr/lib/postgresql/*/bin/initdb): instale o pacote postgresql.';

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

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication on loopback) */
  url: string;
  bin: string;
  port: number;
  /** The cluster's data folder (its postmaster.pid names the server's process). */
  dataDir: string;
  /** The server settings it was started with, as passed to `pg_ctl -o`. */
  settings: string;
  /** Stops the server (immediate) and removes its folder; safe to call twice. */
  stop(): void;
}

/**
 * Starts the cluster. `durability: 'none'` (tests) turns fsync, synchronous commit and full page
 * writes off: speed is the point. `durability: 'crash-safe'` (benchmarks) keeps fsync, full page
 * writes and synchronous_commit on (PostgreSQL's defaults): a commit is on disk before it is
 * answered, the same promise as SQLite's WAL with synchronous=FULL that the embedded store uses
 * (src/store/sqlite/open.ts), so both stores are compared like with like.
 * Throws with a Portuguese message when PostgreSQL is missing or fails to start.
 */
export async function startThrowawayPostgres(o: { durability: 'none' | 'crash-safe'; maxConnections?: number }): Promise<ThrowawayPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
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
      rmSync(dir, { recursive: true, force: true });
      throw new Error('O usuário postgres não existe (o PostgreSQL se recusa a rodar como root): reinstale o pacote postgresql.');
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
  const durability =
    o.durability === 'none'
      ? '-c fsync=off -c synchronous_commit=off -c full_page_writes=off'
      : '-c fsync=on -c synchronous_commit=on -c full_page_writes=on';
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${durability} -c max_connections=${o.maxConnections ?? 300}`;
  try {
    execFileSync(...asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']), {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    started = true;
    execFileSync(...asOwner(join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', log, '-w', 'start']), { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    stop();
    throw new Error(`Falha ao iniciar o PostgreSQL de teste: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, bin, port, dataDir: data, settings, stop };
}
