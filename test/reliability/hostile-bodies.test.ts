import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTramitaClient, credentialsFromFiles, type ClientCredentials, type TramitaClient } from '../../src/client/tramita-client.ts';
import { jsonShapeLimits } from '../../src/domain/tramita/index.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import { seedDemo } from '../../src/runtime/seed-demo.ts';
import { completeTramite } from '../harness/flow.ts';
import { spawnHub } from '../harness/spawn-hub.ts';
import { bytesOf, processoBody, sha256b64 } from '../harness/packages.ts';

const MB = 1_048_576;

/**
 * Finding: one request from any registered system froze the hub — quadratic checks of
 * attacker-sized lists (80,000 destinatários: 21.6 s of blocked event loop) and whole 64 MB
 * bodies parsed on the event loop with no bound on how many at once (three at once: 101 s,
 * 3.85 GB). Here the hub runs as its own process; an open `/healthz` is polled without pause
 * from a thread of its own (so the test's own sending does not delay the measure), and the
 * hub's resident memory is sampled from /proc.
 */
const watcherSource = `
const { parentPort, workerData } = require('node:worker_threads');
const https = require('node:https');
const { readFileSync } = require('node:fs');
const { url, ca, pid } = workerData;
const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca, checkServerIdentity: () => undefined });
let stop = false, worst = 0, samples = 0, failures = 0, peakRss = 0;
parentPort.on('message', () => { stop = true; });
const rss = () => { try { const m = /VmRSS:\\s+(\\d+) kB/.exec(readFileSync('/proc/' + pid + '/status', 'utf8')); if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024); } catch {} };
const once = () => new Promise((resolve) => {
  const t0 = performance.now();
  const req = https.get(url + '/healthz', { agent, timeout: 30000 }, (res) => {
    res.resume();
    res.on('end', () => { if (res.statusCode !== 200) failures++; resolve(performance.now() - t0); });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => { failures++; resolve(performance.now() - t0); });
});
(async () => {
  // bounded: at most 200,000 probes (the tests end long before)
  while (!stop && samples < 200000) {
    const ms = await once();
    rss();
    worst = Math.max(worst, ms);
    samples++;
    await new Promise((r) => setImmediate(r));
  }
  parentPort.postMessage({ worst, samples, failures, peakRss });
})();
`;

interface Watched<T> {
  result: T;
  worstHealthMs: number;
  samples: number;
  failures: number;
  peakRssMb: number;
}

async function watching<T>(hub: { url: string; pid: number; ca: string }, work: () => Promise<T>): Promise<Watched<T>> {
  const w = new Worker(watcherSource, { eval: true, workerData: { url: hub.url, ca: hub.ca, pid: hub.pid } });
  const report = new Promise<{ worst: number; samples: number; failures: number; peakRss: number }>((r) => w.once('message', r));
  try {
    const result = await work();
    w.postMessage('stop');
    const r = await report;
    return { result, worstHealthMs: Math.round(r.worst), samples: r.samples, failures: r.failures, peakRssMb: Math.round(r.peakRss / MB) };
  } finally {
    await w.terminate();
  }
}

const unit = (rep: number, id: string) => ({ identificacaoDoRepositorioDeEstruturas: rep, numeroDeIdentificacaoDaEstrutura: id });

