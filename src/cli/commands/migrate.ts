import { ConfigError, loadConfig } from '../../runtime/config.ts';
import { failureText } from '../failure-text.ts';
import { DataDirAccessError } from '../../runtime/data-dir-access.ts';
import { configuredDatabase, DatabaseAdminError, describeDatabase, migrateDatabase, parseDatabaseTarget } from '../../runtime/database-admin.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand } from '../io.ts';
import { parseCommand } from '../parse-command.ts';

const HELP = `Uso: elo migrate [--banco sqlite:CAMINHO | --banco postgres://…] [--json]

Aplica as migrações de esquema pendentes do banco do hub e diz quais versões aplicou e quais já
estavam lá. Sem --banco, usa o banco configurado: ELO_DATABASE_URL (ou databaseUrl na
configuração) ou o arquivo elo.sqlite da pasta de dados (ELO_DATA_DIR). O hub também migra ao
iniciar; este comando deixa o operador fazê-lo antes de atualizar os nós. Pode rodar com os nós
no ar: no PostgreSQL, uma trava consultiva serializa as migrações (cada uma é aplicada uma vez);
no SQLite, cada migração é uma transação exclusiva. Um arquivo SQLite que não existe não é criado.

Saída: 0 migrado (ou já em dia); 1 recusado ou banco de uma versão mais nova do Elo; 2 uso ou
configuração.`;

/** "1–7, 9": versions as ranges, for the operator. */
export function versionList(vs: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < vs.length; ) {
    let j = i;
    while (j + 1 < vs.length && vs[j + 1] === vs[j]! + 1) j++;
    parts.push(j > i ? `${vs[i]}–${vs[j]}` : String(vs[i]));
    i = j + 1;
  }
  return parts.join(', ') || 'nenhuma';
}

export const runMigrate: CliCommand = async (args, io) => {
  const parsed = parseCommand(args, { banco: { type: 'string' } }, HELP, io, { json: true });
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  try {
    const target = values.banco ? parseDatabaseTarget(values.banco, io.cwd) : configuredDatabase(loadConfig(io.env, io.cwd));
    if (!target) {
      io.err(`--banco deve ser sqlite:CAMINHO ou uma URL postgres://usuário:senha@servidor:porta/banco.\n\n${HELP}`);
      return EXIT_USAGE;
    }
    const r = await migrateDatabase(target);
    const banco = describeDatabase(target);
    if (values.json) io.out(JSON.stringify({ banco, aplicadas: r.applied, jaAplicadas: r.present, desconhecidas: r.unknown }, null, 2));
    else {
      io.out(`Banco: ${banco}`);
      io.out(`Migrações aplicadas agora: ${versionList(r.applied)}.`);
      io.out(`Migrações que já estavam aplicadas: ${versionList(r.present)}.`);
    }
    if (r.unknown.length) {
      io.err(`O banco tem migrações que este Elo não conhece (${versionList(r.unknown)}): foi migrado por um Elo mais novo. Use essa versão do Elo nos nós.`);
      return EXIT_FAILED;
    }
    return EXIT_OK;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DataDirAccessError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    io.err(e instanceof DatabaseAdminError ? e.message : failureText(e));
    return EXIT_FAILED;
  }
};
