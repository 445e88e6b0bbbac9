import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTramitaClient, credentialsFromFiles, signCompletionReceipt, type TramitaClient } from '../../src/client/tramita-client.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { seedDemo } from '../../src/runtime/seed-demo.ts';
import { receiptDate } from '../../src/xml/receipt-strings.ts';
import { processoBody } from '../harness/packages.ts';
import { spawnHub, type SpawnedHub } from '../harness/spawn-hub.ts';

/**
 * Issue 12, item 4, "crash": trâmites in flight from concurrent clients (whole and ranged
 * uploads, downloads, completion receipts) while the hub is killed with SIGKILL at random
 * moments and started again; the clients retry as SEI does (a call that got no answer is asked
 * again). Afterwards every trâmite whose start was answered exists in a legal situação, each
 * component whose upload was answered is stored with its exact bytes, each receipt the sender
 * fetched is the one stored, the database passes integrity_check, and no staging file is left
 * once the hub has swept.
 *
 * Bounded for CI: CRASH_TRAMITES (200) trâmites, CRASH_KILLS (10) kills.
 */
const TRAMITES = Number(process.env.CRASH_TRAMITES ?? 200);
const KILLS = Number(process.env.CRASH_KILLS ?? 10);
const CLIENTS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256b64 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** What the clients were told: the hub's answers they hold it to afterwards. */
interface Acknowledged {
  idt: number;
  nre: string;
  components: { hash: string; bytes: Uint8Array }[];
  uploaded: Set<string>;
  receipt: Record<string, unknown> | null;
  concluded: boolean;
}

