/**
 * Large components (issue "Speed and survival", benchmarks): 1 GiB and 5 GiB, uploaded in 50 MiB
 * ranged parts (spec §2.11) and downloaded by 50 MiB ranges (spec §2.19), one request at a time,
 * against the bare transfer server of bench/bare-transfer-server.ts (same mTLS, same multipart
 * bodies and base64 answers, only the unavoidable work), driven by the same client. MiB/s each
 * way, as Elo ÷ baseline over all rounds, and each server's peak resident memory (VmHWM): every
 * round runs against a fresh process on a fresh folder, two rounds of each by default
 * (BENCH_TRANSFER_ROUNDS), alternating which goes first. The client makes the content on the fly
 * (a 1 MiB random block stamped with its index and round) and only counts what comes back: its
 * CPU is reported.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'undici';
import { streamedMultipart } from '../test/harness/multipart-stream.ts';
import { processoBody } from '../test/harness/packages.ts';
import { spawnHub } from '../test/harness/spawn-hub.ts';
import { startChildServer } from './child-server.ts';
import type { Measure } from './measure.ts';
import { seededFolder } from './seeded-folder.ts';

const MiB = 1_048_576;
const PART = 50 * MiB;
const SIZES_GIB = (process.env.BENCH_TRANSFER_GIB ?? '1,5').split(',').map(Number);
/** Rounds of each server per size, alternating which goes first. */
const ROUNDS = Number(process.env.BENCH_TRANSFER_ROUNDS ?? 2);
const TARGET_RATIO = 0.8;
const TARGET_PEAK_RSS_MIB = 200;

const base = randomBytes(MiB);
/** Block i of round r's component: the random block stamped with both (each round stores new bytes, never deduplicated). */
function block(i: number, round: number): Uint8Array {
  const b = Buffer.from(base);
  b.writeBigUInt64BE(BigInt(i), 0);
  b.writeUInt32BE(round, 8);
  return b;
}

function componentHash(size: number, round: number): string {
  const h = createHash('sha256');
  for (let i = 0; i < size / MiB; i++) h.update(block(i, round));
  return h.digest('base64');
}

const peakRssMiB = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Endpoints {
  /** URL and extra multipart fields of the part [ini, fim) */
  part(ini: number, fim: number): { url: string; fields: Record<string, string> };
  range(ini: number, fim: number): { url: string; json: unknown };
  /** after the last part (Elo: end of the ranged upload; metadata read by the receiver) */
  afterUpload?(): Promise<void>;
  /** which component: its blocks are stamped with the round */
  round: number;
  sender: Agent;
  receiver: Agent;
}

