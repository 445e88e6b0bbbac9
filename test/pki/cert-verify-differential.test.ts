/**
 * Differential test: `elo cert verify` against `openssl verify` on a corpus generated with the
 * openssl command line (certs/corpus/build-corpus.ts). On every case both verdicts must agree,
 * except where Elo's documented policy is stricter (SHA-1, MD5, RSA < 2048): there the case states
 * the rule, OpenSSL must accept and Elo must refuse. Each case also pins OpenSSL's error number (so
 * a corpus that does not show what it claims fails loudly) and Elo's refusal code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCorpus, type CorpusCase } from '../../certs/corpus/build-corpus.ts';
import { runCertVerify } from '../../src/cli/commands/cert-verify.ts';
import type { CliIo } from '../../src/cli/io.ts';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const corpusDir = await mkdtemp(join(tmpdir(), 'elo-pki-corpus-'));
const corpus = await buildCorpus(corpusDir);
afterAll(() => rm(corpusDir, { recursive: true, force: true }));

const OPENSSL_PURPOSE: Record<CorpusCase['purpose'], string> = {
  client: 'sslclient',
  server: 'sslserver',
  signing: 'smimesign',
  any: 'any',
};

async function concat(name: string, files: string[]): Promise<string> {
  const texts = await Promise.all(files.map((f) => readFile(join(corpus.dir, f), 'utf8')));
  const file = join(corpus.dir, name);
  await writeFile(file, texts.join(''));
  return file;
}

type OpensslVerdict = 'valid' | number | 'load';

async function opensslVerify(c: CorpusCase): Promise<{ verdict: OpensslVerdict; output: string }> {
  const args = [
    'verify',
    '-no-CApath',
    '-no-CAstore',
    '-CAfile',
    await concat(`${c.name}.trust.pem`, c.trust),
    '-attime',
    String(Math.floor(Date.parse(c.at) / 1000)),
    '-purpose',
    OPENSSL_PURPOSE[c.purpose],
  ];
  if (c.chain.length > 0) args.push('-untrusted', await concat(`${c.name}.untrusted.pem`, c.chain));
  if (c.openssl.crls.length > 0)
    args.push('-CRLfile', await concat(`${c.name}.crls.pem`, c.openssl.crls));
  args.push(...c.openssl.flags, c.leaf);
  try {
    const { stdout, stderr } = await run('openssl', args, { cwd: corpus.dir });
    return { verdict: /: OK\s*$/.test(stdout) ? 'valid' : -1, output: stdout + stderr };
  } catch (e) {
    const failure = e as { stdout?: string; stderr?: string };
    const output = `${failure.stdout ?? ''}${failure.stderr ?? ''}`;
    const error = /error (\d+) at \d+ depth lookup/.exec(output);
    if (error) return { verdict: Number(error[1]), output };
    return {
      verdict: /Could not (?:read|load|open) certificate|unable to load/i.test(output)
        ? 'load'
        : -2,
      output,
    };
  }
}

function capturingIo(cwd: string): CliIo & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    cwd,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
}

const eloArgs = (c: CorpusCase): string[] => [
  c.leaf,
  ...c.chain.flatMap((f) => ['--chain', f]),
  ...c.trust.flatMap((f) => ['--trust', f]),
  ...c.crls.flatMap((f) => ['--crl', f]),
  '--at',
  c.at,
  '--purpose',
  c.purpose,
  ...(c.requireCrl ? ['--require-crl'] : []),
];

interface EloJson {
  valid: boolean;
  code: string | null;
  message: string;
  chain: { subject: string; serial: string; fingerprint256: string }[];
}

async function eloVerify(c: CorpusCase): Promise<{ exit: number; json: EloJson; stderr: string }> {
  const io = capturingIo(corpus.dir);
  const exit = await runCertVerify([...eloArgs(c), '--json'], io);
  return { exit, json: JSON.parse(io.stdout()) as EloJson, stderr: io.stderr() };
}

describe('elo cert verify agrees with openssl verify on the generated corpus', () => {
  it('has at least 40 cases, each with a unique name', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(corpus.cases.map((c) => c.name)).size).toBe(corpus.cases.length);
  });

  it.each(corpus.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [openssl, elo] = await Promise.all([opensslVerify(c), eloVerify(c)]);
    const context = `${c.description}\nopenssl: ${openssl.output}\nelo: ${JSON.stringify(elo.json)}`;

    expect(openssl.verdict, context).toEqual(c.expect.openssl);
    expect(elo.json.code ?? 'valid', context).toBe(c.expect.elo);
    expect(elo.exit, context).toBe(elo.json.valid ? 0 : 1);
    if (c.expect.stricter) {
      expect(openssl.verdict, `policy case must be one OpenSSL accepts: ${context}`).toBe('valid');
      expect(elo.json.valid, context).toBe(false);
    } else {
      expect(elo.json.valid, context).toBe(openssl.verdict === 'valid');
    }
    if (elo.json.valid) {
      expect(elo.json.chain.length).toBeGreaterThanOrEqual(1);
    } else if (c.expect.elo !== 'malformed_certificate') {
      // Every refusal names a certificate by serial and SHA-256 fingerprint.
      expect(elo.json.message).toMatch(/série [0-9A-F]+, SHA-256 [0-9a-f]{64}/);
    }
  });
});

describe('elo cert verify as a real process (node bin/elo.js)', () => {
  const elo = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [join(repoRoot, 'bin', 'elo.js'), 'cert', 'verify', ...args],
        {
          cwd: corpus.dir,
        },
      );
      return { code: 0, stdout, stderr };
    } catch (e) {
      const failure = e as { code?: number; stdout?: string; stderr?: string };
      return {
        code: failure.code ?? -1,
        stdout: failure.stdout ?? '',
        stderr: failure.stderr ?? '',
      };
    }
  };
  const byName = (name: string): CorpusCase => {
    const c = corpus.cases.find((x) => x.name === name);
    if (!c) throw new Error(`caso ausente: ${name}`);
    return c;
  };

  it('accepts the good chain with exit 0 and prints the chain in Portuguese', async () => {
    const r = await elo(eloArgs(byName('good-rsa-chain')));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^VÁLIDO: O certificado "CN=sei\.exemplo\.gov\.br,OU=TI,O=Prefeitura de Exemplo,C=BR"/,
    );
    expect(r.stdout).toContain('(âncora de confiança)');
  });

  it('refuses a revoked leaf with exit 1 and JSON naming the code', async () => {
    const r = await elo([...eloArgs(byName('revoked-leaf')), '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as EloJson;
    expect(json).toMatchObject({ valid: false, code: 'cert_revoked' });
    expect(json.message).toContain(
      'foi revogado em 2025-10-01T00:00:00Z (motivo: comprometimento da chave)',
    );
  });

  it('exits 2 with a Portuguese message when no --trust is given', async () => {
    const r = await elo([byName('good-rsa-chain').leaf]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Informe ao menos uma âncora de confiança');
  });
});
