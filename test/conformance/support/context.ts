import { expect } from 'vitest';
import type { Answer, TramitaClient } from '../../../src/client/tramita-client.ts';
import type { Clock, Timers } from '../../../src/domain/clock.ts';
import type { Workflow } from '../../../src/domain/situacao.ts';
import type { FreeSpace } from '../../../src/services/deps.ts';
import { startTestHub, type TestHub } from '../../harness/hub.ts';
import { workerTestHub } from '../../harness/worker-hub.ts';
import { rawConnection, type RawConnection } from './http.ts';

/** The runtime this run's conformance hubs are: Node (default) or the Worker (ELO_TEST_RUNTIME=workers, `npm run test:workers`). */
export const testRuntime = (): 'node' | 'workers' => (process.env.ELO_TEST_RUNTIME === 'workers' ? 'workers' : 'node');

/**
 * The conformance hub as a Worker (harness/worker-hub.ts), with the Node hub's surface; a clock is
 * carried to the Worker (harness/workers/clock-entry.ts). A file that injects timers, free space or
 * a workflow needs the Node hub: asked here, it says so.
 */
async function workersConformanceHub(opts: { clock?: Clock; timers?: unknown; freeSpace?: unknown; workflow?: unknown; env?: Record<string, string> }): Promise<TestHub> {
  const injected = (['timers', 'freeSpace', 'workflow'] as const).filter((k) => opts[k] !== undefined);
  if (injected.length) throw new Error(`o hub no Workers não aceita ${injected.join(', ')} injetado(s): este arquivo roda só no Node`);
  return (await workerTestHub({ ...(opts.env ? { env: opts.env } : {}), ...(opts.clock ? { clock: opts.clock } : {}) })) as unknown as TestHub;
}

export const ESTADO = 'sei-estado';
export const MUNICIPIO = 'sei-municipio';
export type SystemId = typeof ESTADO | typeof MUNICIPIO;

export type ErrorBody = { codigoErro: string; mensagem: string };

/**
 * One conformance hub per test file: a real hub over HTTPS with client certificates (the demo
 * federation), typed clients for both systems, raw connections for wire quirks, and the checks
 * every file needs.
 */
export interface Ctx {
  t: TestHub;
  estado: TramitaClient;
  municipio: TramitaClient;
  client(system: SystemId): TramitaClient;
  /** A shared raw connection pool of a system (or without a client certificate). */
  raw(system: SystemId | 'anon'): RawConnection;
  /** A new, separate connection pool (one TCP/TLS connection unless told otherwise). */
  connection(system: SystemId, connections?: number): RawConnection;
  /** A protocolo unique within this hub (spec §3.1: ≤ 50 characters). */
  protocolo(label?: string): string;
  /** A seed for `bytesOf` unique within this hub, so that every trâmite has its own hashes. */
  seed(): number;
  close(): Promise<void>;
}

export async function startConformanceHub(
  opts: { clock?: Clock; timers?: Timers; env?: Record<string, string>; freeSpace?: FreeSpace; workflow?: Workflow } & Pick<Parameters<typeof startTestHub>[0] & {}, 'webhookTimers' | 'webhookTransport'> = {},
): Promise<Ctx> {
  // No periodic background sweep during a test file (spec §5.4 sweeps are driven explicitly),
  // so that before/after snapshots only see what the request under test did.
  const t = testRuntime() === 'workers' ? await workersConformanceHub(opts) : await startTestHub({ ...opts, env: { ELO_SWEEP_INTERVAL_SECONDS: '86400', ...opts.env } });
  const pools = new Map<string, RawConnection>();
  const extra: RawConnection[] = [];
  const credentials = (system: SystemId | 'anon') => (system === 'anon' ? { ca: t.caPem } : t.creds[system]!);
  let seq = 0;
  const estado = t.client(ESTADO);
  const municipio = t.client(MUNICIPIO);
  return {
    t,
    estado,
    municipio,
    client: (system) => (system === ESTADO ? estado : municipio),
    raw(system) {
      let pool = pools.get(system);
      if (!pool) {
        pool = rawConnection(t.hub.url, credentials(system));
        pools.set(system, pool);
      }
      return pool;
    },
    connection(system, connections = 1) {
      const c = rawConnection(t.hub.url, credentials(system), connections);
      extra.push(c);
      return c;
    },
    protocolo: (label = 'P') => `${label}.${String(++seq).padStart(6, '0')}/2026`,
    seed: () => 1000 + ++seq,
    async close() {
      await Promise.all([...pools.values(), ...extra].map((c) => c.close()));
      await t.close();
    },
  };
}

/** Success is any 2xx (spec §1.5.6): the body of an ignored response may be empty. */
export function expect2xx(r: Answer<unknown>, what = ''): void {
  expect(r.status, `${what} → ${r.status} ${r.text}`).toBeGreaterThanOrEqual(200);
  expect(r.status, `${what} → ${r.status} ${r.text}`).toBeLessThan(300);
}

/** An error answer of the Tramita face (spec §1.5.7): JSON with a 4-digit `codigoErro` string. */
export function expectError(r: Answer<unknown>, status: number, codigoErro?: string): ErrorBody {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const body = r.body as ErrorBody;
  expect(body.codigoErro).toMatch(/^\d{4}$/);
  expect(typeof body.mensagem).toBe('string');
  expect(body.mensagem.length).toBeGreaterThan(0);
  if (codigoErro) expect(body.codigoErro, body.mensagem).toBe(codigoErro);
  return body;
}

/**
 * A refusal of bad input leaves the store exactly as it was: every row and every blob file
 * (issue "Done when"). Returns the error message for further checks.
 */
export async function refusedWithoutChange(
  ctx: Ctx,
  call: () => Promise<Answer<unknown>>,
  status: number,
  codigoErro?: string,
): Promise<string> {
  const before = await ctx.t.snapshot();
  const r = await call();
  const body = expectError(r, status, codigoErro);
  expect(await ctx.t.snapshot()).toEqual(before);
  return body.mensagem;
}

/** A store snapshot: at once on Node, read through Miniflare on the Worker (hence awaited). */
type Snapshot = Awaited<ReturnType<TestHub['snapshot']>>;
type EventRow = { seq: number; kind: string; idt: number | null; data_json: string };

/**
 * A refused completion receipt (spec §2.20, §7.2): the store is exactly as it was except for the
 * one `recibo.rejeitado` event that alerts monitors (SEI refuses its own trâmite on any error
 * there). Returns the error message and the event's data.
 */
export async function refusedWithAlert(
  ctx: Ctx,
  idt: number,
  call: () => Promise<Answer<unknown>>,
  status: number,
  codigoErro?: string,
): Promise<{ mensagem: string; event: Record<string, unknown> }> {
  const before = await ctx.t.snapshot();
  const r = await call();
  const body = expectError(r, status, codigoErro);
  const after = await ctx.t.snapshot();
  const split = (s: Snapshot) => {
    // the audit chain's head moves with the event it links (issue 11 §7)
    const { audit_events: events, audit_chains: _head, ...rows } = s.rows;
    return { rest: { rows, files: s.files }, events: events as EventRow[] };
  };
  const b = split(before);
  const a = split(after);
  expect(a.rest).toEqual(b.rest);
  expect(a.events.slice(0, b.events.length)).toEqual(b.events);
  const added = a.events.slice(b.events.length);
  expect(added.map((e) => [e.kind, e.idt])).toEqual([['recibo.rejeitado', idt]]);
  return { mensagem: body.mensagem, event: JSON.parse(added[0]!.data_json) as Record<string, unknown> };
}
