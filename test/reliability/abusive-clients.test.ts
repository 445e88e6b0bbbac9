import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { createHash } from 'node:crypto';
import { Agent, fetch, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTramitaClient, credentialsFromFiles, type ClientCredentials } from '../../src/client/tramita-client.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { seedDemo } from '../../src/runtime/seed-demo.ts';
import { streamedMultipart } from '../harness/multipart-stream.ts';
import { processoBody } from '../harness/packages.ts';
import { spawnHub, type SpawnedHub } from '../harness/spawn-hub.ts';

/**
 * Issue 12, item 4, "slow and abusive clients": connections that never say hello, headers and
 * bodies dripped a byte at a time, oversized headers. Each is cut by a deadline or a limit; an
 * honest client keeps being served while they last (its slowest /healthz is measured); the hub's
 * open files and memory come back to where they were. The deadlines are shortened here
 * (ELO_HANDSHAKE_TIMEOUT_SECONDS=2, ELO_HEADERS_TIMEOUT_SECONDS=2, ELO_REQUEST_TIMEOUT_SECONDS=4)
 * so that the test sees them act; the defaults are 10, 60 and 330 s.
 */
const IDLE = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Longer than the 3 s the memory test leaves its readers stopped: there the clients go first. */
const WRITE_STALL_S = 5;