describe('SIGKILL under load: nothing acknowledged is lost, nothing half-done shows', () => {
  let dir = '';
  let hub: SpawnedHub | null = null;
  let port = 0;
  let sender: TramitaClient;
  let receiver: TramitaClient;
  let receiverKey = '';
  const acknowledged: Acknowledged[] = [];
  let kills = 0;
  let retries = 0;
  let cancelledUnanswered = 0;

  const start = async () => {
    hub = await spawnHub(dir, { ELO_PORT: String(port), ELO_LOG_LEVEL: 'warn' });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elo-crash-'));
    const seed = await seedDemo(loadConfig({ ELO_DATA_DIR: dir }, dir), new Date());
    const files = Object.fromEntries(seed.sistemas.map((s) => [s.id, s]));
    port = await freePort();
    await start();
    const url = `https://127.0.0.1:${port}/interoperabilidade/rest/v3`;
    const creds = (id: string) => credentialsFromFiles({ cert: files[id]!.certificado, key: files[id]!.chave, ca: files[id]!.ac });
    sender = createTramitaClient({ hubUrl: url, credentials: creds('sei-estado') });
    receiver = createTramitaClient({ hubUrl: url, credentials: creds('sei-municipio') });
    receiverKey = readFileSync(files['sei-municipio']!.chave, 'utf8');
  }, 120_000);

  afterAll(async () => {
    await sender?.close();
    await receiver?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A call asked again until the hub answers (connection refused or cut, or a 5xx while it
   * restarts), as SEI's scheduled jobs do; any answer below 500 is returned.
   */
  async function untilAnswered<T extends { status: number }>(call: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        const r = await call();
        if (r.status < 500) return r;
      } catch {
        // no answer: the hub is down or the connection was cut
      }
      retries++;
      if (i > 600) throw new Error('the hub did not come back');
      await sleep(50);
    }
  }

  /** One trâmite from start to the sender's receipt; which steps were answered is recorded. */
  async function oneTramite(n: number): Promise<void> {
    const parts = n % 3 === 0 ? 2 : 1; // every third component goes up in two ranged parts
    const bytes = new Uint8Array(randomBytes(2048 + (n % 7) * 512));
    const pkg = processoBody({ protocolo: `90.${n}/2026`, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytes] }] });
    let started = await untilAnswered(() => sender.iniciarProcesso(pkg.body));
    if (started.status === 409 && (started.body as { codigoErro?: string }).codigoErro === '0044') {
      // A start the hub applied but could not answer (killed between its commit and its answer):
      // asked again, the process "already has a trâmite in progress" (spec §5.4, one open trâmite
      // per process). As the message says and an SEI operator does: cancel it and send again.
      const open = (await untilAnswered(() => sender.tramites({ protocolo: pkg.body.processo.protocolo }))).body.tramites.filter((x) => (x.situacaoAtual as number) <= 4);
      for (const o of open) await untilAnswered(() => sender.call('DELETE', `tramites/${o.IDT as number}`));
      cancelledUnanswered += open.length;
      started = await untilAnswered(() => sender.iniciarProcesso(pkg.body));
    }
    if (started.status !== 200) throw new Error(`start ${n}: ${started.status} ${started.text}`);
    const t: Acknowledged = {
      idt: started.body.IDT as number,
      nre: started.body.NRE as string,
      components: [{ hash: sha256b64(bytes), bytes }],
      uploaded: new Set(),
      receipt: null,
      concluded: false,
    };
    acknowledged.push(t);
    const ticket = String(started.body.ticketParaEnvioDeComponentesDigitais);
    const c = { bytes, hash: t.components[0]!.hash, protocolo: pkg.body.processo.protocolo };
    if (parts === 1) {
      const up = await untilAnswered(() => sender.enviarComponente(ticket, c));
      // asked again after an upload that was applied before the crash: the trâmite moved to 2
      if (up.status !== 200 && !(await componentsComplete(t.idt))) throw new Error(`upload ${t.idt}: ${up.status} ${up.text}`);
    } else {
      const half = Math.floor(bytes.length / 2);
      for (const [ini, fim] of [
        [0, half],
        [half, bytes.length],
      ] as const) {
        const part = await untilAnswered(() => sender.enviarParte(ticket, ini, fim, { ...c, bytes: bytes.slice(ini, fim) }));
        if (part.status !== 200) throw new Error(`part ${t.idt} ${ini}-${fim}: ${part.status} ${part.text}`);
      }
      const end = await untilAnswered(() => sender.terminarEnvio(ticket, c));
      // a retried end signal after one that was applied is refused: the component is complete either way
      if (end.status !== 200 && !(await componentsComplete(t.idt))) throw new Error(`end ${t.idt}: ${end.status} ${end.text}`);
    }
    t.uploaded.add(c.hash);

    const meta = await untilAnswered(() => receiver.metadados(t.idt));
    if (meta.status !== 200) throw new Error(`metadata ${t.idt}: ${meta.status} ${meta.text}`);
    const down = await untilAnswered(() => receiver.baixarParte(t.idt, c.hash, c.protocolo, 0, bytes.length));
    if (down.status !== 200 || !down.bytes || sha256b64(down.bytes) !== c.hash) throw new Error(`download ${t.idt}: ${down.status} ${down.text}`);
    const view = (await untilAnswered(() => receiver.tramites({ IDT: t.idt }))).body.tramites[0]!;
    const at4 = (view.mudancasDeSituacao as { situacao: number; dataHora: string }[]).find((m) => m.situacao === 4)!.dataHora;
    const dataDeRecebimento = receiptDate(new Date(at4));
    const hashDaAssinatura = await signCompletionReceipt(receiverKey, { idt: t.idt, nre: t.nre, dataDeRecebimento, hashes: [c.hash] });
    const posted = await untilAnswered(() => receiver.enviarRecibo(t.idt, { dataDeRecebimento, hashDaAssinatura }));
    if (posted.status !== 200 && (await situacao(t.idt)) !== 6) throw new Error(`receipt ${t.idt}: ${posted.status} ${posted.text}`);
    t.concluded = true;
    const got = await untilAnswered(() => sender.recibo(t.idt));
    if (got.status !== 200) throw new Error(`fetch receipt ${t.idt}: ${got.status} ${got.text}`);
    t.receipt = got.body;
  }

  const situacao = async (idt: number) => (await untilAnswered(() => sender.tramites({ IDT: idt }))).body.tramites[0]?.situacaoAtual as number;
  const componentsComplete = async (idt: number) => (await situacao(idt)) >= 2;

  it(`loses nothing acknowledged across ${KILLS} SIGKILLs while ${TRAMITES} trâmites are in flight`, async () => {
    let next = 0;
    let finished = false;
    const clients = Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < TRAMITES) await oneTramite(next++);
      }),
    ).finally(() => (finished = true));
    // The k-th kill comes once k/(KILLS+1) of the trâmites have started, at a random moment
    // within the next few hundred milliseconds: spread over the workload, never after it (a
    // fixed pace let a fast run finish its trâmites before the last kill).
    const killer = (async () => {
      while (kills < KILLS && !finished) {
        const due = ((kills + 1) * TRAMITES) / (KILLS + 1);
        while (next < due && !finished) await sleep(20);
        await sleep(Math.random() * 300);
        if (finished) break;
        const h = hub!;
        const gone = new Promise((r) => h.child.once('exit', r));
        h.child.kill('SIGKILL');
        await gone;
        kills++;
        await start();
      }
    })();
    await Promise.all([clients, killer]);
    expect(kills, 'the hub was killed while trâmites were in flight').toBe(KILLS);
    expect(acknowledged).toHaveLength(TRAMITES);

    // a clean restart, whose sweep clears what the last crashes left (parts of uploads that were
    // completed or abandoned, staging files), then a clean stop; then the data folder is examined
    await hub!.stop();
    await start();
    const parts = join(dir, 'blobs', 'parts');
    const leftParts = () => (existsSync(parts) ? readdirSync(parts) : []);
    for (let i = 0; i < 100 && leftParts().length > 0; i++) await sleep(100);
    await hub!.stop();
    hub = null;
    const db = new Database(join(dir, 'elo.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Map(
        (db.prepare('SELECT idt, nre, situacao FROM tramites').all() as { idt: number; nre: string; situacao: number }[]).map((r) => [r.idt, r]),
      );
      for (const t of acknowledged) {
        const row = stored.get(t.idt);
        expect(row, `trâmite ${t.idt}`).toBeDefined();
        expect(row!.nre).toBe(t.nre);
        // every client drove its trâmite to the end: each is concluded (6), none stuck half-way
        expect(row!.situacao, `trâmite ${t.idt}`).toBe(6);
        for (const c of t.components) {
          const hex = Buffer.from(c.hash, 'base64').toString('hex');
          const file = join(dir, 'blobs', 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
          expect(existsSync(file), `component ${hex} of ${t.idt}`).toBe(true);
          expect(sha256b64(new Uint8Array(readFileSync(file)))).toBe(c.hash);
        }
      }
      // started but unanswered (the hub died before answering): the retry was refused as a second
      // open trâmite of the process, and the client cancelled the first: never a duplicate that
      // went on, only cancelled ones (7)
      const acknowledgedIdts = new Set(acknowledged.map((t) => t.idt));
      const orphans = [...stored.values()].filter((r) => !acknowledgedIdts.has(r.idt));
      expect(orphans).toHaveLength(cancelledUnanswered);
      for (const o of orphans) expect(o.situacao, `unacknowledged trâmite ${o.idt}`).toBe(7);
      // each receipt the sender fetched is the one stored
      const receipt = db.prepare('SELECT hash_da_assinatura AS h FROM completion_receipts WHERE idt = ?');
      for (const t of acknowledged.filter((x) => x.receipt)) {
        const row = receipt.get(t.idt) as { h: string } | undefined;
        expect(row, `completion receipt of ${t.idt}`).toBeDefined();
        expect(JSON.stringify(t.receipt)).toContain(row!.h);
      }
    } finally {
      db.close();
    }
    // no staging file survives the restart's sweep
    const tmp = join(dir, 'blobs', 'tmp');
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
    expect(leftParts()).toEqual([]);
    console.log(`crash: ${kills} SIGKILLs, ${acknowledged.length} trâmites concluded, ${retries} calls asked again, ${cancelledUnanswered} unanswered starts cancelled`);
  }, 600_000);
});
