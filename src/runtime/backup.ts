import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './data-dir-access.ts';
import { dataPaths } from './data-dir.ts';

/**
 * `elo backup` and `elo restore`: a consistent copy of an embedded (SQLite) hub taken while it
 * serves traffic, and its return into a fresh data folder.
 *
 * Consistency comes from reading the blob references out of the very snapshot that is kept: the
 * SQLite online backup first, then every blob that snapshot refers to. A blob written after the
 * snapshot is not needed by it. A blob the snapshot refers to may be deleted meanwhile by the
 * retention sweep of the running hub (it forgets the blob in the database, then deletes the
 * file; services/storage/retention.ts). The sweep's blob locks live in the hub's process and
 * cannot be taken from this one, so the copy checks instead: a missing blob that the live
 * database no longer refers to was released by the sweep after the snapshot, and the whole copy
 * is taken again from a new snapshot (bounded attempts; blobs already copied are kept, being
 * content-addressed). A missing blob the live database still refers to is a damaged data folder,
 * and the backup refuses naming it. A blob being deleted while it is read is still read whole
 * (an open file outlives its unlink on POSIX), and every copied file is hashed against its
 * content address anyway.
 */

export const MANIFEST = 'elo-backup.json';
const FORMAT = 'elo-backup/1';
const DATABASE = 'elo.sqlite';
/** Snapshots taken before giving up on a hub whose sweep keeps releasing what each one references. */
const MAX_ATTEMPTS = 3;

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupManifest {
  formato: typeof FORMAT;
  criadoEm: string;
  versaoDoEsquema: number;
  banco: { arquivo: string; tamanho: number; sha256: string };
  blobs: { chave: string; tamanho: number }[];
  arquivos: { caminho: string; tamanho: number; sha256: string }[];
  totais: { tramites: number; blobs: number; bytesDosBlobs: number; arquivos: number };
  tentativas: number;
}

const KEY = /^sha256\/([0-9a-f]{64})$/;
const blobPath = (root: string, key: string): string => {
  const m = KEY.exec(key);
  if (!m) throw new BackupError(`Chave de arquivo inválida no banco: ${key}.`);
  const hex = m[1]!;
  return join(root, 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
};

/** Whether a directory is absent or empty (the only targets backup and restore write into). */
async function isEmptyOrAbsent(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
}

/** Copies one file, private, hashing what was read: its sha256 (hex) and size. */
async function copyHashed(from: string, to: string): Promise<{ sha256: string; size: number }> {
  await mkdir(dirname(to), { recursive: true, mode: PRIVATE_DIR_MODE });
  const out = await open(to, 'w', PRIVATE_FILE_MODE);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of createReadStream(from)) {
      const b = chunk as Buffer;
      hash.update(b);
      size += b.byteLength;
      await out.write(b);
    }
    await out.sync();
  } catch (e) {
    await out.close();
    await rm(to, { force: true });
    throw e;
  }
  await out.close();
  await chmod(to, PRIVATE_FILE_MODE); // whatever the umask
  return { sha256: hash.digest('hex'), size };
}

async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Every blob key a database refers to and needs on disk (component bytes and start bodies not purged). */
function referencedKeys(db: Database.Database): string[] {
  const keys = new Set<string>();
  for (const r of db.prepare('SELECT blob_key AS k FROM component_blobs').all() as { k: string }[]) keys.add(r.k);
  // a purged body's file may be gone already (retention): the trâmite keeps only its key
  for (const r of db.prepare('SELECT DISTINCT metadata_blob_key AS k FROM tramites WHERE metadata_purged_at IS NULL').all() as { k: string }[]) keys.add(r.k);
  // hub seals (issue 11): the signed package of each trâmite, kept for its dossiê
  for (const r of db.prepare('SELECT blob_key AS k FROM tramite_seals').all() as { k: string }[]) keys.add(r.k);
  return [...keys].sort();
}

/** The data folder's files besides the database and the blobs (pki/, admin-token, sistemas/ …). */
async function otherFiles(root: string): Promise<string[]> {
  const skip = new Set([DATABASE, `${DATABASE}-wal`, `${DATABASE}-shm`, `${DATABASE}-journal`, 'blobs', MANIFEST]);
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      if (dir === root && skip.has(name)) continue;
      const st = await lstat(path);
      if (st.isDirectory()) await walk(path);
      else if (st.isFile()) found.push(relative(root, path));
      // sockets, symlinks and the like are not part of a hub's state
    }
  };
  await walk(root);
  return found;
}

