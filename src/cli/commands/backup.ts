import { resolve } from 'node:path';
import { failureText } from '../failure-text.ts';
import { BackupError, backupDataDir, restoreDataDir, type BackupManifest } from '../../runtime/backup.ts';
import { ConfigError, loadConfig } from '../../runtime/config.ts';
import { assertDataDirOwner, DataDirAccessError } from '../../runtime/data-dir-access.ts';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from '../io.ts';
import { parseCommand } from '../parse-command.ts';

const BACKUP_HELP = `Uso: elo backup DESTINO [--json]

Tira uma cópia de segurança consistente da pasta de dados (ELO_DATA_DIR) com o hub no ar:
primeiro uma cópia online do banco SQLite (API de backup do SQLite: um retrato consistente mesmo
com o hub gravando), depois todos os arquivos (componentes digitais e corpos de início) que esse
retrato referencia, cada um conferido pelo seu sha256, e por fim pki/, admin-token, sistemas/ e
os demais arquivos da pasta. Grava em DESTINO/elo-backup.json o manifesto (contagens, tamanhos,
versão do esquema, data). Pastas ficam 0700 e arquivos 0600.

  DESTINO  pasta nova (ou vazia) onde gravar a cópia; uma pasta com conteúdo é recusada.

Com PostgreSQL (ELO_DATABASE_URL) o comando recusa: o banco se copia com pg_dump e a pasta de
dados (blobs, pki) com uma cópia de arquivos feita depois do dump (veja o README).

Saída: 0 copiado; 1 recusado ou falhou; 2 uso ou configuração.`;

const RESTORE_HELP = `Uso: elo restore ORIGEM [--data-dir PASTA] [--json]

Restaura uma cópia feita por "elo backup" numa pasta de dados nova: confere o manifesto, o sha256
do banco e de cada arquivo e a integridade do SQLite ANTES de gravar qualquer coisa; copia tudo
para uma pasta ao lado, conferindo de novo, e só então a renomeia para PASTA. Depois, "elo start"
com ELO_DATA_DIR=PASTA serve os mesmos trâmites.

  ORIGEM      pasta da cópia de segurança (a que "elo backup" criou).
  --data-dir  pasta de dados a criar (padrão: ELO_DATA_DIR); tem de não existir ou estar vazia.

Saída: 0 restaurado; 1 recusado (nada gravado); 2 uso ou configuração.`;

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function summary(m: BackupManifest): string {
  return `${m.totais.tramites} trâmite(s), ${m.totais.blobs} arquivo(s) de conteúdo (${mib(m.totais.bytesDosBlobs)}), ${m.totais.arquivos} outro(s) arquivo(s) (pki, tokens, sistemas), esquema versão ${m.versaoDoEsquema}, retrato de ${m.criadoEm}`;
}

function fail(e: unknown, io: CliIo): number {
  if (e instanceof ConfigError || e instanceof DataDirAccessError) {
    io.err(e.message);
    return EXIT_USAGE;
  }
  io.err(e instanceof BackupError ? e.message : failureText(e));
  return EXIT_FAILED;
}

export const runBackup: CliCommand = async (args, io) => {
  const parsed = parseCommand(args, {}, BACKUP_HELP, io, { json: true, positionals: true });
  if ('exit' in parsed) return parsed.exit;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.err(`Informe uma (e só uma) pasta de destino.\n\n${BACKUP_HELP}`);
    return EXIT_USAGE;
  }
  try {
    const config = loadConfig(io.env, io.cwd);
    if (config.databaseUrl) {
      // The consistency promised here comes from reading the blob references out of the snapshot
      // that is kept; with PostgreSQL that snapshot is pg_dump's, which Elo does not read.
      io.err(
        'Este hub usa PostgreSQL (ELO_DATABASE_URL): copie o banco com pg_dump e, depois do dump, a pasta de dados ' +
          `${config.dataDir} (blobs/, pki/, admin-token) com uma cópia de arquivos. "elo backup" só copia hubs embutidos (SQLite).`,
      );
      return EXIT_USAGE;
    }
    assertDataDirOwner(config.dataDir);
    const dest = resolve(io.cwd, positionals[0]!);
    const m = await backupDataDir(config.dataDir, dest, {
      now: () => new Date(),
      onRetry: (r) => {
        if (!values.json) io.out(`A varredura de retenção removeu ${r.liberadosPelaVarredura.length} arquivo(s) após o retrato; novo retrato (tentativa ${r.tentativa}).`);
      },
    });
    if (values.json) io.out(JSON.stringify({ destino: dest, ...m }, null, 2));
    else io.out(`Cópia de segurança gravada em ${dest}: ${summary(m)}. Hashes conferidos.`);
    return EXIT_OK;
  } catch (e) {
    return fail(e, io);
  }
};

export const runRestore: CliCommand = async (args, io) => {
  const parsed = parseCommand(args, { 'data-dir': { type: 'string' } }, RESTORE_HELP, io, { json: true, positionals: true });
  if ('exit' in parsed) return parsed.exit;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    io.err(`Informe uma (e só uma) pasta de origem.\n\n${RESTORE_HELP}`);
    return EXIT_USAGE;
  }
  try {
    const target = values['data-dir'] ? resolve(io.cwd, values['data-dir'] as string) : loadConfig(io.env, io.cwd).dataDir;
    const src = resolve(io.cwd, positionals[0]!);
    const m = await restoreDataDir(src, target);
    if (values.json) io.out(JSON.stringify({ origem: src, pastaDeDados: target, ...m }, null, 2));
    else io.out(`Restaurado em ${target}: ${summary(m)}. Hashes e integridade conferidos. Inicie com ELO_DATA_DIR=${target} elo start.`);
    return EXIT_OK;
  } catch (e) {
    return fail(e, io);
  }
};
