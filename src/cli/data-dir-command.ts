import { existsSync } from 'node:fs';
import { failureText } from './failure-text.ts';
import type { ParseArgsConfig } from 'node:util';
import { isEloError } from '../domain/errors.ts';
import { CaAdminError } from '../runtime/ca-admin.ts';
import { ConfigError, loadConfig, type EloConfig } from '../runtime/config.ts';
import { assertDataDirOwner, DataDirAccessError, openConfiguredStore } from '../runtime/data-dir-access.ts';
import { dataPaths } from '../runtime/data-dir.ts';
import type { Store } from '../store/index.ts';
import { EXIT_FAILED, EXIT_USAGE, type CliCommand, type CliIo } from './io.ts';
import { parseCommand } from './parse-command.ts';

export interface DataDirContext {
  values: Record<string, any>;
  /** Arguments that are not options (only for commands declared with `positionals`). */
  positionals: string[];
  io: CliIo;
  config: EloConfig;
  store: Store;
  now: Date;
}

/**
 * A command that works on the data folder: parses its options (plus --help and --json), opens
 * the store as the folder's owner (refusing another user's folder), runs `body` and renders every
 * failure in Portuguese with the CLI's exit codes (2: configuration or folder, 1: refused).
 * With `existing`, a missing database is an error instead of a new hub.
 */
export function dataDirCommand(
  help: string,
  options: ParseArgsConfig['options'],
  body: (ctx: DataDirContext) => Promise<number>,
  opts: { existing?: boolean; positionals?: boolean } = {},
): CliCommand {
  return async (args, io) => {
    const parsed = parseCommand(args, options, help, io, { json: true, positionals: opts.positionals ?? false });
    if ('exit' in parsed) return parsed.exit;
    const { values, positionals } = parsed;
    let store: Store | undefined;
    try {
      const config = loadConfig(io.env, io.cwd);
      assertDataDirOwner(config.dataDir);
      const database = dataPaths(config.dataDir).database;
      // with PostgreSQL (databaseUrl) the database lives on its server, not in the folder
      if (opts.existing && !config.databaseUrl && !existsSync(database)) {
        io.err(`Não há banco de dados em ${database}. Confira ELO_DATA_DIR (a pasta de dados do hub).`);
        return EXIT_FAILED;
      }
      store = await openConfiguredStore(config);
      return await body({ values, positionals, io, config, store, now: new Date() });
    } catch (e) {
      if (e instanceof ConfigError || e instanceof DataDirAccessError) {
        io.err(e.message);
        return EXIT_USAGE;
      }
      if (e instanceof CaAdminError) io.err(e.message);
      else io.err(isEloError(e) ? e.mensagem : failureText(e));
      return EXIT_FAILED;
    } finally {
      await store?.close();
    }
  };
}