async function snapshot(liveFile: string, dest: string): Promise<void> {
  const live = new Database(liveFile, { readonly: true, fileMustExist: true });
  try {
    // After the first step, everything in one step: one read transaction, so writes of the hub
    // (another connection) cannot make the copy restart over and over (SQLite backup API).
    await live.backup(dest, { progress: (p) => Math.max(1, p.remainingPages) });
  } finally {
    live.close();
  }
  const copy = new Database(dest);
  try {
    // A self-contained file: opening it read-only later (restore's checks) creates no -wal/-shm.
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  await chmod(dest, PRIVATE_FILE_MODE);
}

export interface BackupOptions {
  now: () => Date;
  /** Told when the sweep released blobs of a snapshot and a new one is taken. */
  onRetry?: (event: { tentativa: number; liberadosPelaVarredura: string[] }) => void;
  /** Runs between the snapshot and the blob copy (tests put a retention sweep there). */
  afterSnapshot?: (attempt: number) => Promise<void>;
}

/**
 * Takes a backup of the data folder `dataDir` into `dest` (absent or empty). Returns the manifest
 * written to `dest/elo-backup.json`.
 */
export async function backupDataDir(dataDir: string, dest: string, opts: BackupOptions): Promise<BackupManifest> {
  const { now, onRetry, afterSnapshot } = opts;
  const paths = dataPaths(dataDir);
  const inside = relative(resolve(dataDir), resolve(dest));
  // a copy inside the folder it copies would copy itself, and travel with the disk it protects against
  if (!inside.startsWith('..') && !isAbsolute(inside))
    throw new BackupError(`O destino ${dest} fica dentro da pasta de dados ${dataDir}. Grave a cópia de segurança fora dela (de preferência em outro disco).`);
  if (!(await isEmptyOrAbsent(dest))) throw new BackupError(`O destino ${dest} já existe e não está vazio. Informe uma pasta nova (ou vazia) para a cópia de segurança.`);
  try {
    await stat(paths.database);
  } catch {
    throw new BackupError(`Não há banco de dados em ${paths.database}. Confira ELO_DATA_DIR (a pasta de dados do hub).`);
  }
  await mkdir(dest, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dest, PRIVATE_DIR_MODE);
  const destDb = join(dest, DATABASE);
  const destBlobs = join(dest, 'blobs');
  const copied = new Map<string, number>(); // key → size, across attempts
  for (let attempt = 1; ; attempt++) {
    await rm(destDb, { force: true });
    await snapshot(paths.database, destDb);
    const db = new Database(destDb, { readonly: true });
    let keys: string[];
    let versao: number;
    let tramites: number;
    try {
      const check = db.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`A cópia do banco não passou na verificação de integridade do SQLite (${String(check)}). O banco do hub pode estar danificado.`);
      keys = referencedKeys(db);
      versao = Number(db.pragma('user_version', { simple: true }));
      tramites = (db.prepare('SELECT count(*) AS n FROM tramites').get() as { n: number }).n;
    } finally {
      db.close();
    }
    await afterSnapshot?.(attempt);
    const missing: string[] = [];
    for (const key of keys) {
      if (copied.has(key)) continue;
      const to = blobPath(destBlobs, key);
      let got: { sha256: string; size: number };
      try {
        got = await copyHashed(blobPath(paths.blobs, key), to);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          missing.push(key);
          continue;
        }
        throw e;
      }
      if (`sha256/${got.sha256}` !== key) {
        await rm(to, { force: true });
        throw new BackupError(`O arquivo ${key} da pasta de dados está corrompido: o conteúdo tem sha256 ${got.sha256}. A cópia de segurança foi interrompida; restaure esse arquivo antes de repetir.`);
      }
      copied.set(key, got.size);
    }
    if (missing.length) {
      // Released by the sweep after the snapshot (the live database forgot it), or lost?
      const live = new Database(paths.database, { readonly: true, fileMustExist: true });
      let stillReferenced: string[];
      try {
        const now = new Set(referencedKeys(live));
        stillReferenced = missing.filter((k) => now.has(k));
      } finally {
        live.close();
      }
      if (stillReferenced.length)
        throw new BackupError(
          `Faltam na pasta de dados ${stillReferenced.length} arquivo(s) que o banco do hub ainda referencia: ${stillReferenced.slice(0, 5).join(', ')}${stillReferenced.length > 5 ? ' …' : ''}. A pasta de dados está danificada; a cópia de segurança não foi concluída.`,
        );
      if (attempt >= MAX_ATTEMPTS)
        throw new BackupError(`A varredura de retenção do hub removeu arquivos durante ${MAX_ATTEMPTS} tentativas seguidas de cópia. Repita o comando daqui a pouco.`);
      onRetry?.({ tentativa: attempt + 1, liberadosPelaVarredura: missing });
      continue;
    }
    // Blobs copied in an earlier attempt that this snapshot no longer needs: not part of the backup.
    const wanted = new Set(keys);
    for (const key of [...copied.keys()])
      if (!wanted.has(key)) {
        await rm(blobPath(destBlobs, key), { force: true });
        copied.delete(key);
      }
    const arquivos: BackupManifest['arquivos'] = [];
    for (const rel of await otherFiles(paths.root)) {
      const got = await copyHashed(join(paths.root, rel), join(dest, rel));
      arquivos.push({ caminho: rel.split(sep).join('/'), tamanho: got.size, sha256: got.sha256 });
    }
    const banco = await hashFile(destDb);
    const blobs = keys.map((chave) => ({ chave, tamanho: copied.get(chave)! }));
    const manifest: BackupManifest = {
      formato: FORMAT,
      criadoEm: now().toISOString(),
      versaoDoEsquema: versao,
      banco: { arquivo: DATABASE, tamanho: banco.size, sha256: banco.sha256 },
      blobs,
      arquivos,
      totais: { tramites, blobs: blobs.length, bytesDosBlobs: blobs.reduce((n, b) => n + b.tamanho, 0), arquivos: arquivos.length },
      tentativas: attempt,
    };
    const file = await open(join(dest, MANIFEST), 'w', PRIVATE_FILE_MODE);
    try {
      await file.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    return manifest;
  }
}

