/**
 * What every bench shares: the shape of a measure in `bench/results/latest.json`, the median, and
 * the CPU each process (and the whole machine) used, read from /proc.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * One measure against its target, as `bench/results/latest.json` lists them: `ratio` is Elo's
 * throughput ÷ the baseline's from the same run (1.0 is parity, more is better).
 */
export interface Measure {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
  target: string;
  met: boolean;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export const statFields = (pid: number | string): string[] | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' '); // [0] is field 3 (state), [1] the parent
  } catch {
    return null;
  }
};

/** CPU seconds (user + system) a process has used so far, from /proc (0 when it is gone). */
export function processCpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLK_TCK : 0;
}

/** Busy and total CPU seconds of the whole machine, all cores (other users of the machine included). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = v.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - n[3]! - n[4]!) / CLK_TCK, total: total / CLK_TCK };
}

