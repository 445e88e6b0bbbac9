import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_AUTH, federation, makeCert, makeCrl, pingPongChain } from '../../../test/pki/test-pki.ts';
import type { CliIo } from '../io.ts';
import { runCertVerify } from './cert-verify.ts';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'elo-cert-verify-'));
  const { root, int, leaf } = await federation();
  const revoked = await makeCert({ subject: 'CN=revogado,C=BR', issuer: int, eku: [CLIENT_AUTH] });
  const crl = await makeCrl({ issuer: int, revoked: [{ cert: revoked.cert }] });
  // Valid for a century, so that the default `--at` (now) is inside it.
  const longRoot = await makeCert({
    subject: 'CN=Raiz Longa,C=BR',
    ca: true,
    notBefore: new Date('2000-01-01T00:00:00Z'),
    notAfter: new Date('2099-01-01T00:00:00Z'),
  });
  const longLeaf = await makeCert({
    subject: 'CN=folha longa,C=BR',
    issuer: longRoot,
    eku: [CLIENT_AUTH],
    notBefore: new Date('2000-01-01T00:00:00Z'),
    notAfter: new Date('2099-01-01T00:00:00Z'),
  });
  // A made-up leaf followed by 8 copies each of two CAs certifying each other (17 certificates).
  const flood = await pingPongChain(8);
  const files: Record<string, string | Uint8Array> = {
    'root.pem': root.cert.toString('pem'),
    'chain.pem': `${int.cert.toString('pem')}\n${longRoot.cert.toString('pem')}\n`,
    'leaf.pem': leaf.cert.toString('pem'),
    'leaf.der': new Uint8Array(leaf.cert.rawData),
    'revoked.pem': revoked.cert.toString('pem'),
    'crl.der': new Uint8Array(crl.rawData),
    'long-root.pem': longRoot.cert.toString('pem'),
    'long-leaf.pem': longLeaf.cert.toString('pem'),
    'garbage.pem': 'não é PEM\n',
    'ping-pong.pem': [flood.leaf.cert, ...flood.pool].map((c) => c.toString('pem')).join('\n'),
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

async function elo(args: string[]): Promise<{ exit: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: dir };
  const exit = await runCertVerify(args, io);
  return { exit, out: out.join('\n'), err: err.join('\n') };
}

const AT = ['--at', '2026-01-15T12:00:00Z'];

