import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { X509Certificate } from '../../src/pki/x509.ts';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { fingerprint256 } from '../../src/pki/x509.ts';
import { privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { registerCertificate } from '../../src/runtime/register-certificate.ts';
import { CLIENT_AUTH, makeCert, makeCrl, pingPongChain, SERVER_AUTH, type TestCert } from '../pki/test-pki.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

const DAY = 86_400_000;

/**
 * Trust "Done when": the transfer faces refuse each bad certificate with the explained message,
 * end to end over mTLS. The hub trusts an extra anchor from configuration (a second PKI, EC
 * P-256 throughout, as a state's own CA would be) and reads its CRL file as it changes.
 */
/** Trust-anchor folders the hubs of this file read, removed when their hub stops. */
const anchorDirs: string[] = [];

describe('certificate refusals on the Tramita face, over mTLS', () => {
  let t: TestHub;
  let root: TestCert;
  let int: TestCert;
  const now = new Date();
  let crlFile = '';

  const pem = (c: X509Certificate) => c.toString('pem') + '\n';
  async function register(c: TestCert) {
    if (await t.hub.store.registry.getCertificate(fingerprint256(c.cert))) return;
    await registerCertificate(t.hub.store, 'sei-estado', c.cert, now);
  }
  async function call(leaf: TestCert, chain: TestCert[] = [int], opts: { weakClient?: boolean } = {}) {
    await register(leaf);
    const client = t.client(`c-${leaf.cert.serialNumber}`, {
      // OpenSSL clients refuse to even present a SHA-1 certificate at the default security
      // level; an old client would not, and that is what the hub must refuse.
      ...(opts.weakClient ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
      cert: pem(leaf.cert) + chain.map((c) => pem(c.cert)).join(''),
      key: await privateKeyToPem(leaf.keys.privateKey),
      ca: t.caPem,
    });
    return client.repositorios();
  }
  const refusal = (r: { status: number; body: unknown }) => {
    expect(r.status).toBe(403);
    const body = r.body as unknown as { codigoErro: string; mensagem: string };
    expect(body.codigoErro).toBe('9001');
    return body.mensagem;
  };
  const leaf = (o: Partial<Parameters<typeof makeCert>[0]> = {}) =>
    makeCert({ subject: 'CN=sei-estado,O=Estado de Exemplo,C=BR', issuer: int, eku: [CLIENT_AUTH], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY), ...o });

  beforeAll(async () => {
    root = await makeCert({ subject: 'CN=AC Raiz do Estado,O=Estado,C=BR', ca: true, notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() + 3650 * DAY) });
    int = await makeCert({ subject: 'CN=AC do Estado,O=Estado,C=BR', issuer: root, ca: true, pathLength: 0, notBefore: new Date(now.getTime() - 10 * DAY), notAfter: new Date(now.getTime() + 3650 * DAY) });
    const { mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'elo-anchor-'));
    anchorDirs.push(dir);
    writeFileSync(join(dir, 'raiz.pem'), pem(root.cert));
    crlFile = join(dir, 'estado.crl');
    t = await startTestHub({ env: { ELO_TRUST_ANCHORS: join(dir, 'raiz.pem'), ELO_CRL_FILES: crlFile } });
  });
  afterAll(async () => {
    await t?.close();
    for (const d of anchorDirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('accepts a good EC chain under a configured extra trust anchor', async () => {
    expect((await call(await leaf())).status).toBe(200);
  });

  it('refuses an expired certificate, saying when it expired', async () => {
    const msg = refusal(await call(await leaf({ notBefore: new Date(now.getTime() - 30 * DAY), notAfter: new Date(now.getTime() - DAY) })));
    expect(msg).toContain('cert_expired');
    expect(msg).toMatch(/expirou/);
  });

  it('refuses a certificate not yet valid', async () => {
    expect(refusal(await call(await leaf({ notBefore: new Date(now.getTime() + 5 * DAY) })))).toContain('cert_not_yet_valid');
  });

  it('refuses a certificate without clientAuth', async () => {
    expect(refusal(await call(await leaf({ eku: [SERVER_AUTH] })))).toContain('ext_key_usage_missing');
  });

  it('refuses a SHA-1 signed certificate by policy', async () => {
    expect(refusal(await call(await leaf({ hash: 'SHA-1' }), [int], { weakClient: true }))).toContain('weak_signature');
  });

  it('refuses a self-signed leaf', async () => {
    const self = await makeCert({ subject: 'CN=sei-estado,O=Eu Mesmo,C=BR', eku: [CLIENT_AUTH], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + DAY) });
    expect(refusal(await call(self, []))).toMatch(/self_signed_leaf|chain_untrusted/);
  });

  it('refuses a chain whose intermediate is not a CA', async () => {
    const notCa = await makeCert({ subject: 'CN=Falsa AC,O=Estado,C=BR', issuer: root, ca: false, keyUsage: null, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
    expect(refusal(await call(await leaf({ issuer: notCa }), [notCa]))).toContain('not_a_ca');
  });

  it('refuses a chain that exceeds the intermediate path length', async () => {
    const sub = await makeCert({ subject: 'CN=Sub AC,O=Estado,C=BR', issuer: int, ca: true, notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
    expect(refusal(await call(await leaf({ issuer: sub }), [sub, int]))).toContain('path_len_exceeded');
  });

  it('refuses a leaf whose intermediate is neither sent nor known, naming the missing issuer', async () => {
    const msg = refusal(await call(await leaf(), []));
    expect(msg).toContain('chain_untrusted');
    expect(msg).toContain('AC do Estado');
  });

  it('accepts a good chain presented with its root as well (3 certificates)', async () => {
    expect((await call(await leaf(), [int, root])).status).toBe(200);
  });

  it('refuses more than 10 presented certificates before building any path, naming the leaf', async () => {
    const window = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) };
    const { leaf: made, pool } = await pingPongChain(5, window);
    const copies = pool.map((cert) => ({ cert, keys: made.keys }));
    const msg = refusal(await call(made, copies));
    expect(msg).toContain("common name 'cliente-inventado'");
    expect(msg).toContain('O cliente apresentou 11 certificados');
    expect(msg).toContain('(código: chain_too_large)');
  });

  it('refuses copies of CAs certifying each other within the count limit by the path-building limits', async () => {
    const window = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) };
    const { leaf: made, pool } = await pingPongChain(4, window);
    const msg = refusal(await call(made, pool.map((cert) => ({ cert, keys: made.keys }))));
    expect(msg).toContain('(código: chain_too_complex)');
    expect(msg).toContain('Apresente apenas o certificado e as ACs intermediárias reais da sua cadeia.');
    expect((await call(await leaf())).status).toBe(200);
  });

  it('refuses a certificate revoked in the configured CRL, at the next request after the file changes', async () => {
    const victim = await leaf();
    expect((await call(victim)).status).toBe(200);
    const crl = await makeCrl({ issuer: int, thisUpdate: new Date(now.getTime() - DAY), nextUpdate: new Date(now.getTime() + 7 * DAY), revoked: [{ cert: victim.cert, date: now }] });
    const rootCrl = await makeCrl({ issuer: root, thisUpdate: new Date(now.getTime() - DAY), nextUpdate: new Date(now.getTime() + 7 * DAY) });
    writeFileSync(crlFile, crl.toString('pem') + '\n' + rootCrl.toString('pem'));
    expect(refusal(await call(victim))).toContain('cert_revoked');
    expect((await call(await leaf())).status).toBe(200);
  });

  it('refuses certificates of a CA whose CRL is stale', async () => {
    const stale = await makeCrl({ issuer: int, thisUpdate: new Date(now.getTime() - 20 * DAY), nextUpdate: new Date(now.getTime() - 10 * DAY) });
    writeFileSync(crlFile, stale.toString('pem'));
    expect(refusal(await call(await leaf()))).toContain('crl_stale');
    writeFileSync(crlFile, '');
    expect((await call(await leaf())).status).toBe(200);
  });
});

describe('CRL soft-fail configured per anchor', () => {
  it('accepts a chain whose CRL is stale only under an anchor configured as soft-fail, and still refuses a revoked one', async () => {
    const now = new Date();
    const window = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) };
    const strictRoot = await makeCert({ subject: 'CN=Raiz Estrita,O=A,C=BR', ca: true, ...window });
    const softRoot = await makeCert({ subject: 'CN=Raiz Tolerante,O=B,C=BR', ca: true, ...window });
    const { mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'elo-soft-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'estrita.pem'), strictRoot.cert.toString('pem'));
    writeFileSync(join(dir, 'tolerante.pem'), softRoot.cert.toString('pem'));
    const stale = (issuer: TestCert, revoked: X509Certificate[] = []) =>
      makeCrl({ issuer, thisUpdate: new Date(now.getTime() - 20 * DAY), nextUpdate: new Date(now.getTime() - 10 * DAY), revoked: revoked.map((cert) => ({ cert })) });
    const strictLeaf = await makeCert({ subject: 'CN=sei-estado,O=A,C=BR', issuer: strictRoot, eku: [CLIENT_AUTH], ...window });
    const softLeaf = await makeCert({ subject: 'CN=sei-estado,O=B,C=BR', issuer: softRoot, eku: [CLIENT_AUTH], ...window });
    const revokedLeaf = await makeCert({ subject: 'CN=sei-estado,O=B2,C=BR', issuer: softRoot, eku: [CLIENT_AUTH], ...window });
    writeFileSync(join(dir, 'lcr.pem'), (await stale(strictRoot)).toString('pem') + '\n' + (await stale(softRoot, [revokedLeaf.cert])).toString('pem'));
    const t = await startTestHub({
      env: { ELO_TRUST_ANCHORS: join(dir, 'estrita.pem'), ELO_CRL_SOFT_FAIL_ANCHORS: join(dir, 'tolerante.pem'), ELO_CRL_FILES: join(dir, 'lcr.pem') },
    });
    try {
      const as = async (c: TestCert) => {
        await registerCertificate(t.hub.store, 'sei-estado', c.cert, now);
        return t.client(c.cert.serialNumber, { cert: c.cert.toString('pem'), key: await privateKeyToPem(c.keys.privateKey), ca: t.caPem }).repositorios();
      };
      expect((await as(softLeaf)).status).toBe(200);
      const strict = await as(strictLeaf);
      expect(strict.status).toBe(403);
      expect((strict.body as unknown as { mensagem: string }).mensagem).toContain('crl_stale');
      expect(((await as(revokedLeaf)).body as unknown as { mensagem: string }).mensagem).toContain('cert_revoked');
    } finally {
      await t.close();
    }
  });
});
