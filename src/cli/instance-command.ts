import type { ParseArgsConfig } from 'node:util';
import { criarClienteElo, ErroDeConexao, ErroDeIntegridade, ErroDoHub, ErroNoPacote, type ClienteElo } from '../client/index.ts';
import { ConfigError } from '../runtime/config.ts';
import { failureText } from './failure-text.ts';
import { credentials, CREDENTIAL_OPTIONS, UsageError } from './instance-credentials.ts';
import { EXIT_FAILED, EXIT_USAGE, type CliCommand, type CliIo } from './io.ts';
import { parseCommand } from './parse-command.ts';

export { CREDENTIAL_HELP, UsageError } from './instance-credentials.ts';

export interface InstanceContext {
  values: Record<string, any>;
  positionals: string[];
  io: CliIo;
  elo: ClienteElo;
  /** The system's id when given by --sistema, else the certificate file's path. */
  quem: string;
}

/**
 * A command run by an instance (a system of the federation), not by the hub's operator: it talks
 * to a hub over HTTPS with the system's client certificate, through the SDK (credential:
 * instance-credentials.ts), and says every failure in Portuguese with the CLI's exit codes (2: the
 * command or its files, 1: the hub refused, did not answer, or bytes did not match).
 */
export function instanceCommand(
  help: string,
  options: ParseArgsConfig['options'],
  body: (ctx: InstanceContext) => Promise<number>,
  opts: { positionals?: boolean } = {},
): CliCommand {
  return async (args, io) => {
    const parsed = parseCommand(args, { ...CREDENTIAL_OPTIONS, ...options }, help, io, { json: true, positionals: opts.positionals ?? false });
    if ('exit' in parsed) return parsed.exit;
    let elo: ClienteElo | null = null;
    try {
      const c = credentials(parsed.values, io);
      try {
        new URL(c.hub);
      } catch {
        throw new UsageError(`Endereço do hub inválido: "${c.hub}". Use, por exemplo, https://hub.exemplo.gov.br:8443.`);
      }
      const attempts = parsed.values.tentativas === undefined ? 5 : Number(parsed.values.tentativas);
      if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) throw new UsageError(`--tentativas deve ser um número inteiro entre 1 e 20 (recebido: ${parsed.values.tentativas}).`);
      elo = criarClienteElo({ hub: c.hub, certificado: c.certificado, chave: c.chave, ac: c.ac, politica: { tentativas: attempts } });
      return await body({ values: parsed.values, positionals: parsed.positionals, io, elo, quem: c.quem });
    } catch (e) {
      if (e instanceof UsageError || e instanceof ConfigError) {
        io.err(e.message);
        return EXIT_USAGE;
      }
      if (e instanceof ErroDoHub) {
        io.err(`O hub recusou (${e.operacao}): ${e.mensagem}${e.codigoErro ? ` [código ${e.codigoErro}, HTTP ${e.status}]` : ` [HTTP ${e.status}]`}${e.requisicao ? `\nRequisição ${e.requisicao} (informe à administração do hub, se precisar).` : ''}`);
        return EXIT_FAILED;
      }
      if (e instanceof ErroDeConexao || e instanceof ErroDeIntegridade || e instanceof ErroNoPacote) {
        io.err(e.message);
        return EXIT_FAILED;
      }
      io.err(failureText(e));
      return EXIT_FAILED;
    } finally {
      await elo?.fechar();
    }
  };
}

/** A positive integer IDT from the command line, or a usage error naming it. */
export function idtArgument(value: string | undefined, what = 'IDT'): number {
  if (!value || !/^\d{1,15}$/.test(value) || Number(value) === 0) throw new UsageError(`Informe o ${what} do trâmite (um número), por exemplo: 1000000123.`);
  return Number(value);
}

