import { execFileSync } from 'node:child_process';
import { X509Certificate, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, ManualTimers } from '../../src/domain/clock.ts';
import { inProcessCli } from '../harness/cli.ts';
import { parseExposition } from '../harness/prometheus-text.ts';
import { MUNICIPIO, startConformanceHub, type Ctx } from '../conformance/support/context.ts';
import { driveTo, fetchMetadata, type Tramite } from '../conformance/support/flow.ts';

/**
 * Push notifications (README "Notificações por webhook") against a real local HTTPS receiver with
 * a certificate of its own: it fails (500, then a refused connection), recovers, redirects; it
 * checks every signature with node:crypto, and the test checks one with `openssl dgst -verify`.
 * The clock is fixed and the worker's timer fired by hand: nothing sleeps.
 */

const RECEIVER_NAME = 'receptor.exemplo';
const PAYLOAD_KEYS = ['IDT', 'NRE', 'chamar', 'evento', 'ocorridoEm', 'sistema', 'situacao', 'tipo'];

interface Received {
  path: string;
  event: string;
  t: number;
  signature: string;
  body: string;
  verified: boolean;
}

type Mode = 'ok' | 'fail' | 'accept-then-fail' | 'redirect' | 'silent' | 'endless';

/** A webhook receiver as a partner would write one: verifies the signature, deduplicates by event id. */
async function startReceiver(tls: { key: string; cert: string }, hubCertPem: string) {
  const hubKey = new X509Certificate(hubCertPem).publicKey;
  const state = { mode: 'ok' as Mode, received: [] as Received[], processed: new Set<string>(), duplicates: [] as string[] };
  const server: Server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const m = /^t=(\d+),v1=([A-Za-z0-9+/=]+)$/.exec(String(req.headers['elo-assinatura'] ?? ''));
      const t = m ? Number(m[1]) : 0;
      const signature = m?.[2] ?? '';
      const verified = !!m && verify('sha256', Buffer.from(`${t}.${body}`), hubKey, Buffer.from(signature, 'base64'));
      const event = String(req.headers['elo-evento'] ?? '');
      state.received.push({ path: req.url ?? '', event, t, signature, body, verified });
      if (state.mode === 'fail') return void res.writeHead(500).end('indisponível');
      if (state.mode === 'redirect') return void res.writeHead(302, { location: `https://127.0.0.1:${port}/outro-lugar` }).end();
      // never answers
      if (state.mode === 'silent') return;
      // accepts, then sends a body that never ends
      if (state.mode === 'endless') {
        res.writeHead(200);
        const more = () => res.write(Buffer.alloc(64 * 1024, 0x61), () => void (state.mode === 'endless' && !res.destroyed && setImmediate(more)));
        return void more();
      }
      if (!verified) return void res.writeHead(401).end();
      // at-least-once delivery: the receiver acts once per event id
      if (state.processed.has(event)) state.duplicates.push(event);
      else state.processed.add(event);
      if (state.mode === 'accept-then-fail') {
        state.mode = 'ok';
        return void res.writeHead(503).end('processado, mas a resposta se perdeu');
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    state,
    port,
    url: (path = '/elo/notificacoes') => `https://127.0.0.1:${port}${path}`,
    /** Stops listening: the hub's connection is refused until `recover`. */
    refuse: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
    recover: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
    close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
  };
}

