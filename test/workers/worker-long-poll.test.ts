import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseToMunicipio as release } from '../harness/flow.ts';
import { bytesOf } from '../harness/packages.ts';
import { rawConnection, type RawConnection } from '../conformance/support/http.ts';
import type { DurableObjectNamespace } from '../../src/runtime/workers/durable-object-types.ts';
import { startWorkerHub, workerSnapshot, type WorkerHub } from '../harness/worker-hub.ts';

const HOLD_S = 8;
const LONG_POLL = '/interoperabilidade/pendencias?idTramiteDaPendenciaRecebida=0';
type Answer = { encontrou: boolean; IDT?: number; status?: number };

/**
 * The held long-poll (spec §2.15) on Workers, where a request and the change it waits for are in
 * different isolates: two copies of the Worker on one D1, R2 and Durable Object namespace, the
 * edge sending each request to the copy the test picks. Nothing in memory is shared between the
 * copies; only the system's Durable Object (pendencias-object.ts) can carry the signal.
 */
describe('long-poll pendências across Worker isolates (a Durable Object per system)', () => {
  let hub: WorkerHub;
  const connections: RawConnection[] = [];
  const connection = (system: string) => {
    const c = rawConnection(hub.url, hub.creds[system]!, 1);
    connections.push(c);
    return c;
  };
  const poll = async (system: string) => {
    const t0 = Date.now();
    const r = await connection(system).request<Answer>('GET', LONG_POLL);
    expect(r.status, r.text).toBe(200);
    return { ...r.body, ms: Date.now() - t0 };
  };
  /** A trâmite from the estado to the município, its components uploaded: pendência 2 of the município. */
  let seq = 0;
  const releaseToMunicipio = () => {
    seq++;
    return release(hub.client('sei-estado'), `00002.${String(seq).padStart(6, '0')}/2026-01`, bytesOf(2_000, 40 + seq));
  };
  /** How many held requests of `system` wait on its object now (the object's own count, from Node). */
  const waiting = async (system: string) => {
    const ns = (await hub.mf.getDurableObjectNamespace('PENDENCIAS')) as unknown as DurableObjectNamespace;
    const answer = await ns.get(ns.idFromName(system)).fetch('https://pendencias/sinal', { method: 'POST' });
    return ((await answer.json()) as { aguardando: number }).aguardando;
  };
  const until = async (what: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await what()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  beforeAll(async () => {
    hub = await startWorkerHub({ replicas: 2, env: { ELO_LONG_POLL_SECONDS: String(HOLD_S) } });
  }, 120_000);
  afterAll(async () => {
    for (const c of connections) await c.close();
    await hub?.close();
  });

  it('wakes a request held by one isolate as soon as another isolate commits the change, long before the hold ends', async () => {
    hub.useReplica(0);
    const held = poll('sei-municipio');
    await until(async () => (await waiting('sei-municipio')) === 1);
    hub.useReplica(1);
    const idt = await releaseToMunicipio();
    const r = await held;
    expect(r).toMatchObject({ encontrou: true, IDT: idt, status: 2 });
    expect(r.ms).toBeLessThan((HOLD_S - 3) * 1000);
  });

  it('runs the two copies as isolates of their own: each links its writes into an audit chain of its own', async () => {
    hub.useReplica(0);
    await releaseToMunicipio();
    hub.useReplica(1);
    await releaseToMunicipio();
    const { rows } = await workerSnapshot(hub);
    const chains = new Set((rows.audit_events as { chain: string }[]).map((e) => e.chain).filter((c) => c.startsWith('worker-')));
    expect(chains.size).toBe(2);
  });

  it('keeps one socket on the object while a request is held and closes it when the hold ends with nothing pending', async () => {
    hub.useReplica(0);
    // the estado has no pendência: only the receipt of one of its trâmites would give it one
    const held = poll('sei-estado');
    await until(async () => (await waiting('sei-estado')) === 1);
    expect(await waiting('sei-estado')).toBe(1);
    const r = await held;
    expect(r.encontrou).toBe(false);
    expect(r.ms).toBeGreaterThanOrEqual(HOLD_S * 1000 - 500);
    await until(async () => (await waiting('sei-estado')) === 0);
    expect(await waiting('sei-estado')).toBe(0);
  });
});
