/**
 * A load client lean enough to measure a server that answers tens of thousands of requests per
 * second over mTLS: raw TLS sockets kept alive, one request in flight on each, every answer framed
 * by its Content-Length or its chunks and checked for status 200. An HTTP client library (undici's
 * fetch tops out near 2,000/s here) would be the bottleneck and its ratios would say nothing.
 *
 *   tsx bench/keep-alive-load.ts ARGS.json   # prints LoadFigures as JSON on stdout
 *
 * It runs in a process of its own so that its CPU is measured apart from the bench's.
 */
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';

export interface LoadArgs {
  url: string;
  path: string;
  files: { cert: string; key: string; ca: string };
  connections: number;
  warmUpMs: number;
  durationMs: number;
}

export interface LoadFigures {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** CPU seconds this client used per wall second of the measure: 1.0 is one whole core. */
  clientCpu: number;
  /** Answers whose status was not 200: the measure is void if any. */
  notOk: number;
}

/** Bytes of one HTTP/1.1 answer, or null while incomplete. Handles Content-Length and chunked bodies. */
export function answerLength(buf: Buffer): { length: number; status: number } | null {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (cl) {
    const length = headEnd + 4 + Number(cl[1]);
    return buf.length >= length ? { length, status } : null;
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) return { length: headEnd + 4, status };
  let at = headEnd + 4;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (size === 0) {
      // no trailers are sent by the servers measured here: the last chunk ends with one empty line
      return buf.length >= lineEnd + 4 ? { length: lineEnd + 4, status } : null;
    }
    at = lineEnd + 2 + size + 2;
    if (buf.length < at) return null;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN;
}

export async function keepAliveLoad(args: LoadArgs): Promise<LoadFigures> {
  const target = new URL(args.url);
  const tls = { cert: readFileSync(args.files.cert), key: readFileSync(args.files.key), ca: readFileSync(args.files.ca) };
  const request = Buffer.from(`GET ${args.path} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: application/json\r\n\r\n`, 'latin1');
  let measuring = false;
  let stopAt = Infinity;
  let latencies = new Float64Array(1 << 20);
  let count = 0;
  let notOk = 0;

  const sockets: TLSSocket[] = [];
  const done = Array.from(
    { length: args.connections },
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host: target.hostname, port: Number(target.port), servername: target.hostname === '127.0.0.1' ? undefined : target.hostname, ...tls });
        sockets.push(socket);
        socket.setNoDelay(true);
        let pending: Buffer = Buffer.alloc(0);
        let sentAt = 0;
        const send = () => {
          if (performance.now() >= stopAt) return void socket.end(resolve);
          sentAt = performance.now();
          socket.write(request);
        };
        socket.once('secureConnect', send);
        socket.on('data', (chunk: Buffer) => {
          pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
          const answer = answerLength(pending);
          if (!answer) return;
          pending = pending.subarray(answer.length);
          if (measuring) {
            if (answer.status !== 200) notOk++;
            if (count === latencies.length) {
              const grown = new Float64Array(latencies.length * 2);
              grown.set(latencies);
              latencies = grown;
            }
            latencies[count++] = performance.now() - sentAt;
          }
          send();
        });
        socket.on('error', reject);
      }),
  );

  await new Promise((r) => setTimeout(r, args.warmUpMs));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  measuring = true;
  await new Promise((r) => setTimeout(r, args.durationMs));
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  stopAt = 0;
  await Promise.race([Promise.all(done), new Promise((r) => setTimeout(r, 5_000))]);
  for (const s of sockets) s.destroy();

  const sorted = latencies.subarray(0, count).sort();
  return {
    requests: count,
    seconds,
    perSecond: count / seconds,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    notOk,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await keepAliveLoad(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadArgs);
  process.stdout.write(JSON.stringify(figures));
}