describe('webhooks: push notifications of new pendências', () => {
  let ctx: Ctx;
  let agent: Agent;
  let dir: string;
  let tls: { key: string; cert: string; certFile: string };
  const clock = new FixedClock(new Date());
  const workerTimers = new ManualTimers();
  // the test's resolver for one name (the runtime's is the system's); a literal IP never reaches it
  const dns = { answer: ['127.0.0.1'] };
  const tokens: Record<'admin' | 'monitor' | 'participante', string> = { admin: '', monitor: '', participante: '' };
  const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'elo-webhook-'));
    const key = join(dir, 'receptor.key.pem');
    const certFile = join(dir, 'receptor.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certFile, '-days', '2', '-subj', '/CN=receptor de teste',
      '-addext', `subjectAltName=IP:127.0.0.1,DNS:${RECEIVER_NAME}`,
    ], { stdio: 'pipe' });
    tls = { key: readFileSync(key, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
    ctx = await startConformanceHub({
      clock,
      webhookTimers: workerTimers,
      webhookTransport: { resolve: async (host) => (host === RECEIVER_NAME ? dns.answer : Promise.reject(new Error(`nome desconhecido: ${host}`))) },
      env: {
        // the receiver is on loopback: allowed explicitly, nothing else of the refused ranges is
        ELO_WEBHOOK_ALLOW: '127.0.0.1/32',
        ELO_WEBHOOK_CA_FILES: certFile,
        ELO_WEBHOOK_MAX_ATTEMPTS: '4',
        ELO_WEBHOOK_RETRY_BASE_SECONDS: '10',
        ELO_WEBHOOK_RETRY_MAX_SECONDS: '40',
        ELO_WEBHOOK_BREAKER_FAILURES: '8',
        ELO_WEBHOOK_BREAKER_SECONDS: '600',
        ELO_WEBHOOK_INTERVAL_SECONDS: '30',
      },
    });
    agent = new Agent({ connect: { ca: ctx.t.caPem } });
    const cli = inProcessCli(() => ctx.t.env, () => ctx.t.dir);
    const token = async (...args: string[]) => {
      const r = await cli('token', 'create', ...args, '--json');
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as { token: string }).token;
    };
    tokens.admin = await token('--role', 'admin', '--rotulo', 'admin de teste');
    tokens.monitor = await token('--role', 'monitor');
    tokens.participante = await token('--role', 'participante', '--participante', '11.111.111/0001-91');
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await agent?.close();
    await ctx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const receiver = async () => {
    const r = await startReceiver(tls, readFileSync(ctx.t.paths.signingCert, 'utf8'));
    receivers.push(r);
    return r;
  };
  const admin = async (who: keyof typeof tokens, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ctx.t.hub.url}/admin/api${path}`, {
      method,
      dispatcher: agent,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const setWebhook = async (url: string | null) => {
    const r = await admin('participante', 'PUT', `/sistemas/${MUNICIPIO}/webhook`, { url });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };
  const deliver = () => ctx.t.hub.services.webhooks.deliverDue();
  const outbox = () => ctx.t.hub.store.webhooks.list({ systemIds: [MUNICIPIO], limit: 1000 });
  /** The notifications a new pendência of the municipio made (situação 2: it must receive). */
  const pendencia = async (): Promise<Tramite> => driveTo(ctx, 2);

  /** A pendência whose notification a failing receiver let die (4 attempts, the test's budget). */
  const deadLetter = async () => {
    const r = await receiver();
    await setWebhook(r.url());
    r.state.mode = 'fail';
    const tr = await pendencia();
    for (let i = 0; i < 4; i++) {
      await deliver();
      clock.advance(40_001);
    }
    const [dead] = (await outbox()).filter((e) => e.idt === tr.idt && e.situacao === 2);
    return { r, tr, dead };
  };

  it('refuses webhook URLs into private, link-local and loopback ranges, plain http and embedded credentials, in Portuguese, and keeps the store as it was', async () => {
    const before = ctx.t.snapshot();
    const cases: [string, RegExp][] = [
      ['https://10.0.0.1/notificacoes', /rede privada/],
      ['https://169.254.169.254/latest/meta-data', /link-local/],
      ['https://[::1]:8443/notificacoes', /loopback/],
      ['https://[fd00::7]/notificacoes', /rede local única/],
      ['https://100.64.0.9/notificacoes', /CGNAT/],
      ['https://127.0.0.2/notificacoes', /loopback/],
      ['http://127.0.0.1:9/notificacoes', /deve usar https/],
      ['https://usuario:senha@127.0.0.1/notificacoes', /usuário ou senha/],
      ['não é url', /não é uma URL válida/],
    ];
    for (const [url, message] of cases) {
      const r = await admin('admin', 'PUT', `/sistemas/${MUNICIPIO}/webhook`, { url });
      expect(r.status, url).toBe(400);
      expect(r.body.codigoErro, url).toBe('9045');
      expect(r.body.detail, url).toMatch(message);
    }
    // a name is resolved and every address checked
    dns.answer = ['200.130.0.1', '10.0.0.1'];
    const named = await admin('admin', 'PUT', `/sistemas/${MUNICIPIO}/webhook`, { url: `https://${RECEIVER_NAME}/notificacoes` });
    expect(named.status).toBe(400);
    expect(named.body.detail).toMatch(/10\.0\.0\.1 é rede privada.*ELO_WEBHOOK_ALLOW/);
    dns.answer = ['127.0.0.1'];
    expect(ctx.t.snapshot()).toEqual(before);
  });

  it('lets a participant administrator set its own system webhook, monitors only read it, and another participant cannot touch it', async () => {
    const r = await receiver();
    expect((await admin('monitor', 'PUT', `/sistemas/${MUNICIPIO}/webhook`, { url: r.url() })).status).toBe(403);
    expect((await admin('participante', 'PUT', '/sistemas/sei-estado/webhook', { url: r.url() })).status).toBe(403);
    await setWebhook(r.url());
    const read = await admin('monitor', 'GET', `/sistemas/${MUNICIPIO}/webhook`);
    expect(read.body).toMatchObject({ sistema: MUNICIPIO, url: r.url() });
    const events = await admin('admin', 'GET', '/eventos?tipo=webhook.definido');
    expect(events.body.eventos[0]).toMatchObject({ tipo: 'webhook.definido', dados: { sistema: MUNICIPIO, url: r.url() } });
    await setWebhook(null);
  });

  it('sets, shows and removes a webhook with elo system webhook, refusing a private address the same way', async () => {
    const cli = inProcessCli(() => ctx.t.env, () => ctx.t.dir);
    const refused = await cli('system', 'webhook', '--id', MUNICIPIO, '--url', 'https://192.168.0.10/notificacoes');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/192\.168\.0\.10 é rede privada/);
    const set = await cli('system', 'webhook', '--id', MUNICIPIO, '--url', 'https://200.130.0.1/elo');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('https://200.130.0.1/elo');
    expect((await admin('admin', 'GET', `/sistemas/${MUNICIPIO}/webhook`)).body).toMatchObject({ url: 'https://200.130.0.1/elo', definidoPor: 'cli' });
    const removed = await cli('system', 'webhook', '--id', MUNICIPIO, '--remover');
    expect(removed.code, removed.err).toBe(0);
    expect((await cli('system', 'webhook', '--id', MUNICIPIO)).out).toMatch(/não tem webhook/);
    expect((await cli('system', 'webhook', '--id', MUNICIPIO, '--url', 'https://200.130.0.1/elo', '--remover')).code).toBe(2);
  });

  it('delivers a small signed notification of each new pendência, verified by the receiver with node:crypto and with openssl, without process content', async () => {
    const r = await receiver();
    await setWebhook(r.url());
    const tr = await pendencia();
    const round = await deliver();
    expect(round).toMatchObject({ entregues: 1, falhas: 0 });
    expect(r.state.received).toHaveLength(1);
    const got = r.state.received[0]!;
    expect(got.verified).toBe(true);
    const payload = JSON.parse(got.body) as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual(PAYLOAD_KEYS);
    expect(payload).toMatchObject({ evento: got.event, tipo: 'pendencia', sistema: MUNICIPIO, IDT: tr.idt, NRE: tr.nre, situacao: 2, chamar: 'GET /interoperabilidade/rest/v3/tramites/pendentes' });
    // identifiers only: neither the protocolo nor anything of the package
    expect(got.body).not.toContain(tr.protocolo);
    expect(got.t).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(got.event).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // README "Notificações por webhook": the receiver's check with openssl, command for command
    const work = mkdtempSync(join(dir, 'openssl-'));
    writeFileSync(join(work, 'corpo.json'), got.body);
    writeFileSync(join(work, 'assinatura.b64'), got.signature);
    execFileSync('sh', ['-c', `openssl x509 -in "${ctx.t.paths.signingCert}" -pubkey -noout > hub-pub.pem`], { cwd: work });
    execFileSync('sh', ['-c', `printf '%s.' "${got.t}" | cat - corpo.json > assinado.txt && openssl base64 -d -A -in assinatura.b64 -out assinatura.bin`], { cwd: work });
    const ok = execFileSync('openssl', ['dgst', '-sha256', '-verify', 'hub-pub.pem', '-signature', 'assinatura.bin', 'assinado.txt'], { cwd: work }).toString();
    expect(ok.trim()).toBe('Verified OK');
    // a changed timestamp breaks it: the receiver's replay window cannot be moved by an attacker
    execFileSync('sh', ['-c', `printf '%s.' "${got.t + 600}" | cat - corpo.json > assinado.txt`], { cwd: work });
    expect(() => execFileSync('openssl', ['dgst', '-sha256', '-verify', 'hub-pub.pem', '-signature', 'assinatura.bin', 'assinado.txt'], { cwd: work, stdio: 'pipe' })).toThrow();

    // the next step of the same trâmite (3: metadata fetched) is a new pendência with its own event
    await fetchMetadata(ctx, tr);
    await deliver();
    expect(r.state.received).toHaveLength(2);
    expect(JSON.parse(r.state.received[1]!.body)).toMatchObject({ IDT: tr.idt, situacao: 3 });
    expect(r.state.received[1]!.event).not.toBe(got.event);
    // polling stays the source of truth: the pendência is there to fetch
    expect((await ctx.municipio.pendentes()).body.some((p) => p.IDT === tr.idt)).toBe(true);
    await setWebhook(null);
  });

  it('retries a failing receiver with backoff and delivers every event after it recovers, duplicates recognisable by event id', async () => {
    const r = await receiver();
    await setWebhook(r.url());
    r.state.mode = 'fail';
    const made = [await pendencia(), await pendencia(), await pendencia()];
    expect(await deliver()).toMatchObject({ falhas: 3, entregues: 0 });
    const failed = (await outbox()).filter((e) => e.state === 'pendente');
    expect(failed).toHaveLength(3);
    for (const e of failed) {
      expect(e.attempts).toBe(1);
      expect(e.lastError).toContain('HTTP 500');
      // exponential with jitter: between half and all of the 10 s base
      const delay = new Date(e.nextAttemptAt).getTime() - clock.now().getTime();
      expect(delay).toBeGreaterThanOrEqual(5_000);
      expect(delay).toBeLessThanOrEqual(10_000);
    }
    // not due yet: nothing is sent
    clock.advance(4_000);
    expect(await deliver()).toMatchObject({ entregues: 0, falhas: 0 });
    expect(r.state.received).toHaveLength(3);

    // the receiver goes away: the connection is refused
    await r.refuse();
    clock.advance(6_001);
    expect(await deliver()).toMatchObject({ falhas: 3 });
    for (const e of (await outbox()).filter((x) => x.state === 'pendente')) {
      expect(e.attempts).toBe(2);
      expect(e.lastError).toMatch(/ECONNREFUSED/);
    }

    // it comes back, and loses the answer of the first delivery it processes: the hub sends that one again
    await r.recover();
    r.state.mode = 'accept-then-fail';
    clock.advance(20_001);
    expect(await deliver()).toMatchObject({ entregues: 2, falhas: 1 });
    clock.advance(40_001);
    expect(await deliver()).toMatchObject({ entregues: 1 });

    const events = (await outbox()).filter((e) => made.some((t) => t.idt === e.idt) && e.situacao === 2);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.state === 'entregue')).toBe(true);
    // no event lost: every one was processed once; the repeat carried the same id
    expect(new Set(events.map((e) => e.id))).toEqual(new Set([...r.state.processed]));
    expect(r.state.duplicates).toHaveLength(1);
    expect(events.map((e) => e.id)).toContain(r.state.duplicates[0]);
    expect(r.state.received.every((x) => x.verified)).toBe(true);
    await setWebhook(null);
  });

  it('dead-letters an event after the retry budget, lists it for the dashboard and replays it', async () => {
    const metrics = async () => {
      const res = await fetch(`${ctx.t.hub.url}/metrics`, { dispatcher: agent, headers: { authorization: `Bearer ${tokens.monitor}` } });
      const e = parseExposition(await res.text());
      return [e.value('elo_webhook_tentativas_total'), e.value('elo_webhook_falhas_total', { motivo: 'http' }) ?? 0, e.value('elo_webhook_cartas_mortas_total')];
    };
    const [attempts0, failures0, dead0] = await metrics();
    const { r, tr, dead } = await deadLetter();
    expect(dead).toMatchObject({ state: 'morta', attempts: 4 });
    expect(r.state.received).toHaveLength(4);
    // the four attempts, their HTTP failures and the dead letter show in /metrics (README "Operação")
    expect(await metrics()).toEqual([attempts0! + 4, failures0! + 4, dead0! + 1]);
    expect(await deliver()).toMatchObject({ falhas: 0, mortas: 0 });

    const listed = await admin('monitor', 'GET', '/webhooks/mortos');
    expect(listed.body.mortos).toContainEqual(expect.objectContaining({ id: dead!.id, sistema: MUNICIPIO, IDT: tr.idt, tentativas: 4, ultimoErro: expect.stringContaining('HTTP 500') }));
    expect((await admin('participante', 'GET', '/webhooks/mortos')).body.mortos.map((m: { id: string }) => m.id)).toContain(dead!.id);
    expect((await admin('admin', 'GET', '/eventos?tipo=webhook.morto')).body.eventos[0]).toMatchObject({ IDT: tr.idt, dados: { evento: dead!.id, tentativas: 4 } });

    // monitors read only; an unknown id is 404
    const before = ctx.t.snapshot();
    expect((await admin('monitor', 'POST', `/webhooks/mortos/${dead!.id}/reenvio`)).status).toBe(403);
    expect((await admin('admin', 'POST', '/webhooks/mortos/nao-existe/reenvio')).status).toBe(404);
    expect(ctx.t.snapshot()).toEqual(before);

    r.state.mode = 'ok';
    const replayed = await admin('participante', 'POST', `/webhooks/mortos/${dead!.id}/reenvio`);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ reenviado: true, notificacao: { id: dead!.id, tentativas: 0 } });
    // a second replay of an event no longer dead is refused and changes nothing
    const again = await admin('admin', 'POST', `/webhooks/mortos/${dead!.id}/reenvio`);
    expect(again.status).toBe(409);
    expect(again.body.codigoErro).toBe('9046');
    expect(await deliver()).toMatchObject({ entregues: 1 });
    expect(r.state.received.at(-1)!.event).toBe(dead!.id);
    expect((await ctx.t.hub.services.webhooks.event(dead!.id))?.state).toBe('entregue');
    expect((await admin('admin', 'GET', '/webhooks/mortos')).body.mortos.map((m: { id: string }) => m.id)).not.toContain(dead!.id);
    await setWebhook(null);
  });

  it('lists a dead notification on the trâmite page of the dashboard and replays it from there, with the session’s CSRF token', async () => {
    const { r, tr, dead } = await deadLetter();
    expect(dead).toMatchObject({ state: 'morta' });
    const origin = new URL(ctx.t.hub.url).origin;
    const page = async (path: string, init: { method?: string; body?: string; cookie?: string } = {}) =>
      fetch(`${ctx.t.hub.url}${path}`, {
        method: init.method ?? 'GET',
        dispatcher: agent,
        redirect: 'manual',
        headers: { origin, ...(init.cookie ? { cookie: init.cookie } : {}), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: init.body,
      });
    const entered = await page('/monitor/entrar', { method: 'POST', body: `token=${encodeURIComponent(tokens.admin)}` });
    const cookie = entered.headers.get('set-cookie')!.split(';')[0]!;
    // the dead-letter list of the dashboard links the trâmite and offers the replay
    const list = await (await page('/monitor/notificacoes', { cookie })).text();
    expect(list).toContain(`data-notificacao="${dead!.id}"`);
    expect(list).toContain(`href="/monitor/tramites/${tr.idt}"`);
    const html = await (await page(`/monitor/tramites/${tr.idt}`, { cookie })).text();
    expect(html).toContain('Notificações não entregues');
    expect(html).toContain(MUNICIPIO);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const form = `/monitor/tramites/${tr.idt}/notificacoes/${dead!.id}/reenvio`;
    expect(html).toContain(`action="${form}"`);

    // without the session's token nothing is replayed
    expect((await page(form, { method: 'POST', cookie, body: '_csrf=' + 'f'.repeat(64) })).status).toBe(403);
    expect((await ctx.t.hub.services.webhooks.event(dead!.id))?.state).toBe('morta');

    r.state.mode = 'ok';
    const replayed = await page(form, { method: 'POST', cookie, body: `_csrf=${csrf}` });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toBe(`/monitor/tramites/${tr.idt}?reenviada=1`);
    expect(await deliver()).toMatchObject({ entregues: 1 });
    expect(r.state.received.at(-1)!.event).toBe(dead!.id);
    expect(await (await page(`/monitor/tramites/${tr.idt}`, { cookie })).text()).not.toContain('Notificações não entregues');
    expect(await (await page('/monitor/notificacoes', { cookie })).text()).not.toContain(`data-notificacao="${dead!.id}"`);
    await setWebhook(null);
  });

  it('does not follow a redirect: the attempt fails and the other location is never called', async () => {
    const r = await receiver();
    await setWebhook(r.url());
    r.state.mode = 'redirect';
    const tr = await pendencia();
    expect(await deliver()).toMatchObject({ falhas: 1 });
    expect(r.state.received.map((x) => x.path)).toEqual(['/elo/notificacoes']);
    const [e] = (await outbox()).filter((x) => x.idt === tr.idt && x.situacao === 2);
    expect(e!.lastError).toMatch(/redirecionamento não seguido.*outro-lugar/);
    r.state.mode = 'ok';
    clock.advance(40_001);
    await deliver();
    expect(r.state.received.map((x) => x.path)).toEqual(['/elo/notificacoes', '/elo/notificacoes']);
    await setWebhook(null);
  });

  it('gives up on a receiver that does not answer within the timeout, and never reads an endless answer beyond a few KB', async () => {
    const r = await receiver();
    await setWebhook(r.url());
    r.state.mode = 'silent';
    const tr = await pendencia();
    const round = deliver();
    for (let i = 0; i < 400 && r.state.received.length === 0; i++) await new Promise((done) => setTimeout(done, 10));
    expect(r.state.received).toHaveLength(1);
    // the attempt's timeout runs on the timer port: 5 s
    workerTimers.advance(4_999);
    workerTimers.advance(1);
    expect(await round).toMatchObject({ falhas: 1 });
    const [e] = (await outbox()).filter((x) => x.idt === tr.idt && x.situacao === 2);
    expect(e!.lastError).toMatch(/sem resposta em 5000 ms/);
    // a 2xx whose body never ends is a delivery: the hub stops reading after 4 KB and closes
    r.state.mode = 'endless';
    clock.advance(40_001);
    expect(await deliver()).toMatchObject({ entregues: 1 });
    r.state.mode = 'ok';
    await setWebhook(null);
  });

  it('checks the address again at each delivery: a name that now resolves to a private address is not called', async () => {
    const r = await receiver();
    dns.answer = ['127.0.0.1'];
    await setWebhook(`https://${RECEIVER_NAME}:${r.port}/elo/notificacoes`);
    dns.answer = ['10.0.0.7'];
    const tr = await pendencia();
    expect(await deliver()).toMatchObject({ falhas: 1 });
    expect(r.state.received).toHaveLength(0);
    const [e] = (await outbox()).filter((x) => x.idt === tr.idt && x.situacao === 2);
    expect(e!.lastError).toMatch(/10\.0\.0\.7 é rede privada/);
    // back to the allowed address: delivered there, TLS checked against the name
    dns.answer = ['127.0.0.1'];
    clock.advance(40_001);
    expect(await deliver()).toMatchObject({ entregues: 1 });
    expect(r.state.received).toHaveLength(1);
    await setWebhook(null);
  });

  it('opens the circuit of a destination after consecutive failures, defers its other events without spending their attempts, and closes it on a successful probe', async () => {
    const r = await receiver();
    await setWebhook(r.url());
    r.state.mode = 'fail';
    for (let i = 0; i < 9; i++) await pendencia();
    expect(await deliver()).toMatchObject({ falhas: 8, adiadas: 1 });
    expect(r.state.received).toHaveLength(8);
    const deferred = (await outbox()).filter((e) => e.state === 'pendente' && e.attempts === 0);
    expect(deferred).toHaveLength(1);
    expect(deferred[0]!.lastError).toMatch(/circuito aberto/);
    // retries fall due while the circuit is open: none is attempted
    clock.advance(60_000);
    expect(await deliver()).toMatchObject({ entregues: 0, falhas: 0, adiadas: 8 });
    expect(r.state.received).toHaveLength(8);
    // after the open period one probe goes through; it succeeds and the rest follow in the same round
    r.state.mode = 'ok';
    clock.advance(600_000);
    expect(await deliver()).toMatchObject({ entregues: 9, falhas: 0 });
    expect(r.state.received).toHaveLength(8 + 9);
    await setWebhook(null);
  });

  it('runs delivery rounds on the worker timer', async () => {
    const r = await receiver();
    await setWebhook(r.url());
    await pendencia();
    workerTimers.advance(30_000);
    await ctx.t.hub.webhookWorker.current();
    expect(r.state.received).toHaveLength(1);
    await setWebhook(null);
  });

  it('gives each due event to one claimer only, as two hub nodes claiming at once', async () => {
    const r = await receiver();
    await setWebhook(r.url());
    for (let i = 0; i < 4; i++) await pendencia();
    const now = clock.now().toISOString();
    const until = new Date(clock.now().getTime() + 60_000).toISOString();
    const [a, b] = await Promise.all([
      ctx.t.hub.store.webhooks.claimDue(now, 'no-a', until, 10),
      ctx.t.hub.store.webhooks.claimDue(now, 'no-b', until, 10),
    ]);
    const ids = [...a, ...b].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    // a claimed event is not claimed again while its lease holds; only its holder may finish it
    expect(await ctx.t.hub.store.webhooks.claimDue(now, 'no-c', until, 10)).toEqual([]);
    expect(await ctx.t.hub.store.webhooks.finish(ids[0]!, 'no-c', { state: 'entregue', at: now, attempts: 1 })).toBe(false);
    // the lease ends: the events are due again and delivered
    clock.advance(60_001);
    expect((await deliver()).entregues).toBeGreaterThanOrEqual(4);
    await setWebhook(null);
  });

  it('forgets delivered notifications a week after delivery, and keeps dead letters', async () => {
    const r = await receiver();
    await setWebhook(r.url());
    const tr = await pendencia();
    await deliver();
    const [delivered] = (await outbox()).filter((e) => e.idt === tr.idt && e.situacao === 2);
    expect(delivered!.state).toBe('entregue');
    const dead = (await outbox()).filter((e) => e.state === 'morta').length;
    clock.advance(7 * 86_400_000 - 1);
    await deliver();
    expect(await ctx.t.hub.services.webhooks.event(delivered!.id)).not.toBeNull();
    clock.advance(2);
    await deliver();
    expect(await ctx.t.hub.services.webhooks.event(delivered!.id)).toBeNull();
    expect((await outbox()).filter((e) => e.state === 'morta').length).toBe(dead);
    await setWebhook(null);
  });
});
