/**
 * The full small-trâmite cycle against its ceiling (issue "Speed and survival", benchmarks): Elo on
 * one SQLite node, durable (every acknowledgement synced to disk first), against the minimal
 * in-memory hub of bench/minimal-hub.ts, both driven by the same client (bench/cycle-client.ts)
 * in a process of its own, runs alternating so that the shared machine's load falls on both
 * alike. Ratio: Elo's cycles per second ÷ the minimal hub's. The client is shown not to be the
 * limit: its CPU is reported, and twice the cycles in flight do not raise the minimal hub's rate.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnHub } from '../test/harness/spawn-hub.ts';
import { STEPS, type CycleArgs, type CycleFigures } from './cycle-client.ts';
import { startChildServer } from './child-server.ts';
import { median, processCpuSeconds, type Measure } from './measure.ts';
import { seededFolder } from './seeded-folder.ts';

const execFileAsync = promisify(execFile);

const CYCLE = { concurrency: 16, warmUpMs: 2_000, durationMs: 6_000, repetitions: 5 };
const TARGET_RATIO = 0.7;

async function cycles(args: CycleArgs, serverPid: number, scratch: string): Promise<CycleFigures & { serverCpuMsPerCycle: number }> {
  const file = join(scratch, 'ciclos.json');
  writeFileSync(file, JSON.stringify(args));
  const cpu0 = processCpuSeconds(serverPid);
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cycle-client.ts'), file], { maxBuffer: 16 * 1024 * 1024 });
  const figures = JSON.parse(stdout) as CycleFigures;
  // the server's CPU over the client's whole run (warm-up included), per cycle measured: an upper bound
  const warm = (args.warmUpMs + args.durationMs) / args.durationMs;
  return { ...figures, serverCpuMsPerCycle: ((processCpuSeconds(serverPid) - cpu0) * 1000) / (figures.cycles * warm) };
}

export async function benchCycle(record: (m: Measure) => void): Promise<unknown> {
  const { dir, files } = await seededFolder();
  const minimalArgs = join(dir, 'minimo.json');
  writeFileSync(
    minimalArgs,
    JSON.stringify({ dataDir: dir, systems: ['sei-estado', 'sei-municipio'].map((id) => ({ id, cert: files(id).cert })), units: { '100/1002': 'sei-estado', '200/2002': 'sei-municipio' } }),
  );
  const hub = await spawnHub(dir);
  const minimal = await startChildServer('minimal-hub.ts', minimalArgs);
  try {
    const base = { sender: files('sei-estado'), receiver: files('sei-municipio'), concurrency: CYCLE.concurrency, warmUpMs: CYCLE.warmUpMs, durationMs: CYCLE.durationMs };
    const runs = { elo: [] as Awaited<ReturnType<typeof cycles>>[], minimal: [] as Awaited<ReturnType<typeof cycles>>[] };
    for (let r = 0; r < CYCLE.repetitions; r++) {
      runs.minimal.push(await cycles({ ...base, url: minimal.url }, minimal.child.pid!, dir));
      runs.elo.push(await cycles({ ...base, url: hub.url }, hub.child.pid!, dir));
      process.stderr.write(`  ciclo: Elo ${runs.elo.at(-1)!.cyclesPerSecond.toFixed(1)}/s, hub mínimo ${runs.minimal.at(-1)!.cyclesPerSecond.toFixed(1)}/s\n`);
    }
    const doubled = await cycles({ ...base, url: minimal.url, concurrency: CYCLE.concurrency * 2 }, minimal.child.pid!, dir);
    const summary = (xs: Awaited<ReturnType<typeof cycles>>[]) => ({
      cyclesPerSecond: +median(xs.map((x) => x.cyclesPerSecond)).toFixed(1),
      runs: xs.map((x) => +x.cyclesPerSecond.toFixed(1)),
      serverCpuMsPerCycle: +median(xs.map((x) => x.serverCpuMsPerCycle)).toFixed(1),
      clientCpu: +median(xs.map((x) => x.clientCpu)).toFixed(2),
      steps: Object.fromEntries(STEPS.map((s) => [s, { p50: median(xs.map((x) => x.steps[s].p50)), p95: median(xs.map((x) => x.steps[s].p95)), p99: median(xs.map((x) => x.steps[s].p99)) }])),
    });
    const e = summary(runs.elo);
    const m = summary(runs.minimal);
    const ratio = +(e.cyclesPerSecond / m.cyclesPerSecond).toFixed(2);
    record({ name: 'ciclo.pequeno.vazao', value: e.cyclesPerSecond, unit: 'ciclos/s', baseline: m.cyclesPerSecond, ratio, target: `≥ ${TARGET_RATIO}× o hub mínimo em memória`, met: ratio >= TARGET_RATIO });
    process.stderr.write(
      `ciclo completo (${CYCLE.concurrency} em andamento, mediana de ${CYCLE.repetitions}): Elo ${e.cyclesPerSecond}/s (${e.serverCpuMsPerCycle} ms de CPU do hub por ciclo), ` +
        `hub mínimo ${m.cyclesPerSecond}/s (${m.serverCpuMsPerCycle} ms): ${ratio}×; cliente ${m.clientCpu} núcleo; hub mínimo com ${CYCLE.concurrency * 2} em andamento: ${doubled.cyclesPerSecond.toFixed(1)}/s\n`,
    );
    for (const s of STEPS) process.stderr.write(`  ${s.padEnd(18)} p50/p95/p99 Elo ${e.steps[s]!.p50}/${e.steps[s]!.p95}/${e.steps[s]!.p99} ms, hub mínimo ${m.steps[s]!.p50}/${m.steps[s]!.p95}/${m.steps[s]!.p99} ms\n`);
    return {
      cycle: 'início, envio inteiro de um componente de 2 KiB, recibo de envio, pendências, metadados, download, consulta, recibo de conclusão assinado, busca do recibo (bench/cycle-client.ts)',
      concurrency: CYCLE.concurrency,
      measureSeconds: CYCLE.durationMs / 1000,
      repetitions: CYCLE.repetitions,
      elo: e,
      minimalHub: m,
      ratio,
      minimalHubAtDoubleConcurrency: { concurrency: CYCLE.concurrency * 2, cyclesPerSecond: +doubled.cyclesPerSecond.toFixed(1), clientCpu: +doubled.clientCpu.toFixed(2) },
    };
  } finally {
    await minimal.stop();
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
