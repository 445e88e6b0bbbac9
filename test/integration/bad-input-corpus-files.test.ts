import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyOf, fill, generators, loadCorpus } from '../harness/bad-input-corpus.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * The bad-input corpus (fixtures/bad-input/, run by test/reliability/bad-input-corpus.test.ts)
 * is well-formed, large enough, and reaches every route of the router, read from the app itself
 * as test/integration/route-callers.test.ts does. A route added later is either given a case or
 * named below with the reason it has none.
 */
const NOT_COVERED: Record<string, string> = {};
const reason = (why: string, routes: string[]) => routes.forEach((r) => (NOT_COVERED[r] = why));
reason('sem corpo nem parâmetro: nada que o chamador envie é lido (parâmetros de consulta desconhecidos são ignorados, spec §1.5.4)', [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /interoperabilidade/rest/v3/healthcheck',
  'GET /interoperabilidade/rest/v4/healthcheck',
  'GET /interoperabilidade/rest/v3/especies',
  'GET /interoperabilidade/rest/v4/especies',
  'GET /interoperabilidade/rest/v3/hipoteses',
  'GET /interoperabilidade/rest/v4/hipoteses',
  'GET /interoperabilidade/rest/v3/motivosUrgencia',
  'GET /interoperabilidade/rest/v4/motivosUrgencia',
  'GET /api/v1/capacidades',
  'GET /api/v1/adesao',
  'GET /admin/api/openapi.json',
  'GET /admin/api/certificados',
  'GET /admin/api/indicadores',
  'GET /admin/api/indicadores/situacoes',
  'GET /admin/api/sistemas',
  'GET /admin/api/adesoes',
  'GET /admin/api/webhooks/mortos',
  'GET /admin/api/listas/:lista{(?:especies|hipoteses|motivos)}',
  'GET /admin/api/listas/:lista{(?:especies|hipoteses|motivos)}/historico',
]);
reason(
  'só filtros de consulta, e um filtro inválido é ignorado (a resposta é a lista sem ele, 200): não há recusa a verificar; ver o relatório do corpus',
  [
    'GET /interoperabilidade/rest/v3/repositorios-de-estruturas',
    'GET /interoperabilidade/rest/v4/repositorios-de-estruturas',
    'GET /interoperabilidade/rest/v3/tramites/pendentes',
    'GET /interoperabilidade/rest/v4/tramites/pendentes',
    'GET /interoperabilidade/pendencias',
    'GET /admin/api/eventos',
    'GET /admin/api/tramites/parados',
    'GET /admin/api/indicadores/vazao',
    'GET /admin/api/recusas',
    'GET /admin/api/participantes',
    // a code that is not a number has no history: the answer is an empty one
    'GET /admin/api/sistemas/:id/mapeamentos/:lista/codigos/:codigo/historico',
  ],
);
reason('o painel é HTML com sessão e CSRF, não responde codigoErro em JSON: suas recusas estão em test/integration/dashboard.test.ts e route-callers.test.ts', [
  'GET /monitor/estilo.css',
  'GET /monitor/entrar',
  'POST /monitor/entrar',
  'GET /monitor',
  'GET /monitor/busca',
  'GET /monitor/recusas',
  'GET /monitor/notificacoes',
  'GET /monitor/tramites/:idt{[0-9]{1,15}}',
  'POST /monitor/tramites/:idt{[0-9]{1,15}}/cancelamento',
  'POST /monitor/tramites/:idt{[0-9]{1,15}}/notificacoes/:id{[A-Za-z0-9_-]{1,64}}/reenvio',
  'GET /monitor/participantes/:cnpj{[0-9A-Za-z./-]{1,30}}',
  'POST /monitor/sair',
]);

