import { copySqliteToPostgres, DatabaseCopyError, maskDatabaseUrl, type CopyMode, type CopyReport } from '../../store/copy-sqlite-to-postgres.ts';
import { failureText } from '../failure-text.ts';
import { ConfigError, loadConfig } from '../../runtime/config.ts';
import { DataDirAccessError } from '../../runtime/data-dir-access.ts';
import { assertOwnDatabaseFile, configuredDatabase, parseDatabaseTarget } from '../../runtime/database-admin.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from '../io.ts';
import { parseCommand } from '../parse-command.ts';
import { versionList } from './migrate.ts';

const HELP = `Uso: elo db copy [--from sqlite:CAMINHO] --to postgres://usuário:senha@servidor:porta/banco
                  [--simular | --verificar] [--json]

Move um hub embutido (SQLite) para o PostgreSQL sem perder nada: copia todas as tabelas do banco
(registro, trâmites, histórico, componentes, recibos, auditoria, tokens, contadores, vínculos de
NRE, entregas…) numa única transação e, antes de confirmá-la, compara em cada tabela o número de
linhas e um hash do conteúdo (sha256 das linhas em ordem de chave primária) calculados do mesmo
jeito dos dois lados. Qualquer diferença desfaz a cópia e diz em que tabela.

  --from       banco SQLite de origem (padrão: elo.sqlite da pasta de dados, ELO_DATA_DIR);
               aberto só para leitura. Precisa estar migrado: rode antes
               "elo migrate --banco sqlite:CAMINHO".
  --to         banco PostgreSQL de destino (padrão: ELO_DATABASE_URL). Tem de ser um banco novo,
               sem dados: a cópia cria o esquema e recusa um banco que já tenha linhas.
  --simular    faz a cópia e a comparação e desfaz tudo no fim (só o esquema fica criado).
  --verificar  não copia: só compara contagens e hashes de um par já copiado.

Pare o hub antes de copiar: uma gravação na origem durante a cópia é detectada e a cópia, desfeita.
Os arquivos (componentes digitais e corpos, em <ELO_DATA_DIR>/blobs) NÃO são copiados: continuam
na pasta de dados, que os nós do PostgreSQL compartilham (ELO_DATA_DIR igual em todos).

Saída: 0 copiado (ou par igual); 1 recusado ou tabela divergente; 2 uso ou configuração.`;

const MODES: Record<string, CopyMode> = { simular: 'simulacao', verificar: 'verificacao' };

function table(r: CopyReport): string[] {
  const head = ['tabela', 'linhas origem', 'linhas destino', 'sha256 origem', 'sha256 destino', 'resultado'];
  const rows = r.tabelas.map((t) => [
    t.tabela,
    String(t.origem.linhas),
    String(t.destino.linhas),
    t.origem.sha256.slice(0, 16),
    t.destino.sha256.slice(0, 16),
    t.igual ? 'igual' : 'DIFERENTE',
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === 2 ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join('  ').trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function render(r: CopyReport, io: CliIo): void {
  if (r.modo !== 'verificacao') io.out(`Migrações aplicadas no destino: ${versionList(r.migracoesAplicadasNoDestino)}.`);
  io.out('');
  for (const l of table(r)) io.out(l);
  io.out('');
  const linhas = r.tabelas.reduce((n, t) => n + t.origem.linhas, 0);
  if (r.divergentes.length) {
    const what = r.modo === 'verificacao' ? 'O par copiado difere' : 'A cópia foi desfeita (nada gravado no destino)';
    io.err(`${what}: contagem ou hash diferente em ${r.divergentes.join(', ')}.`);
  } else if (r.modo === 'copia') {
    io.out(`Cópia concluída: ${r.tabelas.length} tabelas, ${linhas} linhas; contagens e hashes iguais nos dois bancos.`);
    io.out('Os arquivos da pasta de dados (blobs) não foram copiados: aponte ELO_DATA_DIR dos nós para a mesma pasta e ELO_DATABASE_URL para o destino.');
  } else if (r.modo === 'simulacao') {
    io.out(`Simulação concluída: ${r.tabelas.length} tabelas, ${linhas} linhas copiadas e conferidas, e a cópia desfeita. Nada foi gravado no destino.`);
  } else io.out(`Verificação concluída: ${r.tabelas.length} tabelas, ${linhas} linhas; contagens e hashes iguais nos dois bancos.`);
}

export const runDbCopy: CliCommand = async (args, io) => {
  const parsed = parseCommand(args, { from: { type: 'string' }, to: { type: 'string' }, simular: { type: 'boolean' }, verificar: { type: 'boolean' } }, HELP, io, { json: true });
  if ('exit' in parsed) return parsed.exit;
  const { values } = parsed;
  if (values.simular && values.verificar) {
    io.err(`Use --simular ou --verificar, não os dois.\n\n${HELP}`);
    return EXIT_USAGE;
  }
  let from = values.from as string | undefined;
  let to = values.to as string | undefined;
  try {
    if (!from || !to) {
      const config = loadConfig(io.env, io.cwd);
      const configured = configuredDatabase(config);
      from ??= configured.kind === 'sqlite' ? `sqlite:${configured.file}` : undefined;
      to ??= config.databaseUrl;
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(e.message);
    return EXIT_USAGE;
  }
  if (!from) {
    io.err(`Informe a origem com --from sqlite:CAMINHO (com ELO_DATABASE_URL definida, a pasta de dados não é a origem).\n\n${HELP}`);
    return EXIT_USAGE;
  }
  if (!to) {
    io.err(`Informe o destino com --to postgres://usuário:senha@servidor:porta/banco.\n\n${HELP}`);
    return EXIT_USAGE;
  }
  const source = parseDatabaseTarget(from, io.cwd);
  const target = parseDatabaseTarget(to, io.cwd);
  if (source?.kind !== 'sqlite') {
    io.err(`--from deve ser um banco SQLite (sqlite:CAMINHO).\n\n${HELP}`);
    return EXIT_USAGE;
  }
  if (target?.kind !== 'postgres') {
    io.err(`--to deve ser uma URL postgres://usuário:senha@servidor:porta/banco.\n\n${HELP}`);
    return EXIT_USAGE;
  }
  try {
    assertOwnDatabaseFile(source.file);
  } catch (e) {
    if (!(e instanceof DataDirAccessError)) throw e;
    io.err(e.message);
    return EXIT_USAGE;
  }
  const mode: CopyMode = values.simular ? MODES.simular! : values.verificar ? MODES.verificar! : 'copia';
  try {
    if (!values.json) io.out(`Origem:  sqlite:${source.file}\nDestino: ${maskDatabaseUrl(target.url)}`);
    const progress = values.json ? undefined : (p: { tabela: string; linhas: number }) => io.out(`  copiada ${p.tabela}: ${p.linhas} linha(s)`);
    const r = await copySqliteToPostgres({ sqliteFile: source.file, postgresUrl: target.url, mode, ...(progress ? { progress } : {}) });
    if (values.json) io.out(JSON.stringify(r, null, 2));
    else render(r, io);
    return r.divergentes.length ? EXIT_FAILED : EXIT_OK;
  } catch (e) {
    io.err(e instanceof DatabaseCopyError ? e.message : failureText(e));
    return EXIT_FAILED;
  }
};
