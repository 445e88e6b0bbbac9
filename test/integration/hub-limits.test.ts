import { connect, type TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTramitaClient, type TramitaClient } from '../../src/client/tramita-client.ts';
import { FixedClock } from '../../src/domain/clock.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * Security test, finding 9: what one client may hold of a hub shared by a whole federation —
 * TLS renegotiation, connections, concurrent requests and long-polls per system, and failed
 * administration tokens.
 */
const held = (t: TestHub, systemId: string) => t.hub.services.admission.inProgress(systemId);

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
}

const longPollClient = (t: TestHub, systemId: string): TramitaClient =>
  createTramitaClient({ hubUrl: t.hub.url, credentials: t.creds[systemId]!, base: '/interoperabilidade/' });

describe('TLS renegotiation', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());

  it('refuses a TLS 1.2 client-initiated renegotiation and closes that connection only', async () => {
    const creds = t.creds['sei-estado']!;
    const socket: TLSSocket = connect({ host: '127.0.0.1', port: t.hub.port, ca: creds.ca, cert: creds.cert, key: creds.key, servername: 'localhost', maxVersion: 'TLSv1.2' });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    expect(socket.getProtocol()).toBe('TLSv1.2');
    // A renegotiation the server allows completes quietly and the connection keeps serving;
    // a refused one closes the connection. A request after it tells which happened.
    const outcome = await new Promise<string>((resolve) => {
      socket.once('data', () => resolve('served after renegotiation'));
      socket.once('error', () => resolve('closed'));
      socket.once('close', () => resolve('closed'));
      socket.renegotiate({ rejectUnauthorized: false }, () => undefined);
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    });
    socket.destroy();
    expect(outcome).toBe('closed');
    // the hub goes on serving new connections
    expect((await t.client('sei-estado').repositorios()).status).toBe(200);
  });
});

describe('concurrent requests per system', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_MAX_REQUESTS_PER_SYSTEM: '25', ELO_MAX_LONG_POLLS_PER_SYSTEM: '30', ELO_LONG_POLL_SECONDS: '2' } });
  });
  afterAll(async () => t?.close());

  it('answers 429 with the limit in Portuguese past the per-system limit, while other systems are served, and frees the slots when requests end', async () => {
    const poller = longPollClient(t, 'sei-estado');
    const polls = Array.from({ length: 25 }, () => poller.call('GET', 'pendencias'));
    await until(() => held(t, 'sei-estado').requests === 25, '25 requests in progress');
    const over = await t.client('sei-estado').repositorios();
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ codigoErro: '9022' });
    expect((over.body as unknown as { mensagem: string }).mensagem).toContain('já tem 25 requisições em andamento');
    expect((await t.client('sei-municipio').repositorios()).status).toBe(200);
    expect((await Promise.all(polls)).map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(held(t, 'sei-estado')).toEqual({ requests: 0, longPolls: 0 });
    expect((await t.client('sei-estado').repositorios()).status).toBe(200);
    await poller.close();
  });
});

describe('long-poll requests per system', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_LONG_POLL_SECONDS: '2' } });
  });
  afterAll(async () => t?.close());

  it('holds at most 4 long-polls of one system by default and answers a fifth with 429, leaving the held ones untouched', async () => {
    const poller = longPollClient(t, 'sei-estado');
    const polls = Array.from({ length: 4 }, () => poller.call('GET', 'pendencias'));
    await until(() => held(t, 'sei-estado').longPolls === 4, '4 long-polls held');
    const fifth = await poller.call('GET', 'pendencias');
    expect(fifth.status).toBe(429);
    expect(fifth.body).toMatchObject({ codigoErro: '9022' });
    expect((fifth.body as { mensagem: string }).mensagem).toContain('consultas de pendências por espera longa');
    // another system's long-poll is its own
    const other = longPollClient(t, 'sei-municipio');
    const otherPoll = other.call('GET', 'pendencias');
    await until(() => held(t, 'sei-municipio').longPolls === 1, 'the other system holds its long-poll');
    expect((await Promise.all(polls)).map((r) => r.body)).toEqual(Array(4).fill({ encontrou: false }));
    expect((await otherPoll).status).toBe(200);
    await poller.close();
    await other.close();
  });
});

describe('connections', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_MAX_CONNECTIONS: '10' } });
  });
  afterAll(async () => t?.close());

  it('drops connections past the configured total and serves again once some close', async () => {
    const creds = t.creds['sei-estado']!;
    const open = (): Promise<TLSSocket | null> =>
      new Promise((resolve) => {
        const s = connect({ host: '127.0.0.1', port: t.hub.port, ca: creds.ca, cert: creds.cert, key: creds.key, servername: 'localhost' });
        s.once('secureConnect', () => resolve(s));
        s.once('error', () => resolve(null));
        s.once('close', () => resolve(null));
      });
    const sockets: (TLSSocket | null)[] = [];
    for (let i = 0; i < 10; i++) sockets.push(await open());
    expect(sockets.every((s) => s !== null)).toBe(true);
    expect(await open()).toBeNull();
    for (const s of sockets) s?.destroy();
    const connections = () => new Promise<number>((r) => t.hub.server.getConnections((_, n) => r(n)));
    for (let i = 0; i < 200 && (await connections()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await t.client('sei-estado').repositorios()).status).toBe(200);
  });
});

describe('administration token attempts', () => {
  const clock = new FixedClock(new Date());
  let t: TestHub;
  let token = '';
  beforeAll(async () => {
    // no periodic sweep in the middle of a test that reads every log line
    t = await startTestHub({ clock, env: { ELO_SWEEP_INTERVAL_SECONDS: '86400' } });
    token = (await import('node:fs')).readFileSync(t.paths.adminToken, 'utf8').trim();
  });
  afterAll(async () => t?.close());
  afterEach(() => vi.restoreAllMocks());

  const admin = (bearer: string) =>
    t.hub.app.request('/admin/api/certificados', { headers: { authorization: `Bearer ${bearer}` } });

  it('logs every failed token with its reason and never the token itself', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    expect((await admin('elo_errado_123')).status).toBe(401);
    const logged = lines.map((l) => JSON.parse(l)).filter((e) => e.event === 'token_admin_recusado');
    expect(logged).toHaveLength(1);
    expect(logged[0].data).toMatchObject({ motivo: 'desconhecido', falhasRecentes: 1 });
    expect(lines.join('')).not.toContain('elo_errado_123');
    // a request with no token is logged, but guesses nothing and is not counted
    for (let i = 0; i < 20; i++) expect((await t.hub.app.request('/admin/api/certificados')).status).toBe(401);
    expect(lines.map((l) => JSON.parse(l)).filter((e) => e.data?.motivo === 'ausente')).toHaveLength(20);
    expect((await admin(token)).status).toBe(200);
    clock.advance(5 * 60_000); // this failure ages out before the next test
  });

  it('refuses an origin after 10 failures within 5 minutes, even with the right token, until the failures age out', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    for (let i = 0; i < 10; i++) expect((await admin(`errado-${i}`)).status).toBe(401);
    const locked = await admin(token);
    expect(locked.status).toBe(429);
    const problem = (await locked.json()) as { code: string; codigoErro: string; detail: string };
    expect(problem).toMatchObject({ code: 'admin_token_rate_limited', codigoErro: '9023' });
    expect(problem.detail).toMatch(/Muitas tentativas .* Tente novamente em 300 s/);
    clock.advance(5 * 60_000);
    expect((await admin(token)).status).toBe(200);
  });
});