describe('elo cert verify', () => {
  it('accepts a good chain with exit 0, reading a DER leaf and a PEM bundle of intermediates', async () => {
    const r = await elo(['leaf.der', '--chain', 'chain.pem', '--trust', 'root.pem', ...AT]);
    expect(r.exit).toBe(0);
    expect(r.out).toMatch(/^VÁLIDO: O certificado "CN=sei\.teste\.gov\.br,O=Prefeitura,C=BR"/);
    expect(r.out).toContain('  2. CN=Raiz de Teste,O=Federacao,C=BR (âncora de confiança)');
  });

  it('prints exactly valid, code, message and chain (subject, serial, fingerprint256) with --json', async () => {
    const r = await elo([
      'leaf.pem',
      '--chain',
      'chain.pem',
      '--trust',
      'root.pem',
      ...AT,
      '--json',
    ]);
    const json = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['valid', 'code', 'message', 'chain']);
    expect(json).toMatchObject({ valid: true, code: null });
    const chain = json.chain as Record<string, string>[];
    expect(chain).toHaveLength(3);
    expect(Object.keys(chain[0]!)).toEqual(['subject', 'serial', 'fingerprint256']);
    expect(chain[0]!.fingerprint256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a certificate revoked by a DER CRL with exit 1 and a Portuguese report', async () => {
    const r = await elo([
      'revoked.pem',
      '--chain',
      'chain.pem',
      '--trust',
      'root.pem',
      '--crl',
      'crl.der',
      ...AT,
    ]);
    expect(r.exit).toBe(1);
    expect(r.out).toMatch(
      /^RECUSADO \(cert_revoked\): O certificado "CN=revogado,C=BR" \(série [0-9A-F]+, SHA-256 [0-9a-f]{64}\) foi revogado/,
    );
    expect(r.out).toContain('Cadeia montada até onde foi possível:');
  });

  it('exits 1 with malformed_certificate when the leaf file holds no certificate', async () => {
    const r = await elo(['garbage.pem', '--trust', 'root.pem', ...AT, '--json']);
    expect(r.exit).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ valid: false, code: 'malformed_certificate' });
  });

  it('requires CRLs for every issuer with --require-crl', async () => {
    const r = await elo([
      'leaf.pem',
      '--chain',
      'chain.pem',
      '--trust',
      'root.pem',
      '--crl',
      'crl.der',
      '--require-crl',
      ...AT,
      '--json',
    ]);
    expect(r.exit).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ code: 'crl_missing' });
  });

  it('checks the purpose given with --purpose', async () => {
    const r = await elo([
      'leaf.pem',
      '--chain',
      'chain.pem',
      '--trust',
      'root.pem',
      ...AT,
      '--purpose',
      'server',
      '--json',
    ]);
    expect(JSON.parse(r.out)).toMatchObject({ code: 'ext_key_usage_missing' });
  });

  it('verifies at the current time when --at is omitted', async () => {
    const r = await elo(['long-leaf.pem', '--trust', 'long-root.pem', '--json']);
    expect(r.exit).toBe(0);
  });

  it('reads a date-time without zone in --at as UTC', async () => {
    const r = await elo([
      'leaf.pem',
      '--chain',
      'chain.pem',
      '--trust',
      'root.pem',
      '--at',
      '2029-12-31T23:59:59',
      '--json',
    ]);
    expect(r.exit).toBe(0);
    const late = await elo([
      'leaf.pem',
      '--chain',
      'chain.pem',
      '--trust',
      'root.pem',
      '--at',
      '2030-01-01T00:00:01',
      '--json',
    ]);
    expect(JSON.parse(late.out)).toMatchObject({ code: 'cert_expired' });
  });

  it.each([
    [[], 'Informe o arquivo do certificado a verificar.'],
    [['leaf.pem'], 'Informe ao menos uma âncora de confiança com --trust'],
    [['leaf.pem', 'other.pem', '--trust', 'root.pem'], 'Informe um único certificado'],
    [
      ['missing.pem', '--trust', 'root.pem'],
      'Não foi possível ler o certificado "missing.pem": arquivo não encontrado.',
    ],
    [
      ['leaf.pem', '--trust', 'nowhere.pem'],
      'Não foi possível ler de âncoras de confiança "nowhere.pem": arquivo não encontrado.',
    ],
    [['leaf.pem', '--trust', 'garbage.pem'], 'não contém certificados válidos'],
    [['leaf.pem', '--trust', 'root.pem', '--crl', 'leaf.pem'], 'não contém uma LCR válida'],
    [['leaf.pem', '--trust', 'root.pem', '--at', 'ontem'], 'Data inválida em --at: "ontem"'],
    [
      ['leaf.pem', '--trust', 'root.pem', '--at', '2026-02-30T00:00:00Z'],
      'Data inexistente em --at',
    ],
    [
      ['leaf.pem', '--trust', 'root.pem', '--purpose', 'email'],
      'Finalidade inválida em --purpose: "email"',
    ],
    [['leaf.pem', '--trust', 'root.pem', '--verbose'], 'Opção inválida: --verbose não existe.'],
    [['leaf.pem', '--trust', 'root.pem', '--at'], 'Opção inválida: --at exige um valor.'],
  ])('exits 2 with a Portuguese message on usage error %j', async (args, message) => {
    const r = await elo(args);
    expect(r.exit).toBe(2);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });

  it('prints the usage with --help and exits 0', async () => {
    const r = await elo(['--help']);
    expect(r.exit).toBe(0);
    expect(r.out).toContain('Uso: elo cert verify CERTIFICADO.pem --trust ANCORA.pem');
  });

  it('refuses a full-chain file of CAs certifying each other in many copies as too complex, with exit 1', async () => {
    const r = await elo(['ping-pong.pem', '--trust', 'root.pem', '--json', ...AT]);
    expect(r.exit).toBe(1);
    const out = JSON.parse(r.out) as { valid: boolean; code: string; message: string };
    expect(out).toMatchObject({ valid: false, code: 'chain_too_complex' });
    expect(out.message).toContain('CN=cliente-inventado,C=BR');
  });
});
