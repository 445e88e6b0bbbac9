import cliProgress from 'cli-progress';
import type { Progresso } from '../client/index.ts';
import type { CliIo } from './io.ts';

/** Components smaller than this finish before a bar could say anything. */
const SHOWN_FROM_BYTES = 4 * 1024 * 1024;
const MIB = 1024 * 1024;

/**
 * One progress bar per large component (cli-progress), on the terminal only (`io.progresso`):
 * `--json` output and pipes stay clean.
 */
export function progressBars(io: CliIo, json: boolean) {
  const stream = json ? undefined : io.progresso;
  if (!stream) return { aoProgredir: undefined, parar: () => {} };
  const multi = new cliProgress.MultiBar(
    {
      stream: stream as NodeJS.WriteStream,
      format: ' {fase} {nome} [{bar}] {percentage}% | {mib}/{totalMib} MiB | {eta_formatted}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      // a stream that is not a terminal (tests) still gets the bar's lines
      noTTYOutput: !(stream as NodeJS.WriteStream).isTTY,
      notTTYSchedule: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const payload = (p: Progresso) => ({ fase: p.fase === 'envio' ? 'enviando' : 'recebendo', nome: p.nome, mib: (p.bytes / MIB).toFixed(1), totalMib: (p.total / MIB).toFixed(1) });
  return {
    aoProgredir(p: Progresso) {
      if (p.total < SHOWN_FROM_BYTES) return;
      const key = `${p.fase}:${p.IDT}:${p.hash}`;
      const bar = bars.get(key);
      if (bar) bar.update(p.bytes, payload(p));
      else bars.set(key, multi.create(p.total, p.bytes, payload(p)));
    },
    parar: () => multi.stop(),
  };
}
