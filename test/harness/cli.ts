import { main } from '../../src/cli/main.ts';

/**
 * Runs an `elo` command in this process on a test hub's data (its `env`: folder and, on
 * PostgreSQL, database), as an operator on the hub's machine would: the exit code and what it
 * printed.
 */
export function inProcessCli(env: () => Record<string, string>, cwd: () => string) {
  return async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (x) => out.push(x), err: (x) => err.push(x), env: env(), cwd: cwd() });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
