import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/runtime/config.ts';
import { inProcessCli } from '../harness/cli.ts';

/**
 * What a newcomer reads when a setting or an option is wrong (issue "The first hour", point 7):
 * Portuguese that names the field and the problem, never zod's or Node's English.
 */
const dir = mkdtempSync(join(tmpdir(), 'elo-pt-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, dir);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};
const english = /\b(expected|received|Invalid|Unknown|Unexpected|no such file|option)\b/;

describe('configuration errors', () => {
  it('say that a negative number is negative, naming the variable', () => {
    for (const [name, field] of [
      ['ELO_AUTO_CANCEL_DAYS', 'autoCancelDays'],
      ['ELO_PORT', 'port'],
      ['ELO_MAX_REQUESTS_PER_SYSTEM', 'maxRequestsPerSystem'],
    ]) {
      const [p, ...rest] = problems({ [name!]: '-1' });
      expect(rest).toEqual([]);
      expect(p).toContain(`campo "${field}" (na variável ${name})`);
      expect(p).toContain('não pode ser negativo (recebido: -1)');
      expect(p).not.toMatch(english);
    }
  });

  it('say what is wrong with text, a fraction or a number too large, in Portuguese', () => {
    expect(problems({ ELO_PORT: 'abc' })[0]).toMatch(/campo "port" \(na variável ELO_PORT\): .*número/);
    expect(problems({ ELO_PORT: '1.5' })[0]).toMatch(/inteiro/);
    expect(problems({ ELO_PORT: '70000' })[0]).toMatch(/65535/);
    for (const env of [{ ELO_PORT: 'abc' }, { ELO_PORT: '1.5' }, { ELO_PORT: '70000' }, { ELO_MAX_JSON_MB: '10' }] as Record<string, string>[]) expect(problems(env)[0]).not.toMatch(english);
  });

  it('say that a configuration file does not exist, or is not JSON, and where', () => {
    expect(problems({ ELO_CONFIG: 'nao-existe.json' })[0]).toBe(`arquivo ${join(dir, 'nao-existe.json')}: não existe (confira ELO_CONFIG ou a pasta atual)`);
    writeFileSync(join(dir, 'quebrado.json'), '{"port": 8443,,}');
    const broken = problems({ ELO_CONFIG: 'quebrado.json' })[0]!;
    expect(broken).toMatch(/quebrado\.json: não é um JSON válido/);
    expect(broken).not.toMatch(english);
  });
});

describe('command-line option errors', () => {
  const elo = inProcessCli(() => ({ ELO_DATA_DIR: join(dir, 'dados') }), () => dir);

  it('name the unknown option, the option missing its value and the stray argument, with the help, exit 2', async () => {
    const cases: [string[], string][] = [
      [['start', '--bogus'], 'Opção desconhecida: --bogus.'],
      [['cert', 'list', '--sistema'], 'A opção --sistema precisa de um valor.'],
      [['start', 'extra'], 'Argumento inesperado: extra. Este comando não recebe argumentos soltos.'],
      [['cert', 'list', '--json=sim'], 'A opção --json não recebe valor.'],
    ];
    for (const [args, message] of cases) {
      const r = await elo(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.split('\n')[0]).toBe(message);
      expect(r.err).toContain('Uso: elo');
      expect(r.err.split('\n')[0]).not.toMatch(english);
    }
  });
});

describe('system errors at the command line', () => {
  const elo = inProcessCli(() => ({ ELO_DATA_DIR: join(dir, 'dados-sistema') }), () => dir);

  it('say that a file does not exist, naming it, instead of ENOENT', async () => {
    expect((await elo('seed', 'demo')).code).toBe(0);
    const r = await elo('structures', 'import', join(dir, 'nao-existe.csv'), '--participante', '00394460005887', '--repositorio', '9');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`Falha: arquivo ou pasta não encontrado: ${join(dir, 'nao-existe.csv')}`);
  });

  it('say that a database host is not found or refuses, in Portuguese, without the password', async () => {
    const unknownHost = await inProcessCli(() => ({ ELO_DATA_DIR: join(dir, 'dados-pg'), ELO_DATABASE_URL: 'postgres://u:segredo@host-que-nao-existe.invalid/db' }), () => dir)('participant', 'list');
    expect(unknownHost.err).toContain('o nome "host-que-nao-existe.invalid" não foi encontrado (DNS)');
    const refused = await inProcessCli(() => ({ ELO_DATA_DIR: join(dir, 'dados-pg'), ELO_DATABASE_URL: 'postgres://u:segredo@127.0.0.1:1/db' }), () => dir)('participant', 'list');
    expect(refused.err).toContain('conexão recusada em 127.0.0.1:1');
    for (const r of [unknownHost, refused]) {
      expect(r.code).toBe(1);
      expect(r.err).not.toContain('segredo');
      expect(r.err).not.toMatch(/ENOTFOUND|ECONNREFUSED|getaddrinfo/);
    }
  });
});
