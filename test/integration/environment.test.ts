import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/runtime/config.ts';
import { loadIssuer } from '../../src/runtime/bootstrap.ts';
import { registerCertificate } from '../../src/runtime/register-certificate.ts';
import { generateRsaKeys, issueLeaf, privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { x509 } from '../../src/pki/x509.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * spec §1.4: one certificate never serves two environments. A hub declares its own (ELO_AMBIENTE),
 * its CA writes it into what it issues (subject OU), and a certificate issued for the other
 * environment is refused at the request, naming both, even when registered for a system.
 */
describe('homologação and produção environments', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_AMBIENTE: 'producao' } });
  });
  afterAll(async () => t?.close());

  /** A certificate of the federation CA for sei-estado, registered, with the given OU (or none). */
  const certificate = async (ou: string | null) => {
    const keys = await generateRsaKeys();
    const cert = await issueLeaf({ issuer: await loadIssuer(t.config), subject: `CN=sei-estado, O=Estado${ou ? `, OU=${ou}` : ''}`, publicKey: keys.publicKey, purpose: 'client', at: new Date() });
    await registerCertificate(t.hub.store, 'sei-estado', cert, new Date());
    return t.client('sei-estado', { cert: cert.toString('pem'), key: await privateKeyToPem(keys.privateKey), ca: t.caPem });
  };

  it('writes the hub’s environment into every certificate its CA issues, the hub’s own included', () => {
    for (const s of t.seed.sistemas) expect(new x509.X509Certificate(readFileSync(s.certificado, 'utf8')).subject).toContain('OU=producao');
    expect(new x509.X509Certificate(readFileSync(t.paths.tlsCert, 'utf8')).subject).toContain('OU=producao');
    expect(new x509.X509Certificate(readFileSync(t.paths.signingCert, 'utf8')).subject).toContain('OU=producao');
  });

  it('serves the certificates of its own environment', async () => {
    expect((await t.client('sei-estado').pendentes()).status).toBe(200);
  });

  it('refuses a registered certificate issued for homologação, saying which environment each is, and keeps the store as it was', async () => {
    const client = await certificate('homologacao');
    const before = t.snapshot();
    const r = await client.pendentes();
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ codigoErro: '9001' });
    expect((r.body as unknown as { mensagem: string }).mensagem).toBe(
      "O certificado com common name 'sei-estado' foi emitido para o ambiente de homologação, e este hub é de produção. Use o certificado emitido para produção (um certificado nunca serve aos dois ambientes).",
    );
    expect(t.snapshot()).toEqual(before);
  });

  it('judges a certificate that declares no environment (issued elsewhere, or before) by the registry alone', async () => {
    expect((await (await certificate(null)).pendentes()).status).toBe(200);
  });

  it('refuses a configuration naming an environment it does not know, listing the two', () => {
    try {
      loadConfig({ ELO_AMBIENTE: 'teste' }, '/tmp');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(/ELO_AMBIENTE.*"homologacao".*"producao"/s);
    }
  });
});