/** Upload then download of `size` bytes: MiB/s each way and the client's CPU. */
async function moveComponent(e: Endpoints, size: number) {
  const cpu0 = process.cpuUsage();
  let t0 = performance.now();
  for (let ini = 0; ini < size; ini += PART) {
    const fim = Math.min(size, ini + PART);
    const { url, fields } = e.part(ini, fim);
    const boundary = `elo${ini}`;
    const res = await request(url, {
      method: 'PUT',
      dispatcher: e.sender,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: streamedMultipart(boundary, fields, { name: 'arquivo_externo.bin', type: 'application/pdf', blocks: (fim - ini) / MiB, block: (i) => block(ini / MiB + i, e.round) }) as never,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`envio ${ini}-${fim}: ${res.statusCode} ${text}`);
  }
  await e.afterUpload?.();
  const up = (performance.now() - t0) / 1000;
  t0 = performance.now();
  let received = 0;
  for (let ini = 0; ini < size; ini += PART) {
    const fim = Math.min(size, ini + PART);
    const { url, json } = e.range(ini, fim);
    const res = await request(url, { method: 'POST', dispatcher: e.receiver, headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
    if (res.statusCode !== 200) throw new Error(`download ${ini}-${fim}: ${res.statusCode} ${await res.body.text()}`);
    for await (const chunk of res.body) received += (chunk as Buffer).length;
  }
  const down = (performance.now() - t0) / 1000;
  // the base64 JSON string of each range: its quotes and 4 characters per 3 bytes
  const expected = Math.ceil(size / PART) * 2 + Array.from({ length: Math.ceil(size / PART) }, (_, k) => Math.ceil((Math.min(size, (k + 1) * PART) - k * PART) / 3) * 4).reduce((a, b) => a + b, 0);
  if (received !== expected) throw new Error(`download: ${received} bytes recebidos, ${expected} esperados`);
  const cpu = process.cpuUsage(cpu0);
  return { upMiBps: size / MiB / up, downMiBps: size / MiB / down, clientCpuSeconds: (cpu.user + cpu.system) / 1e6, seconds: up + down };
}

/** A seeded data folder (bench/seeded-folder.ts), and an undici agent per system over its mTLS. */
async function folderWithAgents() {
  const { dir, files } = await seededFolder('elo-bench-transfer-');
  const agent = (id: string) => {
    const f = files(id);
    return new Agent({ connect: { cert: readFileSync(f.cert), key: readFileSync(f.key), ca: readFileSync(f.ca) }, bodyTimeout: 600_000, headersTimeout: 600_000 });
  };
  return { dir, agent };
}

type Moved = Awaited<ReturnType<typeof moveComponent>> & { peakRssMiB: number };

/** Elo: a fresh hub on a fresh folder, a trâmite declaring the component, its parts, the end of the upload, the receiver's metadata read, the download. */
async function eloRound(size: number, round: number): Promise<Moved> {
  const { dir, agent } = await folderWithAgents();
  const hash = componentHash(size, round);
  const hub = await spawnHub(dir);
  try {
    const protocolo = `${round}.${Date.now()}/2026`;
    const pkg = processoBody({ protocolo, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1])] }] });
    const comp = (pkg.body.processo.documentos[0]!.componentesDigitais as { hash: { conteudo: string }; tamanhoEmBytes: number; mimeType: string }[])[0]!;
    comp.hash.conteudo = hash;
    comp.tamanhoEmBytes = size;
    comp.mimeType = 'application/pdf';
    const api = `${hub.url}/interoperabilidade/rest/v3/`;
    const sender = agent('sei-estado');
    const receiver = agent('sei-municipio');
    const started = await request(`${api}tramites/processo`, { method: 'POST', dispatcher: sender, headers: { 'content-type': 'application/json' }, body: JSON.stringify(pkg.body) });
    const { IDT: idt, ticketParaEnvioDeComponentesDigitais: ticket } = (await started.body.json()) as { IDT: number; ticketParaEnvioDeComponentesDigitais: string };
    const fields = { hashDoComponenteDigital: hash, protocolo };
    const moved = await moveComponent(
      {
        sender,
        receiver,
        round,
        part: (ini, fim) => ({ url: `${api}tickets-de-envio-de-componente/${ticket}/protocolos/componentes-a-enviar/partes/${ini}-${fim}`, fields }),
        range: (ini, fim) => ({ url: `${api}tramites/${idt}/protocolos/componentes-digitais/partes/${ini}-${fim}`, json: fields }),
        async afterUpload() {
          for (const [url, a, method, body] of [
            [`${api}tickets-de-envio-de-componente/${ticket}/protocolos/componentes-a-enviar/partes/sinalizacao-termino-envio`, sender, 'POST', JSON.stringify(fields)],
            [`${api}tramites/${idt}`, receiver, 'GET', undefined],
          ] as const) {
            const r = await request(url, { method, dispatcher: a, headers: { 'content-type': 'application/json' }, body });
            if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${await r.body.text()}`);
            await r.body.text();
          }
        },
      },
      size,
    );
    const peak = peakRssMiB(hub.child.pid!);
    await Promise.all([sender.close(), receiver.close()]);
    return { ...moved, peakRssMiB: peak };
  } finally {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The baseline: a fresh bare server, the same parts and ranges. */
async function bareRound(size: number, round: number): Promise<Moved> {
  const { dir, agent } = await folderWithAgents();
  const bare = await startChildServer('bare-transfer-server.ts', dir);
  try {
    const fields = { hashDoComponenteDigital: componentHash(size, round), protocolo: `${round}/2026` };
    const [sender, receiver] = [agent('sei-estado'), agent('sei-municipio')];
    const moved = await moveComponent(
      { sender, receiver, round, part: (ini, fim) => ({ url: `${bare.url}/partes/${ini}-${fim}`, fields }), range: (ini, fim) => ({ url: `${bare.url}/partes/${ini}-${fim}`, json: fields }) },
      size,
    );
    const peak = peakRssMiB(bare.child.pid!);
    await Promise.all([sender.close(), receiver.close()]);
    return { ...moved, peakRssMiB: peak };
  } finally {
    await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Throughput over all rounds (all bytes ÷ all seconds), the highest peak, the client's CPU. */
function overRounds(xs: Moved[], size: number) {
  const total = (size / MiB) * xs.length;
  return {
    upMiBps: total / xs.reduce((a, x) => a + size / MiB / x.upMiBps, 0),
    downMiBps: total / xs.reduce((a, x) => a + size / MiB / x.downMiBps, 0),
    peakRssMiB: Math.max(...xs.map((x) => x.peakRssMiB)),
    clientCpuSeconds: xs.reduce((a, x) => a + x.clientCpuSeconds, 0),
    seconds: xs.reduce((a, x) => a + x.seconds, 0),
    rounds: xs.map((x) => ({ upMiBps: +x.upMiBps.toFixed(1), downMiBps: +x.downMiBps.toFixed(1), peakRssMiB: Math.round(x.peakRssMiB) })),
  };
}

export async function benchTransfer(record: (m: Measure) => void): Promise<unknown> {
  const out: unknown[] = [];
  for (const gib of SIZES_GIB) {
    const size = gib * 1024 * MiB;
    // rounds alternate which server goes first, so that the shared machine's drift falls on both alike
    const runs = { elo: [] as Moved[], bare: [] as Moved[] };
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        runs.elo.push(await eloRound(size, round));
        runs.bare.push(await bareRound(size, round));
      } else {
        runs.bare.push(await bareRound(size, round));
        runs.elo.push(await eloRound(size, round));
      }
    }
    const elo = overRounds(runs.elo, size);
    const baseline = overRounds(runs.bare, size);
    const eloPeak = elo.peakRssMiB;
    const barePeak = baseline.peakRssMiB;
    const r = (x: number) => +x.toFixed(1);
    const upRatio = +(elo.upMiBps / baseline.upMiBps).toFixed(2);
    const downRatio = +(elo.downMiBps / baseline.downMiBps).toFixed(2);
    record({ name: `transferencia.envio.${gib}GiB`, value: r(elo.upMiBps), unit: 'MiB/s', baseline: r(baseline.upMiBps), ratio: upRatio, target: `≥ ${TARGET_RATIO}× o servidor HTTPS puro`, met: upRatio >= TARGET_RATIO });
    record({ name: `transferencia.download.${gib}GiB`, value: r(elo.downMiBps), unit: 'MiB/s', baseline: r(baseline.downMiBps), ratio: downRatio, target: `≥ ${TARGET_RATIO}× o servidor HTTPS puro`, met: downRatio >= TARGET_RATIO });
    record({ name: `transferencia.pico_rss.${gib}GiB`, value: Math.round(eloPeak), unit: 'MiB', baseline: Math.round(barePeak), ratio: null, target: `< ${TARGET_PEAK_RSS_MIB} MiB, o mesmo em 1 e 5 GiB`, met: eloPeak < TARGET_PEAK_RSS_MIB });
    process.stderr.write(
      `${gib} GiB em partes de ${PART / MiB} MiB: envio Elo ${r(elo.upMiBps)} MiB/s, puro ${r(baseline.upMiBps)} MiB/s (${upRatio}×); ` +
        `download Elo ${r(elo.downMiBps)} MiB/s, puro ${r(baseline.downMiBps)} MiB/s (${downRatio}×); pico de memória Elo ${Math.round(eloPeak)} MiB, puro ${Math.round(barePeak)} MiB; ` +
        `CPU do cliente ${r(elo.clientCpuSeconds)} s em ${r(elo.seconds)} s (Elo); ${ROUNDS} rodadas de cada\n`,
    );
    out.push({ gib, partMiB: PART / MiB, rounds: ROUNDS, elo, bare: baseline, upRatio, downRatio });
  }
  return out;
}
