import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import { isEloError } from '../../src/domain/errors.ts';
import type { PeerCertificate } from '../../src/domain/identity.ts';
import {
  canonicalAddress,
  forwardedClient,
  forwardedClientAddress,
  IGNORED_HEADER_LOG_PER_MINUTE,
  parseForwardedCertificate,
  parseNetwork,
  trustedProxyMatcher,
} from '../../src/runtime/forwarded-client.ts';
import { loadConfig } from '../../src/runtime/config.ts';
import type { Log } from '../../src/services/deps.ts';
import { federation } from '../pki/test-pki.ts';

const b64 = (d: Uint8Array) => Buffer.from(d).toString('base64');
const pemOf = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${b64(der).replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
/** What nginx's $ssl_client_escaped_cert writes: the PEM, URL-encoded (ngx_escape_uri, component). */
const nginxEscaped = (pem: string) => encodeURIComponent(pem);

describe('forwarded client certificate headers', async () => {
  const { int, leaf } = await federation();
  const leafDer = new Uint8Array(leaf.cert.rawData);
  const intDer = new Uint8Array(int.cert.rawData);

  it('reads the leaf from nginx $ssl_client_escaped_cert (URL-encoded PEM)', () => {
    const r = parseForwardedCertificate(nginxEscaped(pemOf(leafDer)));
    expect(r).toEqual({ ok: true, value: { leaf: leafDer, chain: [] } });
  });

  it('reads the tab-folded PEM of the older $ssl_client_cert and further PEM blocks as the chain', () => {
    const folded = (pemOf(leafDer) + pemOf(intDer)).replace(/\n/g, '\n\t');
    const r = parseForwardedCertificate(nginxEscaped(folded));
    expect(r).toEqual({ ok: true, value: { leaf: leafDer, chain: [intDer] } });
  });

  it('reads an RFC 9440 Client-Cert byte sequence and its Client-Cert-Chain', () => {
    const r = parseForwardedCertificate(`:${b64(leafDer)}:`, `:${b64(intDer)}:, :${b64(intDer)}:`);
    expect(r).toEqual({ ok: true, value: { leaf: leafDer, chain: [intDer, intDer] } });
  });

  it.each([
    ['a broken URL escape', '%E0%A4%A'],
    ['text that is no PEM', 'certificado'],
    ['a PEM with text around it', nginxEscaped('lixo' + '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')],
    ['a PEM that is not base64', nginxEscaped('-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----')],
    ['a PEM of another kind', nginxEscaped('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----')],
    ['an unterminated byte sequence', ':AAAA'],
    ['a byte sequence that is not base64', ':AA*A:'],
    ['an empty byte sequence', '::'],
    ['an oversized value', ':' + 'A'.repeat(200_000) + ':'],
  ])('refuses %s', (_what, value) => {
    const r = parseForwardedCertificate(value);
    expect(r.ok).toBe(false);
  });

  it('refuses a Client-Cert-Chain that is not a list of byte sequences', () => {
    expect(parseForwardedCertificate(`:${b64(leafDer)}:`, `${b64(intDer)}`).ok).toBe(false);
  });
});

describe('trusted proxy addresses', () => {
  it('matches IPv4 addresses and CIDR blocks', () => {
    const m = trustedProxyMatcher(['10.0.0.0/8', '192.0.2.7']);
    expect(m('10.200.3.4')).toBe(true);
    expect(m('11.0.0.1')).toBe(false);
    expect(m('192.0.2.7')).toBe(true);
    expect(m('192.0.2.8')).toBe(false);
    expect(m('0.0.0.0')).toBe(false);
  });

  it('matches IPv6 addresses and CIDR blocks, compressed or not', () => {
    const m = trustedProxyMatcher(['fd00:1234::/32', '::1']);
    expect(m('fd00:1234:ffff::9')).toBe(true);
    expect(m('fd00:1235::9')).toBe(false);
    expect(m('0:0:0:0:0:0:0:1')).toBe(true);
    expect(m('::2')).toBe(false);
  });

  it('treats an IPv4-mapped IPv6 peer as its IPv4 address, both ways', () => {
    expect(trustedProxyMatcher(['127.0.0.1'])('::ffff:127.0.0.1')).toBe(true);
    expect(trustedProxyMatcher(['::ffff:10.0.0.0/104'])('10.9.9.9')).toBe(true);
    expect(trustedProxyMatcher(['10.0.0.0/8'])('::ffff:a00:1')).toBe(true);
    expect(trustedProxyMatcher(['10.0.0.0/8'])('::ffff:b00:1')).toBe(false);
    expect(canonicalAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalAddress('2001:0DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalAddress('2001:db8:0:1:0:0:0:0')).toBe('2001:db8:0:1::');
    expect(canonicalAddress('::1')).toBe('::1');
    expect(canonicalAddress('::')).toBe('::');
    expect(canonicalAddress('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(canonicalAddress('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
  });

  it('trusts nobody when the list is empty, and no unparseable address', () => {
    expect(trustedProxyMatcher([])('127.0.0.1')).toBe(false);
    expect(trustedProxyMatcher(['0.0.0.0/0'])('not-an-ip')).toBe(false);
    expect(trustedProxyMatcher(['0.0.0.0/0'])(null)).toBe(false);
  });

  it.each(['10.0.0.0/33', '::/129', '256.0.0.1', '10.0.0', '1::2::3', 'fd00::/x', 'localhost', '01.2.3.4'])('rejects the entry %s', (e) => {
    expect(parseNetwork(e)).toBeNull();
    expect(() => trustedProxyMatcher([e])).toThrow();
  });

  it('takes the right-most X-Forwarded-For entry that is not a trusted proxy', () => {
    const trusted = trustedProxyMatcher(['10.0.0.0/8']);
    expect(forwardedClientAddress('6.6.6.6, 198.51.100.9, 10.0.0.5', undefined, trusted)).toBe('198.51.100.9');
    expect(forwardedClientAddress('198.51.100.9:4431', undefined, trusted)).toBe('198.51.100.9');
    expect(forwardedClientAddress('[2001:db8::1]:443', undefined, trusted)).toBe('2001:db8::1');
    expect(forwardedClientAddress(undefined, '203.0.113.4', trusted)).toBe('203.0.113.4');
    expect(forwardedClientAddress('lixo', '203.0.113.4', trusted)).toBe('203.0.113.4');
    expect(forwardedClientAddress(undefined, undefined, trusted)).toBeNull();
  });
});

describe('the peer ports behind trusted proxies', async () => {
  const { leaf } = await federation();
  const header = nginxEscaped(pemOf(new Uint8Array(leaf.cert.rawData)));
  const direct: PeerCertificate = { leaf: new Uint8Array([1]), chain: [] };
  const ctx = (remote: string, headers: Record<string, string>) =>
    ({ remote, req: { header: (n: string) => headers[n.toLowerCase()] } }) as unknown as Context;
  const setup = () => {
    const lines: Parameters<Log>[0][] = [];
    let now = 0;
    const peer = forwardedClient({
      trustedProxies: ['10.0.0.0/8'],
      clientCertHeader: 'X-SSL-Client-Cert',
      direct: { certificate: () => direct, address: (c) => (c as unknown as { remote: string }).remote },
      log: (e) => lines.push(e),
      clock: { now: () => new Date(now) },
    });
    return { peer, lines, advance: (ms: number) => (now += ms) };
  };

  it('uses the forwarded certificate and client address from a trusted proxy', () => {
    const { peer, lines } = setup();
    const c = ctx('::ffff:10.1.1.1', { 'x-ssl-client-cert': header, 'x-forwarded-for': '6.6.6.6, 198.51.100.9' });
    expect(peer.peerCertificate(c)?.leaf).toEqual(new Uint8Array(leaf.cert.rawData));
    expect(peer.peerAddress(c)).toBe('198.51.100.9');
    expect(lines).toEqual([]);
  });

  it('ignores the header and the forwarded address from any other address, logging one bounded line', () => {
    const { peer, lines } = setup();
    const c = ctx('198.51.100.9', { 'x-ssl-client-cert': header, 'x-forwarded-for': '10.1.1.1' });
    expect(peer.peerCertificate(c)).toBe(direct);
    expect(peer.peerAddress(c)).toBe('198.51.100.9');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', event: 'certificado_encaminhado_ignorado', data: { origem: '198.51.100.9', cabecalho: 'X-SSL-Client-Cert', caracteres: header.length } });
    expect(JSON.stringify(lines[0])).not.toContain('BEGIN');
  });

  it('writes at most a bounded number of ignored-header lines a minute, then says how many it left out', () => {
    const { peer, lines, advance } = setup();
    const c = ctx('198.51.100.9', { 'x-ssl-client-cert': header });
    for (let i = 0; i < 1000; i++) peer.peerCertificate(c);
    expect(lines).toHaveLength(IGNORED_HEADER_LOG_PER_MINUTE);
    advance(60_000);
    peer.peerCertificate(c);
    expect(lines).toHaveLength(IGNORED_HEADER_LOG_PER_MINUTE + 1);
    expect(lines.at(-1)!.data).toMatchObject({ omitidosAntes: 1000 - IGNORED_HEADER_LOG_PER_MINUTE });
  });

  it('refuses a malformed header from a trusted proxy with the certificate refusal, never falling back', () => {
    const { peer } = setup();
    let thrown: unknown;
    try {
      peer.peerCertificate(ctx('10.1.1.1', { 'x-ssl-client-cert': 'lixo' }));
    } catch (e) {
      thrown = e;
    }
    expect(isEloError(thrown) && thrown.code === 'certificate_refused' && thrown.status === 403 && thrown.codigoErro === '9001').toBe(true);
    expect((thrown as { mensagem: string }).mensagem).toMatch(/X-SSL-Client-Cert está malformado/);
  });

  it('falls back to the connection when a trusted proxy forwards no certificate', () => {
    const { peer } = setup();
    expect(peer.peerCertificate(ctx('10.1.1.1', {}))).toBe(direct);
    expect(peer.peerCertificate(ctx('10.1.1.1', { 'x-ssl-client-cert': '' }))).toBe(direct);
  });

  it('reads only the configured header: Client-Cert is ignored when X-SSL-Client-Cert is configured', () => {
    const { peer } = setup();
    const c = ctx('10.1.1.1', { 'client-cert': `:${b64(new Uint8Array(leaf.cert.rawData))}:` });
    expect(peer.peerCertificate(c)).toBe(direct);
  });

});

describe('proxy configuration', () => {
  it('reads trusted proxies, the header and the proxy listener from ELO_* variables', () => {
    const c = loadConfig({ ELO_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8,127.0.0.1', ELO_CLIENT_CERT_HEADER: 'Client-Cert', ELO_PROXY_LISTEN: '[::1]:8080' }, '/tmp');
    expect(c.trustedProxies).toEqual(['10.0.0.0/8', 'fd00::/8', '127.0.0.1']);
    expect(c.clientCertHeader).toBe('Client-Cert');
    expect(c.proxyListen).toBe('[::1]:8080');
    expect(loadConfig({}, '/tmp')).toMatchObject({ trustedProxies: [], clientCertHeader: 'X-SSL-Client-Cert', proxyListen: '' });
  });

  it('refuses to start with an invalid trusted proxy, header name or listener, naming the field', () => {
    expect(() => loadConfig({ ELO_TRUSTED_PROXIES: '10.0.0.0/33' }, '/tmp')).toThrow(/trustedProxies.*ELO_TRUSTED_PROXIES.*CIDR inválido/s);
    expect(() => loadConfig({ ELO_CLIENT_CERT_HEADER: 'X SSL' }, '/tmp')).toThrow(/clientCertHeader/);
    expect(() => loadConfig({ ELO_TRUSTED_PROXIES: '127.0.0.1', ELO_PROXY_LISTEN: '8080' }, '/tmp')).toThrow(/proxyListen/);
  });

  it('refuses a proxy listener without trusted proxies: nothing forwarded could ever be accepted on it', () => {
    expect(() => loadConfig({ ELO_PROXY_LISTEN: '127.0.0.1:8080' }, '/tmp')).toThrow(/proxyListen.*exige trustedProxies/s);
  });
});
