import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { EloError } from '../../domain/errors.ts';
import type { BlobStore } from '../index.ts';
import { stagingWriter } from './staging-writer.ts';
import { streamInTurn } from './stream-in-turn.ts';

/** Read buffer for assembling parts (createReadStream's default is 64 KiB: sixteen times the reads). */
const PART_READ_BYTES = 1024 * 1024;

/**
 * A write the filesystem refused for lack of space (ENOSPC; EDQUOT: a quota) as the catalogue's
 * 507, so the client reads what happened instead of a 500: the free-space floor (services/storage)
 * refuses before writing, but the disk can still fill under it (another process, a floor of 0).
 */
function spaceRefusal(e: unknown): unknown {
  const code = (e as { code?: string }).code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return e;
  return new EloError(
    'insufficient_storage',
    'O disco do hub ficou sem espaço durante a gravação; nada deste envio foi guardado. Envios de componentes digitais e novos trâmites falham até que a administração do hub libere espaço; consultas e downloads continuam. Tente de novo mais tarde.',
    { motivo: code },
  );
}

/**
 * Content-addressed blobs on the filesystem: `sha256/ab/cd/<hex>`. Bytes are written to a
 * temporary file while hashed, and renamed into place only when complete and verified, so a
 * cut or wrong upload never leaves anything visible (spec §2.10; ARCHITECTURE "Streams").
 * Folders are created 0700 and files 0600 whatever the process umask: blobs are the documents
 * themselves, sigilosos included.
 *
 * Durable before acknowledged: the database commit that refers to a blob (and the answer after it)
 * comes only once the blob's bytes and its name are on disk. The temporary file is fsynced before
 * its rename, and the directory that receives the name is fsynced after it (a rename lives in the
 * directory, not in the file: without that sync a power loss may undo it), as is the parent of
 * every directory created on the way. `commit` and `keepPart` return only then.
 */
