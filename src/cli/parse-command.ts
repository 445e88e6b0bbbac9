import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './io.ts';

/**
 * Parses a command's options plus `--help`/`-h` (and `--json` when asked): the values, or the
 * exit code when the command is done already — help printed (0) or a wrong option named with
 * the help text (2), as every `elo` command answers.
 */
export function parseCommand(
  args: string[],
  options: ParseArgsConfig['options'],
  help: string,
  io: CliIo,
  opts: { json?: boolean; positionals?: boolean } = {},
): { values: Record<string, any>; positionals: string[] } | { exit: number } {
  let values: Record<string, any>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' }, ...(opts.json ? { json: { type: 'boolean' as const } } : {}) },
      strict: true,
      allowPositionals: opts.positionals ?? false,
    }));
  } catch (e) {
    io.err(`${e instanceof Error ? e.message : String(e)}\n\n${help}`);
    return { exit: EXIT_USAGE };
  }
  if (values.help) {
    io.out(help);
    return { exit: EXIT_OK };
  }
  return { values, positionals };
}
