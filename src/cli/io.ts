/** What a CLI command may touch, passed in so tests can run commands in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where progress bars of large transfers go: a terminal's stderr, never a pipe or a log. */
  progresso?: NodeJS.WritableStream;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export const processIo = (): CliIo => ({
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  env: process.env,
  cwd: process.cwd(),
  ...(process.stderr.isTTY ? { progresso: process.stderr } : {}),
});
