/**
 * The directory search's load client in a process of its own (bench/run.ts registry): it holds
 * only the queries and the client's certificate, not the generated tree nor the heap the import
 * left in the bench's process, so that its garbage collections do not show as the hub's latency.
 *
 *   tsx bench/registry-load.ts ARGS.json   # prints searchLoad's figures as JSON on stdout
 */
import { readFileSync } from 'node:fs';
import { credentialsFromFiles } from '../src/client/tramita-client.ts';
import { searchLoad } from './registry.ts';

const args = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as {
  url: string;
  pid: number;
  files: { cert: string; key: string; ca: string };
  queries: string[];
  warmUp: string[];
};
const figures = await searchLoad(args.url, credentialsFromFiles(args.files), args.pid, args.queries, 8, args.warmUp);
process.stdout.write(JSON.stringify(figures));
