import { X509CrlReason } from '../x509.ts';
import { describe, expect, it } from 'vitest';
import {
  AT,
  CLIENT_AUTH,
  federation,
  makeCert,
  makeCrl,
  SERVER_AUTH,
} from '../../../test/pki/test-pki.ts';
import { verifyCertificate } from './index.ts';

describe('verifyCertificate', () => {
  it('returns the chain leaf first and anchor last, with no warnings, for a good chain', async () => {
    const { root, int, leaf } = await federation();
    const result = await verifyCertificate({
      leaf: leaf.cert.toString('pem'),
      intermediates: [new Uint8Array(int.cert.rawData)],
      anchors: [root.cert],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({ valid: true, warnings: [] });
    expect(result.chain.map((c) => c.subject)).toEqual([
      'CN=sei.teste.gov.br,O=Prefeitura,C=BR',
      'CN=AC de Teste,O=Federacao,C=BR',
      'CN=Raiz de Teste,O=Federacao,C=BR',
    ]);
  });

  it('judges validity at the given instant, never at the current time', async () => {
    const root = await makeCert({
      subject: 'CN=Raiz 2010,C=BR',
      ca: true,
      notBefore: new Date('2010-01-01T00:00:00Z'),
      notAfter: new Date('2011-01-01T00:00:00Z'),
    });
    const leaf = await makeCert({
      subject: 'CN=folha 2010,C=BR',
      issuer: root,
      eku: [CLIENT_AUTH],
      notBefore: new Date('2010-01-01T00:00:00Z'),
      notAfter: new Date('2011-01-01T00:00:00Z'),
    });
    const input = { leaf: leaf.cert, anchors: [root.cert], purpose: 'client' as const };
    expect(
      (await verifyCertificate({ ...input, at: new Date('2010-06-01T00:00:00Z') })).valid,
    ).toBe(true);
    expect(await verifyCertificate({ ...input, at: AT })).toMatchObject({
      valid: false,
      code: 'cert_expired',
    });
  });

  it('reports an expired leaf with an otherwise good chain as cert_expired, naming the leaf', async () => {
    const { root, int } = await federation();
    const leaf = await makeCert({
      subject: 'CN=vencido,C=BR',
      issuer: int,
      eku: [CLIENT_AUTH],
      notAfter: new Date('2026-01-01T00:00:00Z'),
    });
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({
      valid: false,
      code: 'cert_expired',
      certificate: { subject: 'CN=vencido,C=BR' },
    });
    expect(result.chain).toHaveLength(3);
  });

  it('names the missing intermediate and asks for it when the chain cannot be built', async () => {
    const { root, leaf } = await federation();
    const result = await verifyCertificate({
      leaf: leaf.cert,
      anchors: [root.cert],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({ valid: false, code: 'chain_untrusted' });
    if (!result.valid) {
      expect(result.message).toContain(
        'o certificado do emissor "CN=AC de Teste,O=Federacao,C=BR" não foi fornecido',
      );
      expect(result.message).toContain('Forneça o certificado da AC intermediária');
    }
  });

  it('refuses a revoked intermediate with the revocation date and reason', async () => {
    const { root, int, leaf } = await federation();
    const crl = await makeCrl({
      issuer: root,
      revoked: [{ cert: int.cert, reason: X509CrlReason.cACompromise }],
    });
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      crls: [crl],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({
      valid: false,
      code: 'cert_revoked',
      certificate: { subject: 'CN=AC de Teste,O=Federacao,C=BR' },
    });
    if (!result.valid)
      expect(result.message).toContain(
        'foi revogado em 2025-10-01T00:00:00Z (motivo: comprometimento da AC)',
      );
  });

  it('turns a stale CRL into a warning when staleCrlSoftFail is set', async () => {
    const { root, int, leaf } = await federation();
    const stale = await makeCrl({
      issuer: int,
      thisUpdate: new Date('2025-11-01T00:00:00Z'),
      nextUpdate: new Date('2025-12-01T00:00:00Z'),
    });
    const input = {
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      crls: [stale],
      at: AT,
      purpose: 'client' as const,
    };
    expect(await verifyCertificate(input)).toMatchObject({ valid: false, code: 'crl_stale' });
    const soft = await verifyCertificate({ ...input, policy: { staleCrlSoftFail: true } });
    expect(soft).toMatchObject({ valid: true, warnings: [{ code: 'crl_stale' }] });
  });

  it('still refuses a certificate listed on a stale CRL under staleCrlSoftFail', async () => {
    const { root, int, leaf } = await federation();
    const stale = await makeCrl({
      issuer: int,
      thisUpdate: new Date('2025-11-01T00:00:00Z'),
      nextUpdate: new Date('2025-12-01T00:00:00Z'),
      revoked: [{ cert: leaf.cert }],
    });
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      crls: [stale],
      at: AT,
      purpose: 'client',
      policy: { staleCrlSoftFail: true },
    });
    expect(result).toMatchObject({ valid: false, code: 'cert_revoked' });
  });

  it('requires a CRL for every issuer below the anchor under revocation "require"', async () => {
    const { root, int, leaf } = await federation();
    const intCrl = await makeCrl({ issuer: int });
    const rootCrl = await makeCrl({ issuer: root });
    const input = {
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      at: AT,
      purpose: 'client' as const,
      policy: { revocation: 'require' as const },
    };
    expect(await verifyCertificate({ ...input, crls: [intCrl] })).toMatchObject({
      valid: false,
      code: 'crl_missing',
      certificate: { subject: 'CN=AC de Teste,O=Federacao,C=BR' },
    });
    expect((await verifyCertificate({ ...input, crls: [intCrl, rootCrl] })).valid).toBe(true);
  });

  it('ignores CRLs entirely when revocation is off', async () => {
    const { root, int, leaf } = await federation();
    const crl = await makeCrl({ issuer: int, revoked: [{ cert: leaf.cert }] });
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      crls: [crl],
      at: AT,
      purpose: 'client',
      policy: { revocation: 'off' },
    });
    expect(result.valid).toBe(true);
  });

  it('refuses a CRL forged under the issuer name as crl_invalid', async () => {
    const { root, int, leaf } = await federation();
    const impostor = await makeCert({ subject: 'CN=AC de Teste,O=Federacao,C=BR', ca: true });
    const forged = await makeCrl({ issuer: int, signingKeys: impostor.keys });
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      crls: [forged],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({ valid: false, code: 'crl_invalid' });
  });

  it('refuses SHA-1 signatures by default and accepts them when the policy allows', async () => {
    const { root, int } = await federation();
    const leaf = await makeCert({
      subject: 'CN=sha1,C=BR',
      issuer: int,
      eku: [CLIENT_AUTH],
      hash: 'SHA-1',
    });
    const input = {
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      at: AT,
      purpose: 'client' as const,
    };
    expect(await verifyCertificate(input)).toMatchObject({ valid: false, code: 'weak_signature' });
    expect((await verifyCertificate({ ...input, policy: { allowSha1: true } })).valid).toBe(true);
  });

  it('refuses a curve the policy does not list as weak_key', async () => {
    const { root, int, leaf } = await federation();
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [int.cert],
      anchors: [root.cert],
      at: AT,
      purpose: 'client',
      policy: { allowedCurves: ['P-384'] },
    });
    expect(result).toMatchObject({ valid: false, code: 'weak_key' });
  });

  it('checks the purpose: clientAuth for client, serverAuth for server', async () => {
    const { root, int } = await federation();
    const server = await makeCert({ subject: 'CN=hub,C=BR', issuer: int, eku: [SERVER_AUTH] });
    const input = { leaf: server.cert, intermediates: [int.cert], anchors: [root.cert], at: AT };
    expect((await verifyCertificate({ ...input, purpose: 'server' })).valid).toBe(true);
    expect(await verifyCertificate({ ...input, purpose: 'client' })).toMatchObject({
      valid: false,
      code: 'ext_key_usage_missing',
    });
    expect((await verifyCertificate({ ...input, purpose: 'any' })).valid).toBe(true);
  });

  it('refuses a self-signed leaf that is not an anchor, and accepts it once it is one', async () => {
    const { root } = await federation();
    const pinned = await makeCert({ subject: 'CN=fixado,C=BR', eku: [CLIENT_AUTH] });
    const input = { leaf: pinned.cert, at: AT, purpose: 'client' as const };
    expect(await verifyCertificate({ ...input, anchors: [root.cert] })).toMatchObject({
      valid: false,
      code: 'self_signed_leaf',
    });
    expect(await verifyCertificate({ ...input, anchors: [root.cert, pinned.cert] })).toMatchObject({
      valid: true,
    });
  });

  it('returns malformed_certificate for input that is not a certificate, without throwing', async () => {
    const { root } = await federation();
    const result = await verifyCertificate({
      leaf: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      anchors: [root.cert],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({ valid: false, code: 'malformed_certificate', chain: [] });
  });

  it('refuses an issuer without basicConstraints CA:TRUE as not_a_ca', async () => {
    const { root } = await federation();
    const notCa = await makeCert({
      subject: 'CN=Nao AC,C=BR',
      issuer: root,
      ca: null,
      keyUsage: null,
    });
    const leaf = await makeCert({ subject: 'CN=folha,C=BR', issuer: notCa, eku: [CLIENT_AUTH] });
    const result = await verifyCertificate({
      leaf: leaf.cert,
      intermediates: [notCa.cert],
      anchors: [root.cert],
      at: AT,
      purpose: 'client',
    });
    expect(result).toMatchObject({
      valid: false,
      code: 'not_a_ca',
      certificate: { subject: 'CN=Nao AC,C=BR' },
    });
  });

  it('never reads the clock: an invalid `at` is a programming error', async () => {
    const { root, leaf } = await federation();
    await expect(
      verifyCertificate({
        leaf: leaf.cert,
        anchors: [root.cert],
        at: new Date('x'),
        purpose: 'client',
      }),
    ).rejects.toThrow(TypeError);
  });
});
