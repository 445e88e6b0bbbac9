import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTramitaClient, credentialsFromFiles, type ClientCredentials } from '../../src/client/tramita-client.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { dataPaths } from '../../src/runtime/data-dir.ts';
import { seedDemo } from '../../src/runtime/seed-demo.ts';
import { processoBody } from '../harness/packages.ts';
import { spawnHub, type SpawnedHub } from '../harness/spawn-hub.ts';

/**
 * Durable before acknowledged: the hub answers an accepted component or part only once the
 * blob's bytes, its name (the directory entry) and the database commit that refers to it are on
 * disk. Proved on the real system calls: the hub runs as its own process under
 * `strace -f -yy`, which names the file behind every descriptor (the blob, its directory, the
 * SQLite WAL, the client's TCP socket). An injected filesystem port could not see SQLite's own
 * WAL sync (done in C inside better-sqlite3) nor the socket write of the answer; the kernel's view
 * covers the whole chain: blob data sync → rename → directory sync → WAL write and sync → answer.
 */

interface Call {
  name: string;
  args: string;
  /** Line indexes where the call entered and returned (equal when strace printed it whole). */
  start: number;
  end: number;
}

/** Parses `strace -f` output, joining `<unfinished ...>` lines with their `<... resumed>` ends. */
function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  const pending = new Map<string, Call>();
  text.split('\n').forEach((line, i) => {
    const resumed = /^(\d+) +<\.\.\. (\w+) resumed>/.exec(line);
    if (resumed) {
      const c = pending.get(resumed[1]!);
      if (c) {
        c.end = i;
        pending.delete(resumed[1]!);
      }
      return;
    }
    const m = /^(\d+) +(\w+)\((.*)$/.exec(line);
    if (!m) return;
    const c: Call = { name: m[2]!, args: m[3]!, start: i, end: i };
    calls.push(c);
    if (/<unfinished \.\.\.>$/.test(line)) pending.set(m[1]!, c);
  });
  return calls;
}

const SYNC = new Set(['fsync', 'fdatasync']);
const RENAME = new Set(['rename', 'renameat', 'renameat2']);
const SOCKET_WRITE = new Set(['write', 'writev', 'sendmsg', 'sendto']);
/** The file `-yy` names behind a call's first descriptor: `23</path>` → `/path`. */
const fdPath = (c: Call) => /^\d+<([^>]*)>/.exec(c.args)?.[1] ?? '';
const quoted = (c: Call) => [...c.args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);

/**
 * Finds, after line `from`, the rename that gives `finalPath` its name, and checks the order of
 * what surrounds it. `commits`: whether the answer must also wait for a database commit.
 */
function orderFor(calls: Call[], finalPath: string, from: number, commits: boolean) {
  const rename = calls.find((c) => RENAME.has(c.name) && c.start > from && quoted(c)[1] === finalPath);
  expect(rename, `no rename to ${finalPath}`).toBeDefined();
  const tmp = quoted(rename!)[0]!;
  const dataSync = calls.filter((c) => SYNC.has(c.name) && fdPath(c) === tmp && c.start < rename!.start).at(-1);
  expect(dataSync, `the bytes of ${tmp} were not synced before the rename`).toBeDefined();
  expect(dataSync!.end).toBeLessThan(rename!.start);
  const dirSync = calls.find((c) => SYNC.has(c.name) && fdPath(c) === dirname(finalPath) && c.start > rename!.end);
  expect(dirSync, `the directory ${dirname(finalPath)} was not synced after the rename`).toBeDefined();
  const answer = calls.find((c) => SOCKET_WRITE.has(c.name) && fdPath(c).startsWith('TCP') && c.start > rename!.start);
  expect(answer, 'no answer written to the client after the rename').toBeDefined();
  expect(dirSync!.end, 'the answer went out before the directory sync').toBeLessThan(answer!.start);
  let last = dirSync!;
  if (commits) {
    const walWrite = calls.find((c) => c.name === 'pwrite64' && fdPath(c).endsWith('-wal') && c.start > dirSync!.end);
    expect(walWrite, 'no database commit after the directory sync').toBeDefined();
    const walSync = calls.find((c) => SYNC.has(c.name) && fdPath(c).endsWith('-wal') && c.start > walWrite!.end);
    expect(walSync, 'the WAL was not synced after the commit').toBeDefined();
    expect(walSync!.end, 'the answer went out before the WAL sync').toBeLessThan(answer!.start);
    last = walSync!;
  }
  return { rename: rename!, dataSync: dataSync!, dirSync: dirSync!, last, answer: answer! };
}

const strace = spawnSync('strace', ['-V']).status === 0;

