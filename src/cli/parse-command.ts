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
    io.err(`${argumentError(e)}\n\n${help}`);
    return { exit: EXIT_USAGE };
  }
  if (values.help) {
    io.out(help);
    return { exit: EXIT_OK };
  }
  return { values, positionals };
}

/** node:util parseArgs' refusal, in Portuguese (its messages are English), naming what was wrong. */
export function argumentError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch ((e as { code?: string }).code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Opção desconhecida: ${quoted}.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message)
        ? `A opção ${quoted.split(' ')[0]} precisa de um valor.`
        : `A opção ${quoted.split(' ')[0]} não recebe valor.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Argumento inesperado: ${quoted}. Este comando não recebe argumentos soltos.`;
    default:
      return `Argumentos inválidos: ${message}`;
  }
}