/** Reads and checks a backup's manifest and every file it names; nothing is written. */
export async function verifyBackup(src: string): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(src, MANIFEST), 'utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`${src} não é uma cópia de segurança do Elo: falta ${MANIFEST} ou ele não é um JSON legível.`);
  }
  if (manifest?.formato !== FORMAT || !manifest.banco || !Array.isArray(manifest.blobs) || !Array.isArray(manifest.arquivos))
    throw new BackupError(`${join(src, MANIFEST)} não está no formato ${FORMAT}.`);
  const safe = (rel: string): string => {
    const path = join(src, rel);
    // a manifest naming ../ would make restore write outside the target
    if (rel.startsWith('/') || relative(src, path).startsWith('..') || [MANIFEST, DATABASE].includes(rel) || rel.startsWith('blobs/')) throw new BackupError(`O manifesto nomeia um caminho inválido: ${rel}.`);
    return path;
  };
  const bad = (what: string, why: string) => new BackupError(`A cópia de segurança em ${src} está danificada: ${what} ${why}. Nada foi restaurado.`);
  const db = await hashFile(join(src, DATABASE)).catch(() => null);
  if (!db) throw bad(DATABASE, 'não existe');
  if (db.sha256 !== manifest.banco.sha256 || db.size !== manifest.banco.tamanho) throw bad(DATABASE, 'tem sha256 diferente do manifesto');
  for (const b of manifest.blobs) {
    const got = await hashFile(blobPath(join(src, 'blobs'), b.chave)).catch(() => null);
    if (!got) throw bad(`o arquivo ${b.chave}`, 'não existe');
    if (`sha256/${got.sha256}` !== b.chave || got.size !== b.tamanho) throw bad(`o arquivo ${b.chave}`, `tem conteúdo diferente do seu endereço (sha256 ${got.sha256})`);
  }
  for (const f of manifest.arquivos) {
    const got = await hashFile(safe(f.caminho)).catch(() => null);
    if (!got) throw bad(f.caminho, 'não existe');
    if (got.sha256 !== f.sha256 || got.size !== f.tamanho) throw bad(f.caminho, 'tem sha256 diferente do manifesto');
  }
  const conn = new Database(join(src, DATABASE), { readonly: true, fileMustExist: true });
  try {
    const check = conn.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw bad(DATABASE, `não passou na verificação de integridade do SQLite (${String(check)})`);
    const keys = referencedKeys(conn);
    const listed = new Set(manifest.blobs.map((b) => b.chave));
    const absent = keys.filter((k) => !listed.has(k));
    if (absent.length) throw bad(`o manifesto`, `não lista ${absent.length} arquivo(s) que o banco referencia (${absent.slice(0, 3).join(', ')})`);
  } finally {
    conn.close();
  }
  return manifest;
}

/**
 * Restores the backup `src` into `target` (absent or empty): verifies everything first, copies
 * into a sibling folder while hashing again, and renames it into place, so a failure leaves no
 * half-restored data folder.
 */
export async function restoreDataDir(src: string, target: string): Promise<BackupManifest> {
  if (!(await isEmptyOrAbsent(target))) throw new BackupError(`A pasta de dados ${target} já existe e não está vazia. A restauração só grava numa pasta nova (ou vazia), para não misturar dois hubs.`);
  const manifest = await verifyBackup(src);
  const staging = `${target.replace(/\/+$/, '')}.restaurando-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true, mode: PRIVATE_DIR_MODE });
  try {
    const files: { from: string; to: string; sha256: string }[] = [
      { from: join(src, DATABASE), to: join(staging, DATABASE), sha256: manifest.banco.sha256 },
      ...manifest.blobs.map((b) => ({ from: blobPath(join(src, 'blobs'), b.chave), to: blobPath(join(staging, 'blobs'), b.chave), sha256: KEY.exec(b.chave)![1]! })),
      ...manifest.arquivos.map((f) => ({ from: join(src, f.caminho), to: join(staging, f.caminho), sha256: f.sha256 })),
    ];
    for (const f of files) {
      const got = await copyHashed(f.from, f.to);
      // changed between the check and the copy: stop before anything is in place
      if (got.sha256 !== f.sha256) throw new BackupError(`O arquivo ${f.from} mudou durante a restauração. Nada foi restaurado.`);
    }
    await chmod(staging, PRIVATE_DIR_MODE);
    await rmdir(target).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await mkdir(dirname(target), { recursive: true });
    await rename(staging, target);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  return manifest;
}