describe.skipIf(!strace)('durable before acknowledged, on the hub\'s system calls (strace)', () => {
  let dir = '';
  let traceFile = '';
  let hub: SpawnedHub;
  let creds: Record<string, ClientCredentials> = {};
  /** The hub's node process: strace's child. */
  let hubPid = 0;
  let calls: Call[] = [];
  const whole = new Uint8Array(40_000).map((_, i) => (i * 7) & 0xff);
  const parted = new Uint8Array(50_000).map((_, i) => (i * 13 + 1) & 0xff);
  const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const b64 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');
  let blobs = '';
  let ticket = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elo-durable-'));
    traceFile = join(dir, 'trace.txt');
    const seed = await seedDemo(loadConfig({ ELO_DATA_DIR: dir }, dir), new Date());
    creds = Object.fromEntries(seed.sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]));
    blobs = dataPaths(dir).blobs;
    hub = await spawnHub(dir, { ELO_LOG_LEVEL: 'warn' }, {
      wrap: ['strace', '-f', '-yy', '-s', '0', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2,write,writev,pwrite64,sendmsg,sendto', '-o', traceFile],
    });
    hubPid = Number(readFileSync(`/proc/${hub.child.pid}/task/${hub.child.pid}/children`, 'utf8').trim().split(' ')[0]);

    const estado = createTramitaClient({ hubUrl: hub.url, credentials: creds['sei-estado']! });
    const pkg = processoBody({
      protocolo: '5.1/2026',
      remetente: [100, '1002'],
      destinatario: [200, '2002'],
      documentos: [{ bytes: [whole] }, { bytes: [parted] }],
    });
    const started = await estado.iniciarProcesso(pkg.body);
    expect(started.status).toBe(200);
    ticket = String(started.body.ticketParaEnvioDeComponentesDigitais);
    expect((await estado.enviarComponente(ticket, { bytes: whole, hash: b64(whole), protocolo: '5.1/2026' })).status).toBe(200);
    const c = { hash: b64(parted), protocolo: '5.1/2026' };
    expect((await estado.enviarParte(ticket, 0, 20_000, { ...c, bytes: parted.subarray(0, 20_000) })).status).toBe(200);
    expect((await estado.enviarParte(ticket, 20_000, 50_000, { ...c, bytes: parted.subarray(20_000) })).status).toBe(200);
    expect((await estado.terminarEnvio(ticket, c)).status).toBe(200);
    await estado.close();

    // stopping the hub ends strace, which flushes the whole trace
    const exited = new Promise((r) => hub.child.once('exit', r));
    process.kill(hubPid, 'SIGTERM');
    await exited;
    calls = parseTrace(readFileSync(traceFile, 'utf8'));
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an IDT only after the stored package, its name and the commit that records the trâmite are synced', () => {
    // the first blob named in the store is the package of the trâmite just started
    const first = calls.find((c) => RENAME.has(c.name) && (quoted(c)[1] ?? '').startsWith(join(blobs, 'sha256') + '/'));
    expect(first, 'no package blob renamed into the store').toBeDefined();
    orderFor(calls, quoted(first!)[1]!, 0, true);
  });

  it('answers a whole component only after its bytes, its new directories, its name and the commit that refers to it are synced', () => {
    const h = hex(whole);
    const finalPath = join(blobs, 'sha256', h.slice(0, 2), h.slice(2, 4), h);
    const o = orderFor(calls, finalPath, 0, true);
    // the directory created for it (sha256/ab/cd) is named durably in its parent before the rename
    const parentSync = calls.find((c) => SYNC.has(c.name) && fdPath(c) === dirname(dirname(finalPath)) && c.end < o.rename.start && c.start > o.dataSync.start);
    expect(parentSync, 'the new directory was not synced in its parent').toBeDefined();
  });

  it('answers each ranged part only after its bytes and its name are synced, and the end signal only after the assembled component is committed', () => {
    const first = calls.find((c) => RENAME.has(c.name) && /\/0-20000$/.test(quoted(c)[1] ?? ''));
    expect(first, 'no rename of part 0-20000').toBeDefined();
    const partDir = dirname(quoted(first!)[1]!);
    expect(partDir.startsWith(join(blobs, 'parts'))).toBe(true);
    const a = orderFor(calls, join(partDir, '0-20000'), 0, false);
    // the part's directory was created by this part: its parent was synced before the rename
    expect(calls.some((c) => SYNC.has(c.name) && fdPath(c) === dirname(partDir) && c.end < a.rename.start && c.start > a.dataSync.start)).toBe(true);
    const b = orderFor(calls, join(partDir, '20000-50000'), a.answer.end, false);
    expect(b.dataSync.start).toBeGreaterThan(a.answer.end);
    const h = hex(parted);
    const assembled = orderFor(calls, join(blobs, 'sha256', h.slice(0, 2), h.slice(2, 4), h), b.answer.end, true);
    expect(assembled.dataSync.start).toBeGreaterThan(b.answer.end);
  });
});
