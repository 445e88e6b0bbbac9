import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, MUNICIPIO, startConformanceHub, type Ctx } from './support/context.ts';
import { V3 } from './support/http.ts';

type Estrutura = {
  numeroDeIdentificacaoDaEstrutura: string;
  nome: string;
  sigla: string;
  ativo: boolean;
  unidadeReceptora: boolean;
  aptoParaReceberTramites: boolean;
  codigoNoOrgaoEntidade: string;
  codigoUnidadeReceptora: string;
  tipoDeTramitacao: number;
  hierarquia: { numeroDeIdentificacaoDaEstrutura: string; nome: string; sigla: string }[];
};
type Busca = { estruturas: Estrutura[]; totalDeRegistros: number };

/** Directory endpoints (spec §2.1–§2.7), open to every registered SPE. */
describe('directory (spec §2.1–§2.7)', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    ctx = await startConformanceHub();
  });
  afterAll(async () => ctx?.close());

  const search = async (rep: number, query: Record<string, string | number> = {}) => {
    const r = await ctx.estado.call<Busca>('GET', `repositorios-de-estruturas/${rep}/estruturas-organizacionais`, { query });
    expect(r.status, r.text).toBe(200);
    return r.body;
  };
  const ids = (b: Busca) => b.estruturas.map((e) => e.numeroDeIdentificacaoDaEstrutura);

  describe('GET healthcheck (§2.1)', () => {
    it('answers 200 to a registered SPE and to a caller without a client certificate', async () => {
      expect((await ctx.estado.healthcheck()).status).toBe(200);
      expect((await ctx.raw('anon').request('GET', `${V3}healthcheck`)).status).toBe(200);
    });
  });

  describe('GET repositorios-de-estruturas (§2.2)', () => {
    it('lists every repository as a top-level array of {id, nome, ativo}', async () => {
      const r = await ctx.estado.call<{ id: number; nome: string; ativo: boolean }[]>('GET', 'repositorios-de-estruturas');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(r.body).toEqual(
        expect.arrayContaining([
          { id: 100, nome: 'Estruturas do Estado de Exemplo', ativo: true },
          { id: 200, nome: 'Estruturas do Município de Exemplópolis', ativo: true },
        ]),
      );
      for (const repo of r.body) expect(Object.keys(repo).sort()).toEqual(['ativo', 'id', 'nome']);
    });

    it('accepts both spellings `ativos` and `ativo`, as 1 or true, and then lists only active repositories', async () => {
      for (const query of [{ ativos: 1 }, { ativo: 1 }, { ativos: 'true' }, { ativo: 'true' }]) {
        const r = await ctx.municipio.call<{ id: number; ativo: boolean }[]>('GET', 'repositorios-de-estruturas', { query });
        expect(r.status, JSON.stringify(query)).toBe(200);
        expect(r.body.map((x) => x.id).sort((a, b) => a - b)).toEqual([1, 5, 100, 200]);
        expect(r.body.every((x) => x.ativo)).toBe(true);
      }
    });

    it('answers `ativos=0` with 200 (all or only inactive, the hub chooses)', async () => {
      const r = await ctx.estado.call<{ id: number; ativo: boolean }[]>('GET', 'repositorios-de-estruturas', { query: { ativos: 0 } });
      expect(r.status).toBe(200);
      expect(Array.isArray(r.body)).toBe(true);
    });
  });

  describe('GET …/estruturas-organizacionais (§2.3)', () => {
    it('returns {estruturas, totalDeRegistros} with every Estrutura field of §3.5', async () => {
      const b = await search(100);
      expect(b.totalDeRegistros).toBe(5);
      expect(ids(b).sort()).toEqual(['1000', '1001', '1002', '1003', '1004']);
      const coprot = b.estruturas.find((e) => e.numeroDeIdentificacaoDaEstrutura === '1002')!;
      expect(coprot).toEqual({
        numeroDeIdentificacaoDaEstrutura: '1002',
        nome: 'Coordenação de Protocolo da Fazenda',
        sigla: 'COPROT-SEFAZ',
        ativo: true,
        unidadeReceptora: false,
        aptoParaReceberTramites: true,
        codigoNoOrgaoEntidade: '',
        codigoUnidadeReceptora: '',
        tipoDeTramitacao: 0,
        hierarquia: [
          expect.objectContaining({ numeroDeIdentificacaoDaEstrutura: '1001', sigla: 'SEFAZ', nome: 'Secretaria de Estado da Fazenda' }),
          expect.objectContaining({ numeroDeIdentificacaoDaEstrutura: '1000', sigla: 'GEE' }),
        ],
      });
      expect(b.estruturas.find((e) => e.numeroDeIdentificacaoDaEstrutura === '1001')!.codigoNoOrgaoEntidade).toBe('SEFAZ');
    });

    it('filters with apenasAtivas, permiteRecebimento and permiteEnvio', async () => {
      const ativas = await search(100, { apenasAtivas: 1 });
      expect(ids(ativas)).not.toContain('1004');
      expect(ativas.totalDeRegistros).toBe(4);
      const recebem = await search(200, { permiteRecebimento: 'true' });
      expect(ids(recebem)).not.toContain('2003');
      expect(ids(recebem)).toContain('2002');
      expect(recebem.totalDeRegistros).toBe(recebem.estruturas.length);
      const enviam = await search(200, { permiteEnvio: 1 });
      expect(ids(enviam)).toContain('2002');
      // `0` does not restrict (SEI never sends it; absent and 0 both mean "no filter" here).
      expect((await search(100, { apenasAtivas: 0 })).totalDeRegistros).toBeGreaterThanOrEqual(4);
    });

    it('matches sigla and nome as case- and accent-insensitive substrings', async () => {
      expect(ids(await search(100, { sigla: 'coprot' }))).toEqual(['1002']);
      expect(ids(await search(100, { nome: 'SAUDE' }))).toEqual(['1003']);
      expect(ids(await search(200, { nome: 'exemplopolis' }))).toEqual(['2000']);
      expect((await search(100, { nome: 'inexistente' })).totalDeRegistros).toBe(0);
    });

    it('restricts to the subtree of numeroDeIdentificacaoDaEstruturaRaizDaConsulta', async () => {
      const b = await search(100, { numeroDeIdentificacaoDaEstruturaRaizDaConsulta: '1001' });
      expect(ids(b)).toContain('1002');
      expect(ids(b)).not.toContain('1003');
      expect(ids(b)).not.toContain('1000');
      expect(ids(b)).not.toContain('1004');
    });

    it('ignores a non-numeric subtree root (the user’s free text): no restriction, no error', async () => {
      const all = await search(100);
      const b = await search(100, { numeroDeIdentificacaoDaEstruturaRaizDaConsulta: 'Protocolo da Fazenda' });
      expect(b.totalDeRegistros).toBe(all.totalDeRegistros);
      expect(ids(b).sort()).toEqual(ids(all).sort());
    });

    it('ignores identificacaoDoRepositorioDeEstruturas in the query: the path wins', async () => {
      const b = await search(100, { identificacaoDoRepositorioDeEstruturas: 200 });
      expect(ids(b).sort()).toEqual(['1000', '1001', '1002', '1003', '1004']);
    });

    it('pages with registroInicial (0-based) and quantidadeDeRegistros, stable across pages, total before paging', async () => {
      const all = ids(await search(100, { quantidadeDeRegistros: 50 }));
      const pages: string[] = [];
      for (let ini = 0; ini < 5; ini += 2) {
        const page = await search(100, { registroInicial: ini, quantidadeDeRegistros: 2 });
        expect(page.totalDeRegistros).toBe(5);
        expect(page.estruturas.length).toBe(Math.min(2, 5 - ini));
        pages.push(...ids(page));
      }
      expect(pages).toEqual(all);
      expect(new Set(pages).size).toBe(5);
      const beyond = await search(100, { registroInicial: 10, quantidadeDeRegistros: 2 });
      expect(beyond).toEqual({ estruturas: [], totalDeRegistros: 5 });
    });

    it('answers 404 for an unknown repository', async () => {
      expectError(await ctx.estado.call('GET', 'repositorios-de-estruturas/999/estruturas-organizacionais'), 404);
    });
  });

  describe('GET …/estruturas-organizacionais/{id} (§2.4)', () => {
    it('returns one Estrutura, not wrapped, with its hierarchy nearest parent first', async () => {
      const r = await ctx.municipio.estrutura(200, '2002');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        numeroDeIdentificacaoDaEstrutura: '2002',
        sigla: 'PROTOCOLO',
        ativo: true,
        aptoParaReceberTramites: true,
        hierarquia: [{ numeroDeIdentificacaoDaEstrutura: '2001' }, { numeroDeIdentificacaoDaEstrutura: '2000' }],
      });
      const pgm = await ctx.municipio.estrutura(200, '2003');
      expect(pgm.body).toMatchObject({ aptoParaReceberTramites: false });
      const ape = await ctx.estado.estrutura(100, '1004');
      expect(ape.body).toMatchObject({ ativo: false });
    });

    it('answers 0055 with HTTP 404, carrying codigoErro and mensagem, for a structure of another repository', async () => {
      const body = expectError(await ctx.estado.estrutura(100, '2002'), 404, '0055');
      expect(body.mensagem).toBeTruthy();
    });

    it('answers 404 for an unknown repository', async () => {
      expectError(await ctx.estado.estrutura(999, '1002'), 404);
    });
  });

  describe('GET especies (§2.5)', () => {
    it('lists {codigo: int, nomeNoProdutor} including 42 Despacho and 179 Anexo, codes unique', async () => {
      const r = await ctx.estado.call<{ especies: { codigo: number; nomeNoProdutor: string }[] }>('GET', 'especies');
      expect(r.status).toBe(200);
      const { especies } = r.body;
      expect(especies).toEqual(expect.arrayContaining([{ codigo: 42, nomeNoProdutor: 'Despacho' }, { codigo: 179, nomeNoProdutor: 'Anexo' }]));
      expect(especies.every((e) => Number.isInteger(e.codigo) && e.nomeNoProdutor.length > 0)).toBe(true);
      expect(new Set(especies.map((e) => e.codigo)).size).toBe(especies.length);
      // The list is stable: two reads are identical.
      expect((await ctx.municipio.call('GET', 'especies')).body).toEqual(r.body);
    });
  });

  describe('GET hipoteses (§2.6)', () => {
    type H = { hipotesesLegais: { identificacao: number; nome: string; status: boolean }[] };
    const get = async (query?: Record<string, string | number>) => {
      const r = await ctx.estado.call<H>('GET', 'hipoteses', query ? { query } : {});
      expect(r.status, r.text).toBe(200);
      return r.body.hipotesesLegais;
    };

    it('lists all hipóteses without a filter, each {identificacao: int, nome, status: bool}', async () => {
      const all = await get();
      expect(all.some((h) => h.status)).toBe(true);
      expect(all.some((h) => !h.status)).toBe(true);
      for (const h of all) expect(Object.keys(h).sort()).toEqual(['identificacao', 'nome', 'status']);
    });

    it('lists only active ones with ativos=1 and only inactive ones with ativos=0; SEI merges both into the whole list', async () => {
      const all = await get();
      const ativas = await get({ ativos: 1 });
      const inativas = await get({ ativos: 0 });
      expect(ativas.every((h) => h.status)).toBe(true);
      expect(inativas.every((h) => !h.status)).toBe(true);
      expect([...ativas, ...inativas].map((h) => h.identificacao).sort((a, b) => a - b)).toEqual(all.map((h) => h.identificacao).sort((a, b) => a - b));
    });

    it('accepts status=true|false and ativos=true|false as synonyms', async () => {
      const ativas = await get({ ativos: 1 });
      const inativas = await get({ ativos: 0 });
      expect(await get({ status: 'true' })).toEqual(ativas);
      expect(await get({ status: 'false' })).toEqual(inativas);
      expect(await get({ ativos: 'true' })).toEqual(ativas);
      expect(await get({ ativos: 'false' })).toEqual(inativas);
    });
  });

  describe('GET motivosUrgencia (§2.7)', () => {
    it('lists {descricao} in a stable order', async () => {
      const r = await ctx.estado.call<{ motivosUrgencia: { descricao: string }[] }>('GET', 'motivosUrgencia');
      expect(r.status).toBe(200);
      expect(r.body.motivosUrgencia.length).toBeGreaterThan(0);
      for (const m of r.body.motivosUrgencia) expect(Object.keys(m)).toEqual(['descricao']);
      expect((await ctx.client(MUNICIPIO).call('GET', 'motivosUrgencia')).body).toEqual(r.body);
    });
  });
});
