import { readFileSync } from 'node:fs';
import type { X509Certificate } from '../../src/pki/x509.ts';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTramitaClient, type ClientCredentials, type TramitaClient } from '../../src/client/tramita-client.ts';
import { FixedClock, ManualTimers } from '../../src/domain/clock.ts';
import { privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { completeTramite } from '../harness/flow.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { nginxBinary, readmeNginxBlock, startNginx, type RunningNginx } from '../harness/nginx.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';
import { CLIENT_AUTH, makeCert } from '../pki/test-pki.ts';

const DAY = 86_400_000;
const MB = 1_048_576;
const REPOS = '/interoperabilidade/rest/v3/repositorios-de-estruturas';
const pem = (c: X509Certificate) => c.toString('pem') + '\n';
type Refusal = { codigoErro: string; mensagem: string };

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`never happened: ${what}`);
}

const missing = !nginxBinary;
if (missing && process.env.CI === 'true') {
  describe('Elo behind nginx', () => {
    it('needs nginx installed (CI installs it: .ci/run)', () => {
      throw new Error('nginx não está instalado (/usr/sbin/nginx); em CI ele é obrigatório');
    });
  });
}

/**
 * README "Atrás de um balanceador (nginx)": Debian's nginx, running the README's block verbatim,
 * terminates TLS, asks for the client certificate (optional_no_ca) and forwards it to Elo's proxy
 * listener, where Elo validates it as a directly presented one (spec §1.4).
 */
