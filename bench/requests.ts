/**
 * `GET tramites/pendentes` against its ceiling (issue "Speed and survival", benchmarks): Elo
 * (certificate verified, registry and revocation checked, the caller's pendências read from the
 * store, every request logged and counted) against a bare Hono app with the same mTLS options
 * (bench/bare-hono-server.ts), both driven by the same lean client (bench/keep-alive-load.ts) in a
 * process of its own. Runs alternate between the two so that the shared machine's load falls on
 * both alike. The client is shown not to be the limit: it drives the bare app at its full rate
 * (the figure does not move when the connections double) and uses well under a core doing it.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnHub } from '../test/harness/spawn-hub.ts';
import type { LoadArgs, LoadFigures } from './keep-alive-load.ts';
import { startChildServer } from './child-server.ts';
import { median, processCpuSeconds, type Measure } from './measure.ts';
import { seededFolder } from './seeded-folder.ts';

const execFileAsync = promisify(execFile);
const PENDENTES = '/interoperabilidade/rest/v3/tramites/pendentes';

const REQUESTS = { connections: 16, warmUpMs: 1_000, durationMs: 5_000, repetitions: 5 };
/** Targets: Elo at half the bare app's rate or more; the client driving the bare app at 20,000/s or more. */
const TARGET_RATIO = 0.5;
const TARGET_CLIENT_RATE = 20_000;

/** One measure: the client in its own process, the server's CPU read from /proc meanwhile. */
async function load(args: LoadArgs, serverPid: number, scratch: string): Promise<LoadFigures & { serverCpu: number }> {
  const file = join(scratch, 'carga.json');
  writeFileSync(file, JSON.stringify(args));
  const cpu0 = processCpuSeconds(serverPid);
  const t0 = performance.now();
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'keep-alive-load.ts'), file]);
  const wall = (performance.now() - t0) / 1000;
  const figures = JSON.parse(stdout) as LoadFigures;
  if (figures.notOk) throw new Error(`${figures.notOk} respostas sem status 200 de ${args.url}${args.path}: a medida não vale`);
  // over the client's whole life (start-up and warm-up included): an upper bound of the server's share
  return { ...figures, serverCpu: (processCpuSeconds(serverPid) - cpu0) / wall };
}

export async function benchRequests(record: (m: Measure) => void): Promise<unknown> {
  const folder = await seededFolder();
  const dir = folder.dir;
  const files = folder.files('sei-estado');
  const hub = await spawnHub(dir);
  const bare = await startChildServer('bare-hono-server.ts', dir);
  try {
    const base = { files, connections: REQUESTS.connections, warmUpMs: REQUESTS.warmUpMs, durationMs: REQUESTS.durationMs };
    const elo = { ...base, url: hub.url, path: `${PENDENTES}?todas=1` };
    const baseline = { ...base, url: bare.url, path: PENDENTES };
    const runs = { elo: [] as Awaited<ReturnType<typeof load>>[], baseline: [] as Awaited<ReturnType<typeof load>>[] };
    for (let r = 0; r < REQUESTS.repetitions; r++) {
      runs.baseline.push(await load(baseline, bare.child.pid!, dir));
      runs.elo.push(await load(elo, hub.child.pid!, dir));
      process.stderr.write(`  pendentes: Elo ${Math.round(runs.elo.at(-1)!.perSecond)}/s, Hono puro ${Math.round(runs.baseline.at(-1)!.perSecond)}/s\n`);
    }
    // the client is not the limit: with twice the connections the bare app answers no faster
    const doubled = await load({ ...baseline, connections: REQUESTS.connections * 2 }, bare.child.pid!, dir);
    const summary = (xs: Awaited<ReturnType<typeof load>>[]) => ({
      perSecond: Math.round(median(xs.map((x) => x.perSecond))),
      p50Ms: +median(xs.map((x) => x.p50Ms)).toFixed(2),
      p95Ms: +median(xs.map((x) => x.p95Ms)).toFixed(2),
      p99Ms: +median(xs.map((x) => x.p99Ms)).toFixed(2),
      clientCpu: +median(xs.map((x) => x.clientCpu)).toFixed(2),
      serverCpu: +median(xs.map((x) => x.serverCpu)).toFixed(2),
      runs: xs.map((x) => Math.round(x.perSecond)),
    });
    const e = summary(runs.elo);
    const b = summary(runs.baseline);
    const ratio = +(e.perSecond / b.perSecond).toFixed(2);
    record({ name: 'requests.pendentes.vazao', value: e.perSecond, unit: 'req/s', baseline: b.perSecond, ratio, target: `≥ ${TARGET_RATIO}× o Hono puro com o mesmo mTLS`, met: ratio >= TARGET_RATIO });
    record({
      name: 'requests.cliente_de_carga.hono_puro',
      value: b.perSecond,
      unit: 'req/s',
      baseline: null,
      ratio: null,
      target: `o cliente de carga leva o Hono puro a ${TARGET_CLIENT_RATE} req/s ou mais`,
      met: b.perSecond >= TARGET_CLIENT_RATE,
    });
    process.stderr.write(
      `pendentes (${REQUESTS.connections} conexões, mediana de ${REQUESTS.repetitions}): Elo ${e.perSecond}/s (p50/p95/p99 ${e.p50Ms}/${e.p95Ms}/${e.p99Ms} ms), ` +
        `Hono puro ${b.perSecond}/s (${b.p50Ms}/${b.p95Ms}/${b.p99Ms} ms): ${ratio}×; ` +
        `cliente ${b.clientCpu} núcleo; Hono puro com ${REQUESTS.connections * 2} conexões: ${Math.round(doubled.perSecond)}/s\n`,
    );
    return {
      connections: REQUESTS.connections,
      measureSeconds: REQUESTS.durationMs / 1000,
      repetitions: REQUESTS.repetitions,
      elo: e,
      bareHono: b,
      ratio,
      bareHonoAtDoubleConnections: { connections: REQUESTS.connections * 2, perSecond: Math.round(doubled.perSecond), clientCpu: +doubled.clientCpu.toFixed(2) },
    };
  } finally {
    await bare.stop();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
