import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { similarity } from '../../src/services/unit-mappings.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * README "Mapeamento de unidades": a system's own unit list, suggestions by accent-insensitive
 * similarity within its participant's structures, one-to-one confirmation with history,
 * coverage and export, on the demo municipality's system.
 */
describe('unit mapping of a system', () => {
  let t: TestHub;
  const work = mkdtempSync(join(tmpdir(), 'elo-mapeamento-'));
  const cli = inProcessCli(() => t.env, () => work);
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('measures similarity ignoring case, accents and punctuation', () => {
    expect(similarity('PROCURADORIA GERAL DO MUNICÍPIO', 'Procuradoria-Geral do Municipio')).toBe(1);
    expect(similarity('Secretaria de Administração', 'Secretaria Municipal de Administracao')).toBeGreaterThan(0.5);
    expect(similarity('Gabinete', 'Procuradoria')).toBeLessThan(0.1);
  });

  it('imports the system’s units, suggests structures for each, and refuses a broken list whole', async () => {
    writeFileSync(join(work, 'unidades.csv'), 'codigo;nome;sigla\n110;PROCURADORIA GERAL DO MUNICIPIO;PGM\n120;Gabinete do Prefeito;GAB\n130;Almoxarifado;ALMOX\n');
    const imported = await cli('mapping', 'import', 'unidades.csv', '--sistema', 'sei-municipio', '--json');
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ created: 3, updated: 0, total: 3 });
    const suggested = JSON.parse((await cli('mapping', 'suggest', '--sistema', 'sei-municipio', '--json')).out) as { unidade: { codigo: string }; sugestoes: { estrutura: { numero: string } }[] }[];
    const first = (codigo: string) => suggested.find((s) => s.unidade.codigo === codigo)!.sugestoes[0]?.estrutura.numero;
    expect(first('110')).toBe('2003'); // PGM
    expect(first('120')).toBe('2004'); // GAB
    expect(first('130')).toBeUndefined(); // nothing alike in the tree
    const before = t.snapshot();
    writeFileSync(join(work, 'ruim.csv'), 'codigo;nome;sigla\n;Sem código;X\n140;Ok;OK\n140;Repetido;R\n');
    const broken = await cli('mapping', 'import', 'ruim.csv', '--sistema', 'sei-municipio');
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('linha 2 codigo em branco');
    expect(broken.err).toContain('linha 4 codigo 140 repetido');
    expect(t.snapshot()).toEqual(before);
  });

  it('confirms one-to-one mappings with history, refuses a structure already taken or outside the participant, and reports coverage', async () => {
    expect((await cli('mapping', 'set', '--sistema', 'sei-municipio', '--codigo', '110', '--estrutura', '200:2003')).code).toBe(0);
    const before = t.snapshot();
    const taken = await cli('mapping', 'set', '--sistema', 'sei-municipio', '--codigo', '120', '--estrutura', '200:2003');
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('já está mapeada para a unidade local "110"');
    const foreign = await cli('mapping', 'set', '--sistema', 'sei-municipio', '--codigo', '120', '--estrutura', '100:1002');
    expect(foreign.err).toContain('não é uma estrutura do participante do sistema "sei-municipio"');
    expect(t.snapshot()).toEqual(before);
    expect((await cli('mapping', 'set', '--sistema', 'sei-municipio', '--codigo', '120', '--estrutura', '200:2004')).code).toBe(0);
    expect((await cli('mapping', 'set', '--sistema', 'sei-municipio', '--codigo', '110', '--remover')).code).toBe(0);
    expect((await cli('mapping', 'set', '--sistema', 'sei-municipio', '--codigo', '110', '--estrutura', '200:2003')).code).toBe(0);
    const history = await t.hub.services.unitMappings.history('sei-municipio', '110');
    expect(history.map((h) => h.mapped?.numero ?? null)).toEqual(['2003', null, '2003']);
    const coverage = JSON.parse((await cli('mapping', 'coverage', '--sistema', 'sei-municipio', '--json')).out) as {
      mapeadas: number;
      total: number;
      unidadesSemMapeamento: { codigo: string }[];
      estruturasSemMapeamento: { numero: string }[];
    };
    expect(coverage).toMatchObject({ mapeadas: 2, total: 3 });
    expect(coverage.unidadesSemMapeamento.map((u) => u.codigo)).toEqual(['130']);
    // 2003 receives nothing (not apt); the apt units without a local unit are listed
    expect(coverage.estruturasSemMapeamento.map((s) => s.numero)).toEqual(['2000', '2001', '2002']);
    const csv = (await cli('mapping', 'export', '--sistema', 'sei-municipio')).out;
    expect(csv).toContain('codigo;nome;sigla;repositorio;numero\r\n110;PROCURADORIA GERAL DO MUNICIPIO;PGM;200;2003\r\n120;Gabinete do Prefeito;GAB;200;2004\r\n130;Almoxarifado;ALMOX;;');
  });
});
