import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const elo = resolve(import.meta.dirname, '../../bin/elo.js');

export interface SpawnedHub {
  url: string;
  /** The plain-HTTP listener for a trusted proxy (ELO_PROXY_LISTEN), or null. */
  proxyUrl: string | null;
  ms: number;
  child: ChildProcess;
  stop: () => Promise<void>;
  stderr: () => string;
  waitForStderr: (re: RegExp) => Promise<void>;
}

/**
 * Runs `elo start` as its own process on an ephemeral port and waits for its ready line, so a
 * measurement (memory, time) sees the hub alone.
 */
export async function spawnHub(
  dataDir: string,
  env: Record<string, string> = {},
  opts: {
    captureStderr?: boolean;
    /** A command the hub runs under (`['strace', '-o', file]`). */ wrap?: string[];
    /** Another `elo` (a copy of the repository's bin/elo.js), or a module that starts the hub. */ bin?: string;
  } = {},
): Promise<SpawnedHub> {
  const t0 = performance.now();
  const argv = [...(opts.wrap ?? []), process.execPath, opts.bin ?? elo, 'start'];
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, ELO_DATA_DIR: dataDir, ELO_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', opts.captureStderr ? 'pipe' : 'inherit'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`hub did not start: ${out}`)), 60_000);
    child.once('exit', (code) => rej(new Error(`hub exited (${code}): ${out}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /Elo pronto em \d+ ms: (\S+)/.exec(out);
      // the whole banner: the proxy listener's line comes after the ready line
      if (m && /Banco de dados:/.test(out)) {
        clearTimeout(timer);
        res(m[1]!);
      }
    });
  });
  return {
    url,
    proxyUrl: /Para o proxy: +(\S+)/.exec(out)?.[1] ?? null,
    ms: performance.now() - t0,
    child,
    stderr: () => err,
    /** Resolves when the hub's stderr (captureStderr) matches, or fails after 10 s. */
    waitForStderr: async (re) => {
      for (let i = 0; i < 200 && !re.test(err); i++) await new Promise((r) => setTimeout(r, 50));
      if (!re.test(err)) throw new Error(`stderr never matched ${re}: ${err}`);
    },
    stop: () =>
      new Promise((r) => {
        // already gone (exited, or killed by a signal: then exitCode stays null)
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}
