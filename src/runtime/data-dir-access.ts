import { maskDatabaseUrl } from '../store/database-url.ts';
import { systemErrorText } from '../domain/system-error-text.ts';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/index.ts';
import { openPostgresStore } from '../store/postgres/index.ts';
import { openSqliteStore } from '../store/sqlite/index.ts';
import type { EloConfig } from './config.ts';
import { dataPaths } from './data-dir.ts';
import { auditChainOptions } from './audit-chain.ts';

/**
 * The data folder holds every document Elo carries, sigilosos included (spec §3.1
 * `nivelDeSigilo`), the CA keys and the admin token: only the user the hub runs as may read it.
 * Folders are 0700 and files 0600; `elo` sets this umask at start so that everything it creates
 * (SQLite and its -wal/-shm, blobs, certificates) is born private.
 */
export const PRIVATE_UMASK = 0o077;
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The data folder belongs to another user: writing into it would lock that user out. */
export class DataDirAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirAccessError';
  }
}

function userName(uid: number): string | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[2] === String(uid));
    return line?.split(':')[0] ?? null;
  } catch {
    return null;
  }
}

const who = (uid: number): string => {
  const name = userName(uid);
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
};

/**
 * Refuses to work on a data folder (or its database, blobs or PKI) owned by another user. Root is
 * refused too: a database page, a WAL file or a blob created by root in the hub user's folder
 * cannot be opened by the hub afterwards, which then fails on the next write — far from the
 * command that caused it.
 */
export function assertDataDirOwner(dataDir: string, uid: number | undefined = process.getuid?.()): void {
  if (uid === undefined) return; // no POSIX owners on this platform
  const p = dataPaths(dataDir);
  for (const path of [p.root, p.database, `${p.database}-wal`, p.blobs, p.pki]) {
    let owner: number;
    try {
      owner = statSync(path).uid;
    } catch {
      continue; // not created yet: it will be created by this user
    }
    if (owner === uid) continue;
    const name = userName(owner);
    throw new DataDirAccessError(
      `A pasta de dados ${dataDir} pertence a outro usuário: ${path} é de ${who(owner)}, e este comando roda como ${who(uid)}. ` +
        `Arquivos criados agora ficariam inacessíveis ao hub. Rode o comando como o dono da pasta` +
        (name ? ` (por exemplo: sudo -u ${name} npx elo …)` : '') +
        ` ou aponte ELO_DATA_DIR para uma pasta deste usuário.`,
    );
  }
}

/**
 * Paths of the data folder that other users may read or enter, as warnings for the operator.
 * The folders and the files Elo names are checked, not each blob: a loosened blob is inside a
 * folder checked here, and a walk over millions of blobs would delay every start.
 */
export function loosenedPermissions(dataDir: string): string[] {
  const p = dataPaths(dataDir);
  const candidates = [
    p.root,
    p.database,
    `${p.database}-wal`,
    `${p.database}-shm`,
    p.blobs,
    join(p.blobs, 'sha256'),
    p.pki,
    p.adminToken,
    p.systems,
  ];
  if (existsSync(p.pki)) candidates.push(...readdirSync(p.pki).map((f) => join(p.pki, f)));
  const out: string[] = [];
  for (const path of candidates) {
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch {
      continue;
    }
    if ((mode & 0o077) !== 0) out.push(`${path} (${(mode & 0o777).toString(8).padStart(4, '0')})`);
  }
  return out;
}

export const loosenedWarning = (dataDir: string, paths: string[]): string =>
  `Aviso: ${paths.length} item(ns) da pasta de dados podem ser lidos por outros usuários desta máquina ` +
  `(documentos sigilosos, chaves e o token de administração ficam ali): ${paths.slice(0, 5).join(', ')}` +
  (paths.length > 5 ? ` e mais ${paths.length - 5}` : '') +
  `. Corrija com: chmod -R go-rwx ${dataDir}`;

/** Makes files Elo just created private, whatever the umask of the process that runs it. */
export function makePrivate(paths: string[]): void {
  for (const path of paths) {
    try {
      chmodSync(path, statSync(path).isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
    } catch {
      // a -wal/-shm file SQLite has not created yet: it will copy the database's mode
    }
  }
}

/**
 * Opens the data folder's SQLite store as its owner: refuses another user's folder, creates the
 * folder 0700 and, when the database is new, makes it and its -wal/-shm 0600 (SQLite gives the
 * journal files the database's mode). Every composition root and command opens it this way.
 */
export function openDataDirStore(dataDir: string, nodeId?: string): Store {
  assertDataDirOwner(dataDir);
  const p = dataPaths(dataDir);
  mkdirSync(p.root, { recursive: true, mode: PRIVATE_DIR_MODE });
  const fresh = !existsSync(p.database);
  const store = openSqliteStore(p.database, { audit: auditChainOptions({ nodeId }) });
  if (fresh) makePrivate([p.database, `${p.database}-wal`, `${p.database}-shm`]);
  return store;
}

/**
 * The configured store: PostgreSQL when `databaseUrl` is set (several hub nodes share it; blobs,
 * keys and certificates stay in the data folder), otherwise the data folder's SQLite file, opened
 * as `openDataDirStore` does. Composition roots and data-folder commands open the store this way.
 */
export async function openConfiguredStore(config: Pick<EloConfig, 'dataDir' | 'databaseUrl'> & Partial<Pick<EloConfig, 'databasePoolSize' | 'nodeId'>>): Promise<Store> {
  if (!config.databaseUrl) return openDataDirStore(config.dataDir, config.nodeId);
  assertDataDirOwner(config.dataDir);
  mkdirSync(dataPaths(config.dataDir).root, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    return await openPostgresStore(config.databaseUrl, { maxConnections: config.databasePoolSize, audit: auditChainOptions(config) });
  } catch (e) {
    // the URL's password never reaches a log or a terminal
    const where = maskDatabaseUrl(config.databaseUrl);
    throw new Error(
      `Não foi possível abrir o banco PostgreSQL de ELO_DATABASE_URL (${where}): ${systemErrorText(e)}. ` +
        'Confira a URL, se o servidor aceita conexões deste computador e se o usuário pode criar tabelas no banco.',
      { cause: e },
    );
  }
}