describe.skipIf(missing)(`Elo behind nginx${missing ? ' (skipped: nginx is not installed; CI=true makes it a failure)' : ''}`, () => {
  let t: TestHub;
  let nginx: RunningNginx;
  const clock = new FixedClock(new Date());
  const timers = new ManualTimers(clock);
  const viaNginx = (systemId: string, credentials?: Partial<ClientCredentials> & { ca: string }): TramitaClient => {
    const c = createTramitaClient({ hubUrl: nginx.url, credentials: credentials ?? t.creds[systemId]! });
    clients.push(c);
    return c;
  };
  const clients: TramitaClient[] = [];

  beforeAll(async () => {
    t = await startTestHub({ clock, timers, env: { ELO_TRUSTED_PROXIES: '127.0.0.1,::1', ELO_PROXY_LISTEN: '127.0.0.1:0' } });
    // nginx's server certificate: the hub's own, issued by the test hub's CA for 127.0.0.1
    nginx = await startNginx({ upstreamPort: t.hub.proxy!.port, certFile: t.paths.tlsCert, keyFile: t.paths.tlsKey });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await nginx?.close();
    await t?.close();
  });

  it('runs the README block with what the protocol needs and nginx defaults break', () => {
    const block = readmeNginxBlock();
    expect(block).toMatch(/ssl_verify_client optional_no_ca;/);
    expect(Number(/client_max_body_size (\d+)m;/.exec(block)?.[1])).toBeGreaterThanOrEqual(210);
    expect(block).toMatch(/proxy_request_buffering off;/);
    expect(block).toMatch(/proxy_buffering off;/);
    for (const d of ['proxy_read_timeout', 'proxy_send_timeout', 'send_timeout', 'client_body_timeout']) {
      expect(Number(new RegExp(`${d} (\\d+)s;`).exec(block)?.[1]), d).toBeGreaterThanOrEqual(300);
    }
    expect(block).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(nginx.config).toContain(`server 127.0.0.1:${t.hub.proxy!.port};`);
  });

  it('carries a full trâmite 1→6 with client certificates asked by nginx and forwarded to Elo', async () => {
    const docs = [{ bytes: [new TextEncoder().encode('<html><body>Despacho pelo nginx</body></html>')] }, { bytes: [bytesOf(300_000, 3)], mimeType: 'application/pdf', especie: 179 }];
    const pkg = processoBody({ protocolo: '99990.000101/2026-01', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: docs });
    const receiverKey = readFileSync(t.seed.sistemas.find((s) => s.id === 'sei-municipio')!.chave, 'utf8');
    const { idt } = await completeTramite(viaNginx('sei-estado'), viaNginx('sei-municipio'), receiverKey, pkg.body, pkg.components);
    const view = (await viaNginx('sei-estado').tramites({ IDT: idt })).body.tramites[0]!;
    expect(view.situacaoAtual).toBe(6);
    // every call went through nginx, none straight to Elo's mTLS listener
    expect(nginx.accessLog()).toMatch(/PUT \/interoperabilidade\/rest\/v3\/tickets-de-envio-de-componente\/.* 200 /);
    expect(nginx.accessLog()).toMatch(new RegExp(`POST /interoperabilidade/rest/v3/tramites/${idt}/recibo HTTP/1.1" 200`));
    const direct = await new Promise<number>((r) => t.hub.server.getConnections((_e, n) => r(n)));
    expect(direct).toBe(0);
    // uploads and downloads streamed: nginx buffered nothing to a temporary file (it warns when it does)
    expect(nginx.errorLog()).not.toMatch(/buffered to a temporary file/);
  });

  it('refuses a certificate of another CA with the protocol JSON, not nginx’s HTML', async () => {
    const now = clock.now();
    const root = await makeCert({ subject: 'CN=AC Intrusa,O=Outra,C=BR', ca: true, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
    const stranger = await makeCert({ subject: 'CN=sei-estado,O=Outra,C=BR', issuer: root, eku: [CLIENT_AUTH], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
    const before = t.snapshot();
    const r = await viaNginx('x', { cert: pem(stranger.cert) + pem(root.cert), key: await privateKeyToPem(stranger.keys.privateKey), ca: t.caPem }).repositorios();
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((r.body as unknown as Refusal).codigoErro).toBe('9001');
    expect((r.body as unknown as Refusal).mensagem).toMatch(/Transação não autorizada .* common name 'sei-estado'/);
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses an expired self-signed certificate with the protocol JSON even where nginx itself sees an error', async () => {
    const now = clock.now();
    const old = await makeCert({ subject: 'CN=sei-vencido,O=Outra,C=BR', eku: [CLIENT_AUTH], notBefore: new Date(now.getTime() - 30 * DAY), notAfter: new Date(now.getTime() - DAY) });
    const r = await viaNginx('x', { cert: pem(old.cert), key: await privateKeyToPem(old.keys.privateKey), ca: t.caPem }).repositorios();
    expect(r.status).toBe(403);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((r.body as unknown as Refusal).codigoErro).toBe('9001');
    expect(r.text).not.toMatch(/<html/i);
  });

  it('answers 401 in the protocol JSON to a client without certificate, even one that forges the headers', async () => {
    const cert = readFileSync(t.seed.sistemas.find((s) => s.id === 'sei-estado')!.certificado, 'utf8');
    const der = Buffer.from(cert.split('-----')[2]!.replace(/\s+/g, ''), 'base64');
    const agent = new Agent({ connect: { ca: t.caPem } });
    try {
      const r = await fetch(nginx.url + REPOS, {
        dispatcher: agent,
        headers: { 'x-ssl-client-cert': encodeURIComponent(cert), 'client-cert': `:${der.toString('base64')}:`, 'x-forwarded-for': '127.0.0.1' },
      });
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(((await r.json()) as Refusal).codigoErro).toBe('9001');
    } finally {
      await agent.close();
    }
  });

  it('streams a 50 MB component upload through nginx (client_max_body_size)', async () => {
    const big = bytesOf(50 * MB, 11);
    const pkg = processoBody({ protocolo: '99990.000102/2026-01', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [big], mimeType: 'application/pdf', especie: 179 }] });
    const sender = viaNginx('sei-estado');
    const started = await sender.iniciarProcesso(pkg.body);
    expect(started.status, started.text).toBe(200);
    const began = Date.now();
    const up = await sender.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...pkg.components[0]!, protocolo: '99990.000102/2026-01' });
    expect(up.status, up.text).toBe(200);
    expect(Date.now() - began).toBeLessThan(60_000);
    // streamed: nginx wrote no request body to a temporary file (it logs a warning when it does)
    expect(nginx.errorLog()).not.toMatch(/buffered to a temporary file/);
    const idt = started.body.IDT as number;
    const view = (await sender.tramites({ IDT: idt })).body.tramites[0]!;
    expect(view.situacaoAtual).toBe(2);
  }, 120_000);

  it('holds the long-poll through nginx for the whole hold and answers {encontrou: false} at its end', async () => {
    // sei-estado has no pendência (the trâmites above are at 6, and at 2 for the receiver)
    const held = () => t.hub.services.admission.inProgress('sei-estado').longPolls;
    const estado = viaNginx('sei-estado');
    const waiting = estado.call('GET', '../../pendencias', { query: { idTramiteDaPendenciaRecebida: 0 } });
    await until(() => held() === 1, 'the long-poll is held behind nginx');
    timers.advance(279_999);
    await new Promise((r) => setTimeout(r, 50));
    expect(held()).toBe(1);
    timers.advance(1);
    const r = await waiting;
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ encontrou: false });
    expect(held()).toBe(0);
  });
});
