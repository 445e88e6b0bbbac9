/**
 * Elo benchmarks. Every figure is quoted next to a baseline measured in the same run on the same
 * machine (the machines are shared and noisy: ratios travel, absolute numbers do not).
 *
 *   npm run bench            # all
 *   npm run bench -- startup # one
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import { createTramitaClient, credentialsFromFiles, type ClientCredentials } from '../src/client/tramita-client.ts';
import { loadConfig } from '../src/runtime/config.ts';
import { seedDemo } from '../src/runtime/seed-demo.ts';
import { processoBody } from '../test/harness/packages.ts';
import { spawnHub } from '../test/harness/spawn-hub.ts';

const root = resolve(import.meta.dirname, '..');
const MB = 1_048_576;
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const startHub = (dir: string) => spawnHub(dir);

async function benchStartup() {
  const nodeOnly = median([1, 2, 3, 4, 5].map(() => {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    return performance.now() - t0;
  }));
  const first: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'elo-bench-'));
    const a = await startHub(dir);
    first.push(a.ms);
    await a.stop();
    const b = await startHub(dir);
    warm.push(b.ms);
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  results.startup = {
    baselineNodeEmptyMs: Math.round(nodeOnly),
    firstStartMs: Math.round(median(first)),
    warmStartMs: Math.round(median(warm)),
    firstStartVsNode: +(median(first) / nodeOnly).toFixed(1),
  };
}

async function withSeededHub<T>(fn: (h: { url: string; creds: Record<string, ClientCredentials> }) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'elo-bench-'));
  const seed = await seedDemo(loadConfig({ ELO_DATA_DIR: dir }, dir), new Date());
  const creds = Object.fromEntries(seed.sistemas.map((s) => [s.id, credentialsFromFiles({ cert: s.certificado, key: s.chave, ca: s.ac })]));
  const hub = await startHub(dir);
  try {
    return await fn({ url: hub.url, creds });
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchRequests() {
  await withSeededHub(async ({ url, creds }) => {
    const c = creds['sei-estado']!;
    const agent = new Agent({ connect: { cert: c.cert, key: c.key, ca: c.ca }, connections: 4 });
    const rate = async (path: string, n: number) => {
      for (let i = 0; i < 20; i++) await (await fetch(url + path, { dispatcher: agent })).text(); // warm-up
      const t0 = performance.now();
      for (let i = 0; i < n; i += 4)
        await Promise.all([0, 1, 2, 3].map(async () => (await fetch(url + path, { dispatcher: agent })).text()));
      return (n / (performance.now() - t0)) * 1000;
    };
    const open = await rate('/healthz', 2000);
    const authenticated = await rate('/interoperabilidade/rest/v3/tramites/pendentes?todas=1', 2000);
    results.requests = {
      baselineHealthzPerSecond: Math.round(open),
      pendenciasWithCertificateValidationPerSecond: Math.round(authenticated),
      authenticatedVsOpen: +(authenticated / open).toFixed(2),
    };
    await agent.close();
  });
}

async function benchTransfer() {
  const SIZE = 64 * MB;
  const bytes = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i += 4096) bytes[i] = i & 0xff;
  const hash = createHash('sha256').update(bytes).digest('base64');
  // baseline: what the disk and the hash cost without Elo
  const dir = mkdtempSync(join(tmpdir(), 'elo-bench-base-'));
  let t0 = performance.now();
  writeFileSync(join(dir, 'x'), bytes);
  createHash('sha256').update(readFileSync(join(dir, 'x'))).digest('base64');
  const baselineUpload = performance.now() - t0;
  t0 = performance.now();
  Buffer.from(readFileSync(join(dir, 'x'))).toString('base64');
  const baselineDownload = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });

  await withSeededHub(async ({ url, creds }) => {
    const estado = createTramitaClient({ hubUrl: url, credentials: creds['sei-estado']! });
    const municipio = createTramitaClient({ hubUrl: url, credentials: creds['sei-municipio']! });
    const pkg = processoBody({ protocolo: '1.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1])] }] });
    const comp = (pkg.body.processo.documentos[0]!.componentesDigitais as { hash: { conteudo: string }; tamanhoEmBytes: number }[])[0]!;
    comp.hash.conteudo = hash;
    comp.tamanhoEmBytes = SIZE;
    const started = await estado.iniciarProcesso(pkg.body);
    const idt = started.body.IDT as number;
    t0 = performance.now();
    const up = await estado.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { bytes, hash, protocolo: '1.1/2026' });
    const upload = performance.now() - t0;
    if (up.status !== 200) throw new Error(up.text);
    await municipio.metadados(idt);
    t0 = performance.now();
    const RANGE = 16 * MB;
    for (let ini = 0; ini < SIZE; ini += RANGE) {
      const r = await municipio.baixarParte(idt, hash, '1.1/2026', ini, Math.min(SIZE, ini + RANGE));
      if (r.status !== 200) throw new Error(r.text);
    }
    const download = performance.now() - t0;
    results.transfer = {
      sizeMiB: SIZE / MB,
      baselineWriteAndHashMs: Math.round(baselineUpload),
      uploadMs: Math.round(upload),
      uploadMiBps: Math.round(SIZE / MB / (upload / 1000)),
      uploadVsBaseline: +(upload / baselineUpload).toFixed(1),
      baselineReadAndBase64Ms: Math.round(baselineDownload),
      downloadMs: Math.round(download),
      downloadMiBps: Math.round(SIZE / MB / (download / 1000)),
      downloadVsBaseline: +(download / baselineDownload).toFixed(1),
    };
    await estado.close();
    await municipio.close();
  });
}

const all: Record<string, () => Promise<void>> = { startup: benchStartup, requests: benchRequests, transfer: benchTransfer };
const chosen = process.argv.slice(2).filter((a) => all[a]);
for (const name of chosen.length ? chosen : Object.keys(all)) {
  process.stderr.write(`bench ${name}…\n`);
  await all[name]!();
}
console.log(JSON.stringify(results, null, 2));
writeFileSync(join(root, 'bench/results/latest.json'), JSON.stringify(results, null, 2) + '\n');
