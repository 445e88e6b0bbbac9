import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTramitaClient, credentialsFromFiles } from '../../src/client/tramita-client.ts';
import { assertDataDirOwner, DataDirAccessError, loosenedPermissions } from '../../src/runtime/data-dir-access.ts';
import { completeTramite } from '../harness/flow.ts';
import { processoBody } from '../harness/packages.ts';
import { startTestHub } from '../harness/hub.ts';
import { spawnHub } from '../harness/spawn-hub.ts';

/**
 * Security test, finding 6: the data folder holds every document (sigilosos included), the CA
 * keys and the admin token. Only the user the hub runs as may read it, and a command run as
 * another user (typically root) must not write into it.
 */
const elo = resolve(import.meta.dirname, '../../bin/elo.js');
const run = promisify(execFile);
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'elo-perm-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function elo_(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, [elo, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

/** Every path below `dir` with its permission bits. */
function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      out.push({ path: p.slice(dir.length), dir: st.isDirectory(), mode: st.mode & 0o777 });
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

const isRoot = process.getuid?.() === 0;

describe('data folder permissions', () => {
  it('keeps the data folder 0700 and every file 0600 (database, WAL, blobs, keys) through seed, start and a complete trâmite', async () => {
    const parent = tempDir();
    const data = join(parent, 'dados');
    const seeded = await elo_(['seed', 'demo', '--json'], { ELO_DATA_DIR: data });
    expect(seeded.code, seeded.stderr).toBe(0);
    const sistemas = JSON.parse(seeded.stdout).sistemas as { id: string; certificado: string; chave: string; ac: string }[];
    const creds = Object.fromEntries(sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]));
    const hub = await spawnHub(data);
    const estado = createTramitaClient({ hubUrl: hub.url, credentials: creds['sei-estado']! });
    const municipio = createTramitaClient({ hubUrl: hub.url, credentials: creds['sei-municipio']! });
    try {
      const p = processoBody({ protocolo: 'PERM-1', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array(2048).fill(7)] }] });
      await completeTramite(estado, municipio, creds['sei-municipio']!.key, p.body, p.components);
    } finally {
      await estado.close();
      await municipio.close();
      await hub.stop();
    }
    expect(statSync(data).mode & 0o777).toBe(0o700);
    const all = modes(data);
    expect(all.some((e) => e.path.startsWith('/blobs/sha256/'))).toBe(true);
    expect(all.some((e) => e.path === '/elo.sqlite')).toBe(true);
    expect(all.filter((e) => (e.dir ? e.mode !== 0o700 : e.mode !== 0o600))).toEqual([]);
  });

  it('creates nothing other users can read even when the hub runs in-process under a permissive umask', async () => {
    const previous = process.umask(0o022);
    const t = await startTestHub();
    try {
      const p = processoBody({ protocolo: 'PERM-2', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array(1024).fill(9)] }] });
      await completeTramite(t.client('sei-estado'), t.client('sei-municipio'), t.creds['sei-municipio']!.key, p.body, p.components);
      const all = modes(t.dir);
      expect(all.some((e) => e.path.startsWith('/blobs/sha256/'))).toBe(true);
      expect(all.filter((e) => (e.dir ? e.mode !== 0o700 : e.mode !== 0o600))).toEqual([]);
      expect(loosenedPermissions(t.dir)).toEqual([]);
    } finally {
      await t.close();
      process.umask(previous);
    }
  });

  it('names nothing when the folder is private, and every loosened item when it is not', async () => {
    const data = tempDir();
    expect((await elo_(['seed', 'demo'], { ELO_DATA_DIR: data })).code).toBe(0);
    chmodSync(data, 0o700);
    expect(loosenedPermissions(data)).toEqual([]);
    chmodSync(data, 0o755);
    chmodSync(join(data, 'elo.sqlite'), 0o644);
    expect(loosenedPermissions(data)).toEqual([`${data} (0755)`, `${join(data, 'elo.sqlite')} (0644)`]);
  });

  it('warns at start, naming the fix, when the data folder was loosened', async () => {
    const data = tempDir();
    expect((await elo_(['seed', 'demo'], { ELO_DATA_DIR: data })).code).toBe(0);
    chmodSync(data, 0o755);
    const hub = await spawnHub(data, {}, { captureStderr: true });
    try {
      await hub.waitForStderr(/Aviso: .*chmod -R go-rwx/);
      expect(hub.stderr()).toContain(`${data} (0755)`);
    } finally {
      await hub.stop();
    }
  });

  it('refuses a data folder owned by another uid, naming the owner and what to do', () => {
    const data = tempDir();
    const uid = process.getuid!();
    expect(() => assertDataDirOwner(data, uid)).not.toThrow();
    expect(() => assertDataDirOwner(data, uid + 1)).toThrow(DataDirAccessError);
    expect(() => assertDataDirOwner(data, uid + 1)).toThrow(/pertence a outro usuário: .* e este comando roda como .*uid \d+/);
    // a folder not created yet is no one's: the command will create it as its own user
    expect(() => assertDataDirOwner(join(data, 'nova'), uid + 1)).not.toThrow();
  });

  it.runIf(isRoot)('as root, every command that works on the data folder refuses a folder owned by the hub user and leaves it untouched', async () => {
    const data = join(tempDir(), 'dados-do-hub');
    mkdirSync(data, { mode: 0o700 });
    chownSync(data, 65534, 65534); // the service user the hub runs as (nobody, here)
    for (const args of [['seed', 'demo'], ['start'], ['ca', 'crl'], ['cert', 'list'], ['nre', 'liberar', '--nre', '0000000000000001']]) {
      const r = await elo_(args, { ELO_DATA_DIR: data, ELO_PORT: '0' });
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(2);
      expect(r.stderr).toContain(`A pasta de dados ${data} pertence a outro usuário`);
      expect(r.stderr).toContain('uid 65534');
    }
    expect(readdirSync(data)).toEqual([]);
  });
});
