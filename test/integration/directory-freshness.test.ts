import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TramitaClient } from '../../src/client/tramita-client.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

interface Estrutura {
  numeroDeIdentificacaoDaEstrutura: string;
  nome: string;
  ativo: boolean;
  aptoParaReceberTramites: boolean;
  hierarquia: { numeroDeIdentificacaoDaEstrutura: string; nome: string }[];
  estruturaSucessora?: { numeroDeIdentificacaoDaEstrutura: string; nome: string; sigla: string; ativo: boolean };
}

/**
 * The directory the Tramita face serves is remembered between requests (services/directory-cache.ts),
 * keyed by the store's directory version: these tests prove that whatever changes the directory —
 * `elo` on the data folder while the hub runs, the administration API — is seen at the next
 * request, and that a search shows a merged unit's successor (spec §4.3).
 */
describe('the directory through the Tramita face: successors and changes seen at the next request', () => {
  let t: TestHub;
  let estado: TramitaClient;
  const work = mkdtempSync(join(tmpdir(), 'elo-diretorio-'));
  const BH = '18.715.383/0001-40';
  const cli = inProcessCli(() => t.env, () => work);
  const importTree = async (name: string, lines: string[]) => {
    writeFileSync(join(work, name), lines.join('\n'));
    const r = await cli('structures', 'import', name, '--repositorio', '300', '--participante', BH, '--nome', 'Estruturas de Belo Horizonte', '--desativar-ausentes');
    expect(r.code, r.err).toBe(0);
  };
  const search = async (query: Record<string, string>) => {
    const r = await estado.call<{ estruturas: Estrutura[]; totalDeRegistros: number }>('GET', 'repositorios-de-estruturas/300/estruturas-organizacionais', { query });
    expect(r.status, r.text).toBe(200);
    return r.body;
  };
  const one = async (id: string) => (await estado.call<Estrutura>('GET', `repositorios-de-estruturas/300/estruturas-organizacionais/${id}`)).body;

  beforeAll(async () => {
    t = await startTestHub();
    estado = t.client('sei-estado');
    const added = await cli('participant', 'add', '--cnpj', BH, '--nome', 'Município de Belo Horizonte', '--sigla', 'PBH', '--esfera', 'municipal', '--uf', 'MG', '--ibge', '3106200');
    expect(added.code, added.err).toBe(0);
    await importTree('v1.csv', [
      'numero;nome;sigla;numeroPai;ativo;recebeTramites',
      '3000;Prefeitura de Belo Horizonte;PBH;;sim;não',
      '3001;Secretaria Municipal de Educação;SMED;3000;sim;sim',
      '3002;Secretaria Municipal de Saúde;SMSA;3000;sim;sim',
      '3010;Escola Municipal Anísio Teixeira;EMAT;3001;sim;sim',
    ]);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('finds a unit by name ignoring accents, with its hierarchy nearest first, the same on a repeated search', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await search({ nome: 'anisio' });
      expect(r.totalDeRegistros).toBe(1);
      expect(r.estruturas[0]!.hierarquia.map((h) => h.numeroDeIdentificacaoDaEstrutura)).toEqual(['3001', '3000']);
    }
  });

  it('sees a new version of the tree imported by `elo` on the data folder at the next search: a rename, a new unit, a new hierarchy', async () => {
    expect((await search({ nome: 'saude' })).estruturas.map((e) => e.nome)).toEqual(['Secretaria Municipal de Saúde']);
    await importTree('v2.csv', [
      'numero;nome;sigla;numeroPai;ativo;recebeTramites;sucessor',
      '3000;Prefeitura de Belo Horizonte;PBH;;sim;não;',
      '3001;Secretaria Municipal de Educação e Cultura;SMEC;3000;sim;sim;',
      '3002;Secretaria Municipal de Saúde;SMSA;3000;não;sim;3004',
      '3004;Secretaria Municipal de Saúde e Assistência;SMSAS;3000;sim;sim;',
      '3010;Escola Municipal Anísio Teixeira;EMAT;3004;sim;sim;',
    ]);
    expect((await search({ nome: 'saude' })).estruturas.map((e) => e.nome)).toEqual(['Secretaria Municipal de Saúde', 'Secretaria Municipal de Saúde e Assistência']);
    expect((await search({ nome: 'cultura' })).estruturas.map((e) => e.numeroDeIdentificacaoDaEstrutura)).toEqual(['3001']);
    // the school moved under the new secretariat: its remembered hierarchy is gone
    expect((await search({ nome: 'anisio' })).estruturas[0]!.hierarquia.map((h) => h.numeroDeIdentificacaoDaEstrutura)).toEqual(['3004', '3000']);
  });

  it('shows a merged unit’s successor in a search and on the unit itself; units without one carry no such field', async () => {
    const found = await search({ nome: 'saude' });
    const old = found.estruturas.find((e) => e.numeroDeIdentificacaoDaEstrutura === '3002')!;
    expect(old.ativo).toBe(false);
    expect(old.estruturaSucessora).toEqual({ numeroDeIdentificacaoDaEstrutura: '3004', nome: 'Secretaria Municipal de Saúde e Assistência', sigla: 'SMSAS', ativo: true });
    expect(found.estruturas.find((e) => e.numeroDeIdentificacaoDaEstrutura === '3004')).not.toHaveProperty('estruturaSucessora');
    expect((await one('3002')).estruturaSucessora?.numeroDeIdentificacaoDaEstrutura).toBe('3004');
    expect(await one('3004')).not.toHaveProperty('estruturaSucessora');
  });

  it('sees a participant suspended by `elo` at the next search: its units stop being apt to receive, and come back when reactivated', async () => {
    expect((await search({ nome: 'assistencia' })).estruturas[0]!.aptoParaReceberTramites).toBe(true);
    expect((await cli('participant', 'suspend', '--cnpj', BH, '--motivo', 'Certificado comprometido')).code).toBe(0);
    expect((await search({ nome: 'assistencia' })).estruturas[0]!.aptoParaReceberTramites).toBe(false);
    expect((await search({ nome: 'assistencia', permiteRecebimento: 'true' })).totalDeRegistros).toBe(0);
    expect((await cli('participant', 'reactivate', '--cnpj', BH, '--motivo', 'Certificado trocado')).code).toBe(0);
    expect((await search({ nome: 'assistencia', permiteRecebimento: 'true' })).totalDeRegistros).toBe(1);
  });

  it('moves the directory version on every change to units and participants made by `elo` on the data folder', async () => {
    const version = () => t.hub.store.registry.directoryVersion();
    const v0 = await version();
    await importTree('v3.csv', [
      'numero;nome;sigla;numeroPai;ativo;recebeTramites;sucessor',
      '3000;Prefeitura de Belo Horizonte;PBH;;sim;não;',
      '3001;Secretaria Municipal de Educação e Cultura;SMEC;3000;sim;sim;',
      '3002;Secretaria Municipal de Saúde;SMSA;3000;não;sim;3004',
      '3004;Secretaria Municipal de Saúde e Assistência;SMSAS;3000;sim;sim;',
      '3010;Escola Municipal Professor Anísio Teixeira;EMPAT;3004;sim;sim;',
    ]);
    const v1 = await version();
    expect(v1).toBeGreaterThan(v0);
    expect((await search({ nome: 'professor' })).estruturas.map((e) => e.numeroDeIdentificacaoDaEstrutura)).toEqual(['3010']);
    expect((await cli('participant', 'suspend', '--cnpj', BH, '--motivo', 'Teste')).code).toBe(0);
    expect(await version()).toBeGreaterThan(v1);
  });
});