/** A Hono route path as a regular expression over concrete paths. */
const routeRegex = (path: string) =>
  new RegExp(
    '^' +
      path
        .split(/(:[A-Za-z]+(?:\{(?:[^{}]|\{[^{}]*\})*\})?)/)
        .map((seg) => {
          const m = /^:[A-Za-z]+(?:\{(.*)\})?$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          return `(?:${m[1] ?? '[^/]+'})`;
        })
        .join('') +
      '$',
  );

describe('the bad-input corpus files', () => {
  const corpus = loadCorpus();
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());

  it('holds at least 100 well-formed cases, one a file, unique by name, each expecting a specific refusal in Portuguese', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    const names = corpus.map((c) => c.caso.nome);
    expect(new Set(names).size).toBe(names.length);
    for (const { file, caso } of corpus) {
      expect(file, file).toBe(`${caso.nome}.json`);
      expect(caso.descricao, file).toMatch(/\S/);
      expect(caso.tipo, file).toMatch(/^[a-z0-9-]+$/);
      expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], file).toContain(caso.metodo);
      expect(caso.caminho, file).toMatch(/^\//);
      expect(['sei-estado', 'sei-municipio', 'admin', 'convite', 'nenhum'], file).toContain(caso.cliente);
      // one body at most, and a generated one names a known generator
      expect([caso.corpo, caso.corpoBase64, caso.corpoGerado].filter((b) => b !== undefined).length, file).toBeLessThanOrEqual(1);
      if (caso.corpoGerado) expect(Object.keys(generators), file).toContain(caso.corpoGerado.gerador);
      // a specific code (never the catch-all 9999) and a Portuguese phrase of the message
      expect(caso.esperado.codigoErro, file).toMatch(/^\d{4}$/);
      expect(caso.esperado.codigoErro, file).not.toBe('9999');
      expect(caso.esperado.status, file).toBeGreaterThanOrEqual(caso.metodo === 'POST' && caso.caminho === '/api/v1/preflight' ? 200 : 400);
      expect(caso.esperado.status, file).toBeLessThan(500);
      expect(caso.esperado.mensagemContem.trim().length, file).toBeGreaterThanOrEqual(8);
      expect(caso.esperado.mensagemContem, file).not.toMatch(/Invalid input|expected string|Required\b/);
    }
  });

  it('keeps no huge file in the repository: big and deep bodies come from a named generator', () => {
    for (const { file, caso } of corpus) {
      const body = caso.corpoGerado ? null : bodyOf(caso, {});
      if (body) expect(body.length, file).toBeLessThan(64 * 1024);
    }
  });

  it('reaches every route of the router, or names the route and why it has no case', () => {
    const routes = t.hub.app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ key: `${r.method} ${r.path}`, method: r.method, re: routeRegex(r.path) }));
    const dummy = new Proxy({}, { get: () => '1' }) as Record<string, string>;
    const reached = new Set<string>();
    for (const { caso } of corpus) {
      const path = fill(caso.caminho, dummy).split('?')[0]!;
      for (const r of routes) if (r.method === caso.metodo && r.re.test(path)) reached.add(r.key);
    }
    const missing = routes.filter((r) => !reached.has(r.key) && !NOT_COVERED[r.key]).map((r) => r.key);
    expect(missing).toEqual([]);
    // an exemption for a route that no longer exists, or that now has a case, is removed
    expect(Object.keys(NOT_COVERED).filter((k) => !routes.some((r) => r.key === k) || reached.has(k))).toEqual([]);
  });

  it('counts the cases of every kind the issue names', () => {
    const kinds = new Map<string, number>();
    for (const { caso } of corpus) kinds.set(caso.tipo, (kinds.get(caso.tipo) ?? 0) + 1);
    for (const k of ['json-malformado', 'tipo-errado', 'campo-ausente', 'texto-enorme', 'aninhamento-profundo', 'chave-duplicada', 'faixa', 'base64-lixo', 'hash-errado', 'nome-de-arquivo', 'multipart-quebrado', 'corpo-enorme'])
      expect(kinds.get(k) ?? 0, k).toBeGreaterThanOrEqual(2);
  });
});
