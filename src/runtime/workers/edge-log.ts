import type { Log } from '../../services/deps.ts';
import { scrub } from '../log-scrub.ts';

const RANK = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;

/**
 * The operational log on Workers: one JSON object per event on the console, which Workers Logs
 * and `wrangler tail` collect (README "Rodando na Cloudflare"), scrubbed as on Node (log-scrub.ts).
 */
export function edgeLog(level: keyof typeof RANK, now: () => Date, write: (line: string) => void = (l) => console.log(l)): Log {
  return (entry) => {
    if (RANK[entry.level] < RANK[level]) return;
    write(JSON.stringify({ level: entry.level, at: now().toISOString(), event: entry.event, ...(entry.data === undefined ? {} : { data: scrub(entry.data) }) }));
  };
}
