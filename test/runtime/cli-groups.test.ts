import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { usage } from '../../src/cli/main.ts';
import { inProcessCli } from '../harness/cli.ts';

/**
 * `elo` for a newcomer (issue "The first hour", point 7): the main help says "use elo <comando>
 * --help", so every group of commands it lists answers its own help; a mistake names what was
 * wrong and exits non-zero.
 */
const dir = mkdtempSync(join(tmpdir(), 'elo-cli-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const elo = inProcessCli(() => ({ ELO_DATA_DIR: join(dir, 'dados') }), () => dir);

describe('elo command groups', () => {
  const groups = [...new Set([...usage().matchAll(/^ {2}([a-z-]+) [a-z-]+ /gm)].map((m) => m[1]!))];

  it('answers the help of every group the main help lists, with its commands only, and exit 0', async () => {
    expect(groups).toEqual(expect.arrayContaining(['ca', 'cert', 'seed', 'participant', 'system', 'mapping']));
    for (const group of groups) {
      for (const flag of ['--help', '-h', 'help']) {
        const r = await elo(group, flag);
        expect(r.code, `${group} ${flag}`).toBe(0);
        expect(r.out).toContain(`Uso: elo ${group} <comando> [opções]`);
        expect(r.out).not.toContain('Comando desconhecido');
        for (const line of r.out.split('\n').filter((l) => /^ {2}\S/.test(l))) expect(line.trimStart().startsWith(`${group} `), line).toBe(true);
      }
    }
  });

  it('shows a group’s commands on the error output and exits 2 when no command of it is named', async () => {
    const r = await elo('ca');
    expect(r.code).toBe(2);
    expect(r.err).toContain('ca issue');
    expect(r.err).toContain('ca revoke');
  });

  it('names an unknown command of a group and lists the group’s commands, exit 2', async () => {
    const r = await elo('cert', 'apagar');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Comando desconhecido: "cert apagar"');
    expect(r.err).toContain('cert list');
    expect(r.err).not.toContain('participant add');
  });

  it('refuses an unknown command outside any group with the whole list, exit 2', async () => {
    const r = await elo('voar');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Comando desconhecido: "voar"');
    expect(r.err).toContain('participant add');
  });

  it('says that a system given to cert list does not exist, exit 1, instead of an empty list', async () => {
    const r = await elo('cert', 'list', '--sistema', 'sistema-que-nao-existe');
    expect(r.code).toBe(1);
    expect(r.err).toContain('Sistema "sistema-que-nao-existe" não encontrado');
    expect(r.err).toContain('elo system list');
  });
});
