import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTramitaClient, type TramitaClient } from '../../src/client/tramita-client.ts';
import { postgresNotifier, TRANSITIONS_CHANNEL, type NotifierEvent } from '../../src/store/postgres/notifier-postgres.ts';
import { startHubNodes, type HubNodes } from '../harness/hub-nodes.ts';
import { processoBody } from '../harness/packages.ts';
import { freshDatabase } from '../harness/stores.ts';

/**
 * Long-poll across nodes (spec §2.15): a transition committed through one node wakes the request
 * held on another, through PostgreSQL's LISTEN/NOTIFY. Run only by the PostgreSQL tier.
 */

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

type Notifier = ReturnType<typeof postgresNotifier>;

/** A database of this test's own: other files run beside it, and notification channels are per database. */
async function ownDatabase(): Promise<string> {
  const db = await freshDatabase();
  cleanup.push(() => db.drop());
  return db.url;
}

async function node(url: string, events?: NotifierEvent[]): Promise<Notifier> {
  const n = postgresNotifier(url, { retryMs: 20, maxRetryMs: 100, onEvent: (e) => events?.push(e) });
  cleanup.push(() => n.close());
  await n.ready;
  return n;
}

/** Resolves when `check` holds; fails after 5 s (100 tries, 50 ms apart). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`never happened: ${what}`);
}

/** Lets notifications in flight arrive: a round trip on each listening connection. */
const settle = () => new Promise((r) => setTimeout(r, 200));

describe('PostgreSQL transition notifier shared by several hub nodes', () => {
  it('wakes the listeners of a system on another node, and only that system’s', async () => {
    const url = await ownDatabase();
    const [a, b] = [await node(url), await node(url)];
    const woken: string[] = [];
    b.subscribe('sei-municipio', () => woken.push('municipio'));
    b.subscribe('sei-outro', () => woken.push('outro'));
    a.notify(['sei-municipio', 'sei-estado']);
    await until(() => woken.length > 0, 'node b woken');
    await settle();
    expect(woken).toEqual(['municipio']);
  });

  it('wakes a listener on the signalling node once, not again when its own notification comes back', async () => {
    const a = await node(await ownDatabase());
    let woken = 0;
    a.subscribe('sei-municipio', () => woken++);
    a.notify(['sei-municipio', 'sei-municipio']);
    expect(woken).toBe(1); // at once, before any round trip
    await settle();
    expect(woken).toBe(1);
  });

  it('delivers a signal naming more systems than one notification carries', async () => {
    const url = await ownDatabase();
    const [a, b] = [await node(url), await node(url)];
    const ids = Array.from({ length: 2000 }, (_, i) => `sistema-com-nome-longo-${i}`);
    const woken = new Set<string>();
    for (const id of ids) b.subscribe(id, () => woken.add(id));
    a.notify(ids);
    await until(() => woken.size === ids.length, 'every system woken');
  });

  it('ignores a foreign notification on its channel that is not Elo’s', async () => {
    const url = await ownDatabase();
    const b = await node(url);
    let woken = 0;
    b.subscribe('sei-municipio', () => woken++);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    cleanup.push(() => other.end());
    await other.query('SELECT pg_notify($1, $2)', [TRANSITIONS_CHANNEL, 'sei-municipio']);
    await other.query('SELECT pg_notify($1, $2)', [TRANSITIONS_CHANNEL, '{"s":"sei-municipio"}']);
    await settle();
    expect(woken).toBe(0);
  });

  it('reconnects after the server drops its connection, has every waiter on every node read again, and hears other nodes again', async () => {
    const url = await ownDatabase();
    const events: NotifierEvent[] = [];
    const [a, b] = [await node(url), await node(url, events)];
    let woken = 0;
    let wokenOnA = 0;
    b.subscribe('sei-municipio', () => woken++);
    // a waiter on the other node: a signal b could not send while disconnected is not waited for
    a.subscribe('sei-estado', () => wokenOnA++);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    cleanup.push(() => admin.end());
    // the server ends every session listening on the channel but a's and the admin's own
    const listening = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid() ORDER BY backend_start DESC LIMIT 1",
    );
    expect(listening.rows).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [listening.rows[0]!.pid]);
    await until(() => events.some((e) => e.event === 'notificador.desconectado'), 'b saw the connection drop');
    await until(() => b.connected() && woken === 1, 'b reconnected and woke its waiter');
    expect(events.filter((e) => e.event === 'notificador.conectado').map((e) => e.data.reconexao)).toEqual([false, true]);
    await until(() => wokenOnA === 1, 'a’s waiter asked to read again');
    a.notify(['sei-municipio']);
    await until(() => woken === 2, 'b hears a after reconnecting');
  });
});

describe('long-poll held on one node while another node makes the change (spec §2.15)', () => {
  let nodes: HubNodes;
  const clients: TramitaClient[] = [];

  it('answers the held request with the new pendência, well before the hold ends', async () => {
    const db = await freshDatabase();
    cleanup.push(() => db.drop());
    // a hold long enough that only a signal can end the wait with a pendência
    nodes = await startHubNodes({ count: 2, databaseUrl: db.url, env: { ELO_LONG_POLL_SECONDS: '30' } });
    cleanup.push(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await nodes.close();
    });
    const [one, two] = nodes.nodes;
    const receiverOnOne = createTramitaClient({ hubUrl: one!.url, credentials: nodes.creds['sei-municipio']!, base: '/interoperabilidade/' });
    const senderOnTwo = createTramitaClient({ hubUrl: two!.url, credentials: nodes.creds['sei-estado']! });
    clients.push(receiverOnOne, senderOnTwo);
    const t0 = performance.now();
    const held = receiverOnOne.call<{ encontrou: boolean; IDT?: number; status?: number }>('GET', 'pendencias', { query: { idTramiteDaPendenciaRecebida: 0 } });
    // the request is held on node one before the start reaches node two
    await new Promise((r) => setTimeout(r, 500));
    const pkg = processoBody({ protocolo: '9.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([7])] }] });
    const started = await senderOnTwo.iniciarProcesso(pkg.body);
    expect(started.status, started.text).toBe(200);
    // the receiver's pendência appears once the hub holds every component (situação 2)
    const [c] = pkg.components.flat();
    const up = await senderOnTwo.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...c!, protocolo: '9.1/2026' });
    expect(up.status, up.text).toBe(200);
    const answer = await held;
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ encontrou: true, IDT: started.body.IDT });
    expect(performance.now() - t0).toBeLessThan(30_000);
  });
});
