/**
 * The full small-trâmite cycle as two SEIs drive it (issue "Speed and survival", benchmarks), each
 * step timed: the sender starts a trâmite of one 2 KiB component and uploads it whole, fetches the
 * signed send receipt; the receiver lists its pendências, reads the metadata, downloads the
 * component, reads the trâmite (consulta) for the time it reached 4, signs and posts the completion
 * receipt; the sender fetches it. `concurrency` cycles in flight until `durationMs` have passed.
 * undici's `request` over kept-alive connections, bodies built by hand: the client must cost far
 * less than the servers it measures (its CPU is reported).
 *
 *   tsx bench/cycle-client.ts ARGS.json   # prints CycleFigures as JSON on stdout
 */
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { completionReceiptString, receiptDate } from '../src/xml/receipt-strings.ts';
import { processoBody } from '../test/harness/packages.ts';

export interface CycleArgs {
  url: string;
  sender: { cert: string; key: string; ca: string };
  receiver: { cert: string; key: string; ca: string };
  concurrency: number;
  warmUpMs: number;
  durationMs: number;
}

export const STEPS = ['inicio', 'envio', 'reciboDeEnvio', 'pendencias', 'metadados', 'download', 'consulta', 'reciboDeConclusao', 'buscaDoRecibo'] as const;
export type Step = (typeof STEPS)[number];

export interface CycleFigures {
  cycles: number;
  seconds: number;
  cyclesPerSecond: number;
  /** p50/p95/p99 of each step, ms */
  steps: Record<Step, { p50: number; p95: number; p99: number }>;
  /** CPU seconds the client used per wall second of the measure: 1.0 is one whole core. */
  clientCpu: number;
}

const BASE = '/interoperabilidade/rest/v3/';

function agentFor(files: { cert: string; key: string; ca: string }, connections: number) {
  return new Agent({ connect: { cert: readFileSync(files.cert), key: readFileSync(files.key), ca: readFileSync(files.ca) }, connections });
}

export async function runCycleLoad(args: CycleArgs): Promise<CycleFigures> {
  const sender = agentFor(args.sender, args.concurrency);
  const receiver = agentFor(args.receiver, args.concurrency);
  const receiverKey = createPrivateKey(readFileSync(args.receiver.key));
  const run = Date.now().toString(36) + randomBytes(3).toString('hex');
  let seq = 0;

  const call = async (agent: Agent, method: 'GET' | 'POST' | 'PUT', path: string, body?: { json?: unknown; raw?: Buffer; type?: string }) => {
    const res = await request(new URL(BASE + path, args.url), {
      method,
      dispatcher: agent,
      headers: { accept: '*/*', 'content-type': body?.type ?? 'application/json' },
      body: body?.raw ?? (body?.json === undefined ? undefined : JSON.stringify(body.json)),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : null;
  };
  const multipart = (bytes: Uint8Array, hash: string, protocolo: string) => {
    const boundary = `----elo${randomBytes(8).toString('hex')}`;
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const raw = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="conteudo"; filename="conteudo.html"\r\nContent-Type: text/html\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n${field('hashDoComponenteDigital', hash)}${field('protocolo', protocolo)}--${boundary}--\r\n`),
    ]);
    return { raw, type: `multipart/form-data; boundary=${boundary}` };
  };

  let measuring = false;
  const samples = Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<Step, number[]>;
  const timed = async <T>(step: Step, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    if (measuring) samples[step].push(performance.now() - t0);
    return r;
  };

  const cycle = async () => {
    const n = ++seq;
    const protocolo = `${n}.${run}/2026`;
    const bytes = new TextEncoder().encode(`<html><body>ciclo ${run} ${n} ${'x'.repeat(2000)}</body></html>`);
    const pkg = processoBody({ protocolo, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytes] }] });
    const hash = pkg.components[0]!.hash;
    const started = (await timed('inicio', () => call(sender, 'POST', 'tramites/processo', { json: pkg.body }))) as { IDT: number; NRE: string; ticketParaEnvioDeComponentesDigitais: string };
    const idt = started.IDT;
    await timed('envio', () => call(sender, 'PUT', `tickets-de-envio-de-componente/${started.ticketParaEnvioDeComponentesDigitais}/protocolos/componentes-a-enviar`, multipart(bytes, hash, protocolo)));
    await timed('reciboDeEnvio', () => call(sender, 'GET', `tramites/${idt}/recibo-de-envio`));
    await timed('pendencias', () => call(receiver, 'GET', 'tramites/pendentes?todas=1'));
    await timed('metadados', () => call(receiver, 'GET', `tramites/${idt}`));
    await timed('download', () => call(receiver, 'POST', `tramites/${idt}/protocolos/componentes-digitais/partes/0-${bytes.length}`, { json: { hashDoComponenteDigital: hash, protocolo } }));
    const view = (await timed('consulta', () => call(receiver, 'GET', `tramites?IDT=${idt}`))) as { tramites: { mudancasDeSituacao: { situacao: number; dataHora: string }[] }[] };
    const at4 = view.tramites[0]!.mudancasDeSituacao.find((m) => m.situacao === 4)!.dataHora;
    const dataDeRecebimento = receiptDate(new Date(at4));
    const text = completionReceiptString({ idt, nre: started.NRE, dataDeRecebimento, hashes: [hash] });
    const hashDaAssinatura = sign('sha256', Buffer.from(text), receiverKey).toString('base64');
    await timed('reciboDeConclusao', () => call(receiver, 'POST', `tramites/${idt}/recibo`, { json: { dataDeRecebimento, hashDaAssinatura } }));
    await timed('buscaDoRecibo', () => call(sender, 'GET', `tramites/${idt}/recibo`));
  };

  let stopAt = performance.now() + args.warmUpMs + args.durationMs;
  let cycles = 0;
  const workers = Array.from({ length: args.concurrency }, async () => {
    while (performance.now() < stopAt) {
      await cycle();
      if (measuring) cycles++;
    }
  });
  await new Promise((r) => setTimeout(r, args.warmUpMs));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  measuring = true;
  // cycles started before the end are awaited and counted, over the time until the last one ended
  await Promise.all(workers);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  stopAt = 0;
  await Promise.all([sender.close(), receiver.close()]);
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return +(s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN).toFixed(2);
  };
  return {
    cycles,
    seconds,
    cyclesPerSecond: cycles / seconds,
    steps: Object.fromEntries(STEPS.map((s) => [s, { p50: pct(samples[s], 0.5), p95: pct(samples[s], 0.95), p99: pct(samples[s], 0.99) }])) as CycleFigures['steps'],
    clientCpu: (cpu.user + cpu.system) / 1e6 / seconds,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await runCycleLoad(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CycleArgs);
  process.stdout.write(JSON.stringify(figures));
}
