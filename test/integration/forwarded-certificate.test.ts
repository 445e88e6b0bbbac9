import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { X509Certificate } from '../../src/pki/x509.ts';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fingerprint256 } from '../../src/pki/x509.ts';
import { privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { registerCertificate } from '../../src/runtime/register-certificate.ts';
import { TOKEN_FAILURE_LIMIT } from '../../src/services/token-failures.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { CLIENT_AUTH, makeCert, makeCrl, type TestCert } from '../pki/test-pki.ts';

const DAY = 86_400_000;
const REPOS = '/interoperabilidade/rest/v3/repositorios-de-estruturas';
const pem = (c: X509Certificate) => c.toString('pem') + '\n';
const escaped = (p: string) => encodeURIComponent(p);
type Refusal = { codigoErro: string; mensagem: string };

async function viaProxy(t: TestHub, path: string, headers: Record<string, string>) {
  const r = await fetch(t.hub.proxy!.url + path, { headers });
  return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as Refusal };
}

/**
 * README "Atrás de um balanceador": a certificate forwarded by a trusted proxy on the proxy
 * listener is validated exactly as one presented in Elo's own TLS handshake (spec §1.4).
 */
describe('a client certificate forwarded by a trusted proxy', () => {
  let t: TestHub;
  let root: TestCert;
  let int: TestCert;
  let anchorDir = '';
  const now = new Date();
  const leaf = (o: Partial<Parameters<typeof makeCert>[0]> = {}) =>
    makeCert({ subject: 'CN=sei-estado,O=Estado de Exemplo,C=BR', issuer: int, eku: [CLIENT_AUTH], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY), ...o });
  async function register(c: TestCert) {
    if (!(await t.hub.store.registry.getCertificate(await fingerprint256(c.cert)))) await registerCertificate(t.hub.store, 'sei-estado', c.cert, now);
  }
  /** The same certificate and chain, presented directly over mTLS and forwarded through the proxy listener. */
  async function bothWays(c: TestCert, chain: TestCert[] = [int]) {
    const direct = await t
      .client(`d-${c.cert.serialNumber}`, { cert: pem(c.cert) + chain.map((x) => pem(x.cert)).join(''), key: await privateKeyToPem(c.keys.privateKey), ca: t.caPem })
      .repositorios();
    const proxied = await viaProxy(t, REPOS, { 'x-ssl-client-cert': escaped(pem(c.cert) + chain.map((x) => pem(x.cert)).join('')) });
    return { direct: { status: direct.status, body: direct.body as unknown as Refusal }, proxied };
  }

  beforeAll(async () => {
    root = await makeCert({ subject: 'CN=AC Raiz do Estado,O=Estado,C=BR', ca: true, notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() + 3650 * DAY) });
    int = await makeCert({ subject: 'CN=AC do Estado,O=Estado,C=BR', issuer: root, ca: true, pathLength: 0, notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() + 3650 * DAY) });
    anchorDir = mkdtempSync(join(tmpdir(), 'elo-anchor-'));
    writeFileSync(join(anchorDir, 'raiz.pem'), pem(root.cert));
    writeFileSync(join(anchorDir, 'estado.crl'), '');
    t = await startTestHub({
      env: {
        ELO_TRUST_ANCHORS: join(anchorDir, 'raiz.pem'),
        ELO_CRL_FILES: join(anchorDir, 'estado.crl'),
        ELO_TRUSTED_PROXIES: '127.0.0.1,::1',
        ELO_PROXY_LISTEN: '127.0.0.1:0',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(anchorDir, { recursive: true, force: true });
  });

  it('serves a registered system whose leaf alone is forwarded (intermediates from the trust configuration)', async () => {
    const cert = readFileSync(t.seed.sistemas.find((s) => s.id === 'sei-estado')!.certificado, 'utf8');
    const only = cert.slice(0, cert.indexOf('-----END CERTIFICATE-----') + 25);
    const r = await fetch(t.hub.proxy!.url + REPOS, { headers: { 'x-ssl-client-cert': escaped(only) } });
    expect(r.status).toBe(200);
    expect(Array.isArray(await r.json())).toBe(true);
  });

  it('refuses a forwarded certificate of another CA exactly as a direct one', async () => {
    const otherRoot = await makeCert({ subject: 'CN=AC Intrusa,O=Outra,C=BR', ca: true, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
    const stranger = await makeCert({ subject: 'CN=sei-estado,O=Outra,C=BR', issuer: otherRoot, eku: [CLIENT_AUTH], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
    const before = t.snapshot();
    const { direct, proxied } = await bothWays(stranger, [otherRoot]);
    expect(direct.status).toBe(403);
    expect(proxied).toEqual({ status: 403, type: 'application/json; charset=utf-8', body: direct.body });
    expect(proxied.body.codigoErro).toBe('9001');
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a forwarded certificate revoked by its CA’s CRL exactly as a direct one', async () => {
    const victim = await leaf();
    await register(victim);
    const crl = await makeCrl({ issuer: int, thisUpdate: new Date(now.getTime() - DAY), nextUpdate: new Date(now.getTime() + 7 * DAY), revoked: [{ cert: victim.cert, date: now }] });
    const rootCrl = await makeCrl({ issuer: root, thisUpdate: new Date(now.getTime() - DAY), nextUpdate: new Date(now.getTime() + 7 * DAY) });
    writeFileSync(join(anchorDir, 'estado.crl'), crl.toString('pem') + '\n' + rootCrl.toString('pem'));
    const { direct, proxied } = await bothWays(victim);
    expect(direct.status).toBe(403);
    expect(direct.body.mensagem).toMatch(/revog/);
    expect(proxied.status).toBe(403);
    expect(proxied.body).toEqual(direct.body);
  });

  it('refuses a forwarded certificate revoked in the registry exactly as a direct one', async () => {
    const good = await leaf();
    await register(good);
    expect((await bothWays(good)).proxied.status).toBe(200);
    await t.hub.store.registry.revokeCertificate(await fingerprint256(good.cert), now.toISOString());
    const { direct, proxied } = await bothWays(good);
    expect(direct.status).toBe(403);
    expect(proxied.body).toEqual(direct.body);
  });

  it('refuses a malformed forwarded certificate with the protocol JSON and changes nothing', async () => {
    const before = t.snapshot();
    const r = await viaProxy(t, REPOS, { 'x-ssl-client-cert': '-----BEGIN%20CERTIFICATE-----%0Anao-e-base64%0A-----END%20CERTIFICATE-----' });
    expect(r.status).toBe(403);
    expect(r.type).toBe('application/json; charset=utf-8');
    expect(r.body.codigoErro).toBe('9001');
    expect(r.body.mensagem).toMatch(/X-SSL-Client-Cert está malformado/);
    expect(t.snapshot()).toEqual(before);
  });

  it('answers 401 in the protocol JSON when the proxy forwards no certificate', async () => {
    const r = await viaProxy(t, REPOS, {});
    expect(r.status).toBe(401);
    expect(r.body.codigoErro).toBe('9001');
  });

  it('counts admin-token failures per forwarded client, not per proxy', async () => {
    const admin = (origin: string) =>
      fetch(t.hub.proxy!.url + '/admin/api/certificados', { headers: { authorization: 'Bearer errado', 'x-forwarded-for': `6.6.6.6, ${origin}` } });
    for (let i = 0; i < TOKEN_FAILURE_LIMIT.max; i++) expect((await admin('198.51.100.7')).status).toBe(401);
    const locked = await admin('198.51.100.7');
    expect(locked.status).toBe(429);
    expect(JSON.stringify(await locked.json())).toContain('198.51.100.7');
    // another client behind the same proxy is not locked out with the first
    expect((await admin('198.51.100.8')).status).toBe(401);
  });
});

describe('a certificate header from an address that is not a trusted proxy', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_TRUSTED_PROXIES: '10.0.0.0/8', ELO_PROXY_LISTEN: '127.0.0.1:0' } });
  });
  afterAll(async () => t?.close());

  const captureLog = async (fn: () => Promise<void>) => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await fn();
    } finally {
      spy.mockRestore();
    }
    return lines;
  };

  it('is ignored and logged on the mTLS listener even when it carries the valid certificate of a registered system', async () => {
    const cert = readFileSync(t.seed.sistemas.find((s) => s.id === 'sei-estado')!.certificado, 'utf8');
    const agent = new Agent({ connect: { ca: t.caPem } });
    const lines = await captureLog(async () => {
      try {
        const r = await fetch(t.hub.url + REPOS, { dispatcher: agent, headers: { 'x-ssl-client-cert': escaped(cert), 'x-forwarded-for': '10.0.0.1' } });
        expect(r.status).toBe(401);
        expect(((await r.json()) as Refusal).codigoErro).toBe('9001');
      } finally {
        await agent.close();
      }
    });
    const ignored = lines.filter((l) => l.includes('certificado_encaminhado_ignorado'));
    expect(ignored).toHaveLength(1);
    expect(JSON.parse(ignored[0]!).data).toMatchObject({ origem: '127.0.0.1', cabecalho: 'X-SSL-Client-Cert' });
    expect(ignored[0]).not.toContain('BEGIN');
  });

  it('gets nothing from the plain-HTTP proxy listener: refused before the request is read, and logged', async () => {
    const cert = readFileSync(t.seed.sistemas.find((s) => s.id === 'sei-estado')!.certificado, 'utf8');
    const before = t.snapshot();
    const lines = await captureLog(async () => {
      const r = await viaProxy(t, REPOS, { 'x-ssl-client-cert': escaped(cert) });
      expect(r).toMatchObject({ status: 403, type: 'application/json; charset=utf-8', body: { codigoErro: '9002' } });
      expect(r.body.mensagem).toMatch(/somente o proxy configurado em trustedProxies.*127\.0\.0\.1/);
      const admin = await fetch(t.hub.proxy!.url + '/admin/api/certificados', { headers: { authorization: 'Bearer qualquer' } });
      expect(admin.status).toBe(403);
    });
    expect(lines.filter((l) => l.includes('ouvinte_do_proxy_recusado'))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('token_admin_recusado'))).toHaveLength(0);
    expect(t.snapshot()).toEqual(before);
  });
});