export function fsBlobStore(root: string): BlobStore {
  const tmpDir = join(root, 'tmp');
  /** Staging files this process is writing now (their mtime follows the real clock, not the hub's). */
  const writing = new Set<string>();
  const pathOf = (key: string): string => {
    const m = /^sha256\/([0-9a-f]{64})$/.exec(key);
    if (!m) throw new TypeError(`invalid blob key: ${key}`);
    const hex = m[1]!;
    return join(root, 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
  };

  async function streamToTemp(
    body: ReadableStream<Uint8Array>,
    maxSize: number,
  ): Promise<{ tmp: string; size: number; hex: string; base64: string; tooLarge: boolean }> {
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const name = randomUUID();
    const tmp = join(tmpDir, name);
    writing.add(name);
    try {
      return await writeTemp(tmp, body, maxSize);
    } finally {
      writing.delete(name);
    }
  }

  async function writeTemp(
    tmp: string,
    body: ReadableStream<Uint8Array>,
    maxSize: number,
  ): Promise<{ tmp: string; size: number; hex: string; base64: string; tooLarge: boolean }> {
    const fh = await open(tmp, 'w', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    let tooLarge = false;
    const reader = body.getReader();
    const writer = stagingWriter(fh);
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxSize) {
          tooLarge = true;
          await reader.cancel();
          break;
        }
        hash.update(value);
        await writer.push(value);
      }
      await writer.finish(); // the bytes (and size) on disk before the rename that names them
    } catch (e) {
      await reader.cancel(e).catch(() => undefined);
      await writer.abandon(); // never close a descriptor a write or sync still uses
      await fh.close();
      await rm(tmp, { force: true });
      throw spaceRefusal(e);
    }
    await fh.close();
    const digest = hash.digest();
    return { tmp, size, hex: digest.toString('hex'), base64: digest.toString('base64'), tooLarge };
  }

  async function keep(tmp: string, hex: string): Promise<string> {
    const key = `sha256/${hex}`;
    const final = pathOf(key);
    const present = await stat(final).then(
      () => true,
      () => false,
    );
    if (present) {
      await rm(tmp, { force: true }); // identical bytes already stored once
      // its name may still be in flight (renamed by another node that has not synced yet)
      await syncDir(dirname(final));
    } else {
      await renameDurably(tmp, final);
    }
    return key;
  }

  /**
   * Renames a synced temporary file to `to` and makes the new name durable: the directories
   * created for it are fsynced in their parents, and the destination directory after the rename.
   */
  async function renameDurably(from: string, to: string): Promise<void> {
    const dir = dirname(to);
    const first = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (first !== undefined) {
      // every new directory, from the outermost: its entry lives in its parent
      const created: string[] = [];
      for (let d = dir; ; d = dirname(d)) {
        created.unshift(d);
        if (d === first || dirname(d) === d) break;
      }
      for (const d of created) await syncDir(dirname(d));
    }
    await rename(from, to);
    await syncDir(dir);
  }

  /** A staged file that could not be named (a directory not created, a full disk): it goes, and the failure is thrown. */
  async function dropStaged(tmp: string, e: unknown): Promise<never> {
    await rm(tmp, { force: true });
    throw spaceRefusal(e);
  }

  const partsDir = (upload: string): string => {
    if (!/^[A-Za-z0-9_-]{1,200}(\/[A-Za-z0-9_-]{1,200})?$/.test(upload)) throw new TypeError(`invalid upload id: ${upload}`);
    return join(root, 'parts', upload);
  };
  const staged = new Map<string, { tmp: string; hex: string }>();

  return {
    async stage(body, maxSize) {
      const t = await streamToTemp(body, maxSize);
      const id = t.tmp.slice(tmpDir.length + 1);
      staged.set(id, { tmp: t.tmp, hex: t.hex });
      return { id, sha256: t.base64, size: t.size, tooLarge: t.tooLarge, key: `sha256/${t.hex}` };
    },
    async commit(s) {
      const held = staged.get(s.id);
      if (!held) throw new TypeError(`blob ${s.id} is not staged`);
      staged.delete(s.id);
      try {
        return await keep(held.tmp, held.hex);
      } catch (e) {
        return dropStaged(held.tmp, e);
      }
    },
    async discard(s) {
      const held = staged.get(s.id);
      staged.delete(s.id);
      if (held) await rm(held.tmp, { force: true });
    },
    async read(key, range) {
      const path = pathOf(key);
      if (range && range.fim <= range.ini) return new ReadableStream({ start: (c) => c.close() });
      const node = createReadStream(path, range ? { start: range.ini, end: range.fim - 1 } : {});
      return Readable.toWeb(node) as unknown as ReadableStream<Uint8Array>;
    },
    async keepPart(upload, range, s) {
      const held = staged.get(s.id);
      if (!held) throw new TypeError(`blob ${s.id} is not staged`);
      staged.delete(s.id);
      // rename is atomic: a re-sent part replaces the old one whole (spec §2.11); the part is
      // acknowledged only once its bytes and name are on disk
      try {
        await renameDurably(held.tmp, join(partsDir(upload), `${range.ini}-${range.fim}`));
      } catch (e) {
        await dropStaged(held.tmp, e);
      }
    },
    async listParts(upload) {
      let names: string[] = [];
      try {
        names = await readdir(partsDir(upload));
      } catch {
        return [];
      }
      return names
        .map((n) => /^(\d+)-(\d+)$/.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ ini: Number(m[1]), fim: Number(m[2]) }))
        .sort((a, b) => a.ini - b.ini);
    },
    async assembleParts(upload, parts, maxSize) {
      const dir = partsDir(upload);
      let i = 0;
      // staging stops early on a full disk or an oversize part: the open part is closed with it
      const body = streamInTurn(async () => {
        const part = parts[i++];
        return part ? (Readable.toWeb(createReadStream(join(dir, `${part.ini}-${part.fim}`), { highWaterMark: PART_READ_BYTES })) as unknown as ReadableStream<Uint8Array>) : null;
      });
      return this.stage(body, maxSize);
    },
    async partTickets() {
      try {
        return await readdir(join(root, 'parts'));
      } catch {
        return [];
      }
    },
    async dropParts(upload) {
      await rm(partsDir(upload), { recursive: true, force: true });
    },
    async dropAbandonedStaging(before) {
      let names: string[] = [];
      try {
        names = await readdir(tmpDir);
      } catch {
        return 0;
      }
      let removed = 0;
      for (const name of names) {
        // being written or staged here and awaiting its commit: not abandoned, however old
        if (writing.has(name) || staged.has(name)) continue;
        const file = join(tmpDir, name);
        try {
          // a running upload writes on: its mtime keeps moving
          if ((await stat(file)).mtimeMs >= before.getTime()) continue;
          await rm(file, { force: true });
          removed++;
        } catch {
          /* committed or discarded meanwhile */
        }
      }
      return removed;
    },
    async readAll(key) {
      // A view, not a copy: a package of tens of MB copied here held the event loop for tens of ms.
      const b = await readFile(pathOf(key));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch {
        return null;
      }
    },
  };
}

/** fsyncs a directory, so the names created, renamed or removed in it survive a power loss. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