describe('slow and abusive clients are cut by deadlines and limits while honest ones are served', () => {
  let dir = '';
  let hub: SpawnedHub;
  let port = 0;
  let creds: ClientCredentials;
  let recipient: ClientCredentials;
  let honest: Agent;
  const openFiles = () => readdirSync(`/proc/${hub.child.pid}/fd`).length;
  const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${hub.child.pid}/status`, 'utf8'))![1]) / 1024;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elo-abuso-'));
    const seed = await seedDemo(loadConfig({ ELO_DATA_DIR: dir }, dir), new Date());
    const s = seed.sistemas.find((x) => x.id === 'sei-estado')!;
    creds = credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac });
    const m = seed.sistemas.find((x) => x.id === 'sei-municipio')!;
    recipient = credentialsFromFiles({ cert: m.certificado, key: m.chave, ca: m.ac });
    hub = await spawnHub(dir, {
      ELO_HANDSHAKE_TIMEOUT_SECONDS: '2',
      ELO_HEADERS_TIMEOUT_SECONDS: '2',
      ELO_REQUEST_TIMEOUT_SECONDS: '4',
      ELO_WRITE_STALL_SECONDS: String(WRITE_STALL_S),
      ELO_MAX_CONNECTIONS: String(IDLE + 200),
      ELO_LOG_LEVEL: 'warn',
    }, { captureStderr: true });
    port = Number(new URL(hub.url).port);
    honest = new Agent({ connect: { cert: creds.cert, key: creds.key, ca: creds.ca }, connections: 2 });
    // warm: the first requests compile code and open the database
    for (let i = 0; i < 50; i++) await healthz();
  }, 120_000);
  afterAll(async () => {
    await honest?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function healthz(): Promise<number> {
    const t0 = performance.now();
    const r = await request(`https://127.0.0.1:${port}/healthz`, { dispatcher: honest });
    await r.body.arrayBuffer();
    expect(r.statusCode).toBe(200);
    return performance.now() - t0;
  }

  /** An honest client asking /healthz every 20 ms while `attack` runs: its slowest answer, in ms. */
  async function servedDuring(attack: () => Promise<void>): Promise<number> {
    let running = true;
    let slowest = 0;
    const probe = (async () => {
      while (running) {
        slowest = Math.max(slowest, await healthz());
        await sleep(20);
      }
    })();
    try {
      await attack();
    } finally {
      running = false;
      await probe;
    }
    return slowest;
  }

  /** Resolves when every socket has been closed by the hub, or rejects after `ms`. */
  const allClosed = (sockets: (Socket | TLSSocket)[], ms: number) =>
    Promise.race([
      Promise.all(sockets.map((s) => (s.closed ? Promise.resolve() : new Promise((r) => s.once('close', r))))),
      sleep(ms).then(() => {
        throw new Error(`${sockets.filter((s) => !s.closed).length} connections still open after ${ms} ms`);
      }),
    ]);

  /** The hub's open files settle back to `baseline` (a few may differ: the probe's own connections). */
  async function backTo(baseline: number) {
    for (let i = 0; i < 50 && openFiles() > baseline + 4; i++) await sleep(100);
    expect(openFiles()).toBeLessThanOrEqual(baseline + 4);
  }

  it(`cuts ${IDLE} connections that never start TLS at the handshake deadline, serving an honest client meanwhile`, async () => {
    const files = openFiles();
    const rss = rssMiB();
    const sockets: Socket[] = [];
    const slowest = await servedDuring(async () => {
      let held = 0;
      const sample = setInterval(() => (held = Math.max(held, openFiles())), 100);
      try {
        // In waves of 250 every 100 ms, within Node's listen backlog (511): all at once, the
        // kernel drops the handshakes past the backlog, and a client whose last ACK was dropped
        // believes itself connected while the hub never saw it (no deadline can cut what was never
        // accepted; it lingers until the kernel's SYN-ACK retries run out, past this test's wait).
        for (let i = 0; i < IDLE; i++) {
          if (i > 0 && i % 250 === 0) await sleep(100);
          const s = tcpConnect(port, '127.0.0.1');
          s.on('error', () => undefined);
          sockets.push(s);
        }
        // each is cut 2 s after its acceptance (Node's default would hold them 120 s)
        await allClosed(sockets, 20_000);
      } finally {
        clearInterval(sample);
      }
      expect(held).toBeGreaterThan(files + IDLE / 3); // the hub really held them at once
    });
    expect(slowest).toBeLessThan(1000);
    await backTo(files);
    expect(rssMiB()).toBeLessThan(rss + 60);
  }, 60_000);

  /**
   * `count` TLS connections that send `opening` and then `drip` every 300 ms: how long
   * the hub took to close them all, while an honest client was served (its slowest answer).
   */
  async function dripped(count: number, opening: string, drip: string, withCert: (i: number) => boolean, limitMs: number): Promise<{ cutWithin: number; slowest: number }> {
    const sockets: TLSSocket[] = [];
    let cutWithin = 0;
    const slowest = await servedDuring(async () => {
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: creds.ca, ...(withCert(i) ? { cert: creds.cert, key: creds.key } : {}) });
        s.on('error', () => undefined);
        s.once('secureConnect', () => s.write(opening));
        sockets.push(s);
      }
      const timer = setInterval(() => sockets.forEach((s) => !s.closed && s.write(drip)), 300);
      try {
        await allClosed(sockets, limitMs);
      } finally {
        clearInterval(timer);
      }
      cutWithin = performance.now() - t0;
    });
    return { cutWithin, slowest };
  }

  it('cuts headers dripped a byte at a time at the headers deadline', async () => {
    const files = openFiles();
    // a header name that never ends: each dripped letter adds to it
    const r = await dripped(40, 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nX', 'X', () => true, 8000);
    expect(r.cutWithin).toBeLessThan(6000);
    expect(r.slowest).toBeLessThan(1000);
    await backTo(files);
  }, 60_000);

  it('cuts a body dripped a byte at a time at the request deadline, authenticated or not, logging it as the client’s doing', async () => {
    const files = openFiles();
    const logged = hub.stderr().length;
    const r = await dripped(
      20,
      'POST /interoperabilidade/rest/v3/tramites/processo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
      ' ',
      (i) => i % 2 === 0,
      10_000,
    );
    expect(r.cutWithin).toBeLessThan(8000);
    expect(r.slowest).toBeLessThan(1000);
    await backTo(files);
    // a body cut by the deadline is an interrupted request (408, 9083), never an internal error
    const log = hub.stderr().slice(logged);
    expect(log).toContain('"event":"requisicao.interrompida"');
    expect(log).not.toContain('erro_interno');
  }, 60_000);

  /** A trâmite in 3 whose one component of 32 MiB the recipient may download: its IDT, the download's request body, the size. */
  async function componentToDownload(protocolo: string) {
    const MB = 1_048_576;
    const SIZE = 32 * MB;
    const block = (i: number) => new Uint8Array(MB).fill(i & 0xff);
    const h = createHash('sha256');
    for (let i = 0; i < SIZE / MB; i++) h.update(block(i));
    const hash = h.digest('base64');
    const url = `https://127.0.0.1:${port}/interoperabilidade/rest/v3`;
    const sender = createTramitaClient({ hubUrl: url, credentials: creds });
    const pkg = processoBody({ protocolo, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1])] }] });
    const comp = (pkg.body.processo.documentos[0]!.componentesDigitais as { hash: { conteudo: string }; tamanhoEmBytes: number; mimeType: string }[])[0]!;
    Object.assign(comp, { tamanhoEmBytes: SIZE, mimeType: 'application/pdf' });
    comp.hash.conteudo = hash;
    const started = await sender.iniciarProcesso(pkg.body);
    expect(started.status, started.text).toBe(200);
    const idt = started.body.IDT as number;
    const up = await fetch(`${url}/tickets-de-envio-de-componente/${String(started.body.ticketParaEnvioDeComponentesDigitais)}/protocolos/componentes-a-enviar`, {
      method: 'PUT',
      dispatcher: honest,
      duplex: 'half',
      headers: { 'content-type': 'multipart/form-data; boundary=eloParado' },
      body: streamedMultipart('eloParado', { hashDoComponenteDigital: hash, protocolo }, { name: 'a.pdf', type: 'application/pdf', blocks: SIZE / MB, block }),
    });
    expect(up.status, await up.text()).toBe(200);
    await sender.close();
    expect((await createTramitaClient({ hubUrl: url, credentials: recipient }).metadados(idt)).status).toBe(200);
    return { idt, body: JSON.stringify({ hashDoComponenteDigital: hash, protocolo }), size: SIZE };
  }

  /** `n` downloads of the whole component whose clients send the request, then never read. */
  function stoppedReaders(n: number, d: Awaited<ReturnType<typeof componentToDownload>>): TLSSocket[] {
    return Array.from({ length: n }, () => {
      const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: recipient.ca, cert: recipient.cert, key: recipient.key });
      s.on('error', () => undefined);
      s.once('secureConnect', () => {
        s.write(`POST /interoperabilidade/rest/v3/tramites/${d.idt}/protocolos/componentes-digitais/partes/0-${d.size} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${d.body.length}\r\n\r\n${d.body}`);
        s.pause(); // and never reads: the hub's writes stop when the buffers fill
      });
      return s;
    });
  }

  it('holds no memory for downloads their clients stopped reading, and frees them when they go', async () => {
    const d = await componentToDownload(`66.${Date.now()}/2026`);
    const files = openFiles();
    const rss = rssMiB();
    let sockets: TLSSocket[] = [];
    const slowest = await servedDuring(async () => {
      sockets = stoppedReaders(4, d);
      await sleep(3000);
      // four answers of 43 MiB of base64 each are not held: the stream waits on the socket
      expect(rssMiB()).toBeLessThan(rss + 40);
      // the client goes: the hub's side of each connection and its file stream are released
      sockets.forEach((s) => s.destroy());
    });
    expect(slowest).toBeLessThan(1000);
    await backTo(files);
  }, 120_000);

  it(`closes the connections of downloads their clients stopped reading after ${WRITE_STALL_S} s without progress`, async () => {
    const d = await componentToDownload(`67.${Date.now()}/2026`);
    const files = openFiles();
    const t0 = performance.now();
    const readers = stoppedReaders(4, d);
    await sleep(2000);
    // meanwhile each holds its connection and the component's file open in the hub
    expect(openFiles()).toBeGreaterThanOrEqual(files + 8);
    // the hub lets go of all once they have read nothing for the deadline (their clients, paused, never even see the close)
    for (let i = 0; i < (WRITE_STALL_S + 5) * 10 && openFiles() > files + 1; i++) await sleep(100);
    expect(openFiles()).toBeLessThanOrEqual(files + 1);
    expect(performance.now() - t0).toBeGreaterThan(WRITE_STALL_S * 1000);
    expect(hub.stderr().match(/"event":"conexao.escrita_parada"/g)?.length).toBe(4);
    readers.forEach((s) => s.destroy());
    // an honest download of the same component is still served
    const r = await request(`https://127.0.0.1:${port}/interoperabilidade/rest/v3/tramites/${d.idt}/protocolos/componentes-digitais/partes/0-1024`, {
      method: 'POST',
      dispatcher: new Agent({ connect: { cert: recipient.cert, key: recipient.key, ca: recipient.ca } }),
      headers: { 'content-type': 'application/json' },
      body: d.body,
    });
    expect(r.statusCode, await r.body.text()).toBe(200);
  }, 120_000);

  it('answers 431 to headers of 64 KB and stays up', async () => {
    const files = openFiles();
    const r = await request(`https://127.0.0.1:${port}/healthz`, { dispatcher: honest, headers: { 'x-enorme': 'a'.repeat(64 * 1024) } }).then(
      async (x) => ({ status: x.statusCode, body: await x.body.text() }),
      (e: unknown) => ({ status: 0, body: String(e) }),
    );
    // Node answers 431 and closes; some clients see the close first: either way, refused
    expect([431, 0]).toContain(r.status);
    expect(await healthz()).toBeLessThan(1000);
    await backTo(files);
  });
});
