import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Starts one of bench/'s baseline servers (bare-hono-server.ts, minimal-hub.ts) in a process of
 * its own, as the hub runs in its own: it prints the port it listens on, then serves until killed.
 */
export async function startChildServer(script: string, arg: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), arg], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`${script} saiu (${code}) antes de escutar`)));
  });
  return {
    url: `https://127.0.0.1:${port}`,
    child,
    stop: () => new Promise((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill()))),
  };
}