describe('hostile start bodies against the hub as a separate process', () => {
  let dir = '';
  let child: ChildProcess;
  let url = '';
  let ca = '';
  let creds: Record<string, ClientCredentials>;
  let estado: TramitaClient;
  const measured: Record<string, unknown> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elo-hostile-'));
    const seed = await seedDemo(loadConfig({ ELO_DATA_DIR: dir }, dir), new Date());
    creds = Object.fromEntries(seed.sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]));
    const hub = await spawnHub(dir);
    child = hub.child;
    url = hub.url;
    ca = creds['sei-estado']!.ca;
    estado = createTramitaClient({ hubUrl: url, credentials: creds['sei-estado']! });
  });
  afterAll(async () => {
    console.log('measured', JSON.stringify(measured));
    await estado?.close();
    child?.kill('SIGTERM');
    if (child && child.exitCode === null) await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });
  const hub = () => ({ url, ca, pid: child.pid! });

  it('carries a realistic 10 MB SEI process of 12,000 documents to its completion receipt, relaying its bytes unchanged', async () => {
    const shared = bytesOf(64, 7);
    const { body } = processoBody({ protocolo: '88.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: Array.from({ length: 12_000 }, () => ({ bytes: [shared] })) });
    const text = JSON.stringify(body);
    expect(text.length).toBeGreaterThan(8 * MB);
    const w = await watching(hub(), async () => {
      // start to 6, the completion registering the 12,000 documents of the NRE (spec §6.1)
      const municipio = createTramitaClient({ hubUrl: url, credentials: creds['sei-municipio']! });
      const { idt } = await completeTramite(estado, municipio, creds['sei-municipio']!.key, body, [{ bytes: shared, hash: sha256b64(shared) }]);
      const got = await municipio.metadados(idt);
      await municipio.close();
      return got;
    });
    measured.realistic10MB = { bytes: text.length, worstHealthMs: w.worstHealthMs, samples: w.samples, peakRssMb: w.peakRssMb };
    expect(w.result.status).toBe(200);
    // the package as sent, byte for byte (ARCHITECTURE "Byte stability")
    expect(w.result.text).toContain(`"processo":${JSON.stringify(body.processo)}`);
    expect(w.failures).toBe(0);
    expect(w.worstHealthMs).toBeLessThan(500);
  });

  it('carries a realistic 48 MB SEI process of 18,000 documents with their signatures to its completion receipt, relaying its bytes unchanged', async () => {
    // spec §1.5.9: JSON of 50 MB and more. Each document carries a 1.8 KB certificate chain.
    const shared = bytesOf(64, 9);
    const { body } = processoBody({ protocolo: '88.4/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: Array.from({ length: 18_000 }, () => ({ bytes: [shared] })) });
    for (const d of body.processo.documentos as any[]) for (const c of d.componentesDigitais) c.assinaturasDigitais[0].cadeiaDoCertificado.conteudo = 'MIIG'.repeat(455);
    const w = await watching(hub(), async () => {
      const municipio = createTramitaClient({ hubUrl: url, credentials: creds['sei-municipio']! });
      const { idt } = await completeTramite(estado, municipio, creds['sei-municipio']!.key, body, [{ bytes: shared, hash: sha256b64(shared) }]);
      const got = await municipio.metadados(idt);
      await municipio.close();
      return got;
    });
    measured.realistic48MB = { worstHealthMs: w.worstHealthMs, samples: w.samples, peakRssMb: w.peakRssMb };
    expect(w.result.status).toBe(200);
    expect(w.result.text).toContain(`"processo":${JSON.stringify(body.processo)}`);
    expect(w.failures).toBe(0);
    // Measured 121 ms at worst: the completion registers 18,000 documents in one SQLite
    // transaction on the event loop (about 75 ms), see the report of this finding.
    expect(w.worstHealthMs).toBeLessThan(500);
    expect(w.peakRssMb).toBeLessThan(640);
  });

  it('refuses 80,000 destinatários naming the list, with /healthz answering within 100 ms throughout', async () => {
    const destinatarios = Array.from({ length: 80_000 }, (_, i) => unit(200, String(100_000 + i)));
    const { body } = processoBody({ protocolo: '88.2/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(8, 1)] }] });
    const text = JSON.stringify({ cabecalho: { remetente: body.cabecalho.remetente, destinatarios }, documento: body.processo.documentos[0] });
    const w = await watching(hub(), () => estado.call<{ codigoErro: string; mensagem: string }>('POST', 'tramites/documento', { rawBody: text }));
    measured.destinatarios80k = { bytes: text.length, worstHealthMs: w.worstHealthMs, samples: w.samples, peakRssMb: w.peakRssMb };
    expect(w.result.status).toBe(400);
    expect(w.result.body.codigoErro).toBe('0001');
    expect(w.result.body.mensagem).toContain('cabecalho.destinatarios deve ter no máximo');
    expect(w.failures).toBe(0);
    expect(w.worstHealthMs).toBeLessThan(100);
  });

  it('refuses 40,000 components in one document naming the list, with /healthz answering within 100 ms throughout', async () => {
    const { body } = processoBody({ protocolo: '88.3/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(8, 1)] }] });
    const c = (body.processo.documentos[0]!.componentesDigitais as any[])[0];
    body.processo.documentos[0]!.componentesDigitais = Array.from({ length: 40_000 }, (_, j) => ({ ...c, ordem: j + 1, hash: { algoritmo: 'SHA256', conteudo: sha256b64(bytesOf(4, j + 1)) } }));
    const text = JSON.stringify(body);
    const w = await watching(hub(), () => estado.call<{ codigoErro: string; mensagem: string }>('POST', 'tramites/processo', { rawBody: text }));
    measured.components40k = { bytes: text.length, worstHealthMs: w.worstHealthMs, samples: w.samples, peakRssMb: w.peakRssMb };
    expect(w.result.status).toBe(400);
    expect(w.result.body.mensagem).toContain('componentesDigitais deve ter no máximo');
    expect(w.failures).toBe(0);
    expect(w.worstHealthMs).toBeLessThan(100);
  });

  it('refuses three concurrent bodies of {"x":[{},{},…]} just under 64 MB, with /healthz within 500 ms and the hub under 500 MB', async () => {
    const size = 64 * MB - 64;
    const n = Math.floor((size - 8) / 3);
    const bytes = new TextEncoder().encode(`{"x":[${'{},'.repeat(n - 1)}{}]}`);
    expect(bytes.length).toBeLessThanOrEqual(64 * MB);
    const w = await watching(hub(), () =>
      Promise.all([0, 1, 2].map(() => estado.call<{ codigoErro: string; mensagem: string }>('POST', 'tramites/processo', { rawBody: bytes }))),
    );
    const status = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))!;
    const peakMb = Math.round((Number(status[1]) * 1024) / MB);
    measured.threeMaxBodies = { bytes: bytes.length, worstHealthMs: w.worstHealthMs, samples: w.samples, polledPeakRssMb: w.peakRssMb, vmHwmMb: peakMb, status: w.result.map((r) => r.status) };
    for (const r of w.result) {
      expect([400, 503]).toContain(r.status);
      if (r.status === 400) expect(r.body.mensagem).toContain('objetos e listas');
    }
    expect(w.failures).toBe(0);
    expect(w.worstHealthMs).toBeLessThan(500);
    expect(peakMb).toBeLessThan(500);
  });

  it('refuses three concurrent bodies of the costliest shape the bounds let through to parsing, the hub staying under 700 MB', async () => {
    // As many objects and values as the shape bounds allow and a long string filling up to
    // 64 MB: parsed in full, then refused by the bound on fields the protocol does not define.
    // Parsing needs the bytes, their text and the parsed copy (about three times the body):
    // measured 521 MB for one such body, 560 MB for three (one at a time), against 2.1 GB for
    // one and 3.85 GB for three of the plain `{"x":[{},…]}` before the bounds. Across fresh-clone
    // CI runs the peak varied from 574 to 641 MB with the collector's timing: the bound leaves
    // room for that spread and still fails on anything near the unbounded 2–4 GB.
    const objects = `${'{},'.repeat(jsonShapeLimits.containers - 4)}{}`; // with the body, x and y: the bound exactly
    const numbers = `${'1,'.repeat(jsonShapeLimits.values - jsonShapeLimits.containers - 10)}1`;
    const head = `{"x":[${objects}],"y":[${numbers}],"z":"`;
    const text = `${head}${'a'.repeat(64 * MB - head.length - 2)}"}`;
    const bytes = new TextEncoder().encode(text);
    expect(bytes.length).toBe(64 * MB);
    const w = await watching(hub(), () =>
      Promise.all([0, 1, 2].map(() => estado.call<{ codigoErro: string; mensagem: string }>('POST', 'tramites/processo', { rawBody: bytes }))),
    );
    const status = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))!;
    const peakMb = Math.round((Number(status[1]) * 1024) / MB);
    measured.threeCostliestAllowed = { worstHealthMs: w.worstHealthMs, samples: w.samples, polledPeakRssMb: w.peakRssMb, vmHwmMb: peakMb, status: w.result.map((r) => r.status) };
    for (const r of w.result) {
      expect(r.status).toBe(400);
      expect(r.body.mensagem).toContain('campos que o protocolo não define');
    }
    expect(w.failures).toBe(0);
    expect(w.worstHealthMs).toBeLessThan(500);
    expect(peakMb).toBeLessThan(700);
  });
});
