import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_OPERATIONS } from '../../src/http/routes/admin/openapi.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * The role matrix of the administration API (ARCHITECTURE "Faces"): every admin route, read
 * from the router, against anonymous, a revoked token, a monitor, a participant's administrator
 * (its own participant and another's) and the federation administrator. A refused call changes
 * nothing; a route added without a line in POLICY makes this test fail.
 */
type Who = 'anonimo' | 'revogado' | 'monitor' | 'participante' | 'admin';

/** Who may call each route; `participante` reaches its own participant only (checked below). */
const POLICY: Record<string, readonly Who[]> = {
  'GET /admin/api/eventos': ['admin', 'monitor'],
  'GET /admin/api/certificados': ['admin', 'monitor'],
  'GET /admin/api/tramites': ['admin', 'monitor', 'participante'],
  'GET /admin/api/tramites/parados': ['admin', 'monitor', 'participante'],
  'GET /admin/api/tramites/:idt{[0-9]+}': ['admin', 'monitor', 'participante'],
  'GET /admin/api/indicadores': ['admin', 'monitor', 'participante'],
  'GET /admin/api/indicadores/situacoes': ['admin', 'monitor', 'participante'],
  'GET /admin/api/indicadores/vazao': ['admin', 'monitor', 'participante'],
  'GET /admin/api/recusas': ['admin', 'monitor', 'participante'],
  'GET /admin/api/nres/:nre{[0-9]+}/documentos': ['admin', 'monitor', 'participante'],
  'DELETE /admin/api/tramites/:idt{[0-9]+}': ['admin'],
  'POST /admin/api/nres/importacao': ['admin'],
  'GET /admin/api/nres/:nre': ['admin', 'monitor'],
  'POST /admin/api/nres/:nre/liberacao': ['admin'],
  'POST /admin/api/nres/:nre/reatribuicao': ['admin'],
  'GET /admin/api/participantes': ['admin', 'monitor', 'participante'],
  'POST /admin/api/participantes': ['admin'],
  'GET /admin/api/participantes/:cnpj': ['admin', 'monitor', 'participante'],
  'POST /admin/api/participantes/:cnpj/:acao{(?:aprovacao|suspensao|reativacao|desligamento)}': ['admin'],
  'GET /admin/api/sistemas': ['admin', 'monitor', 'participante'],
  'POST /admin/api/participantes/:cnpj/estruturas': ['admin', 'participante'],
  'GET /admin/api/participantes/:cnpj/estruturas': ['admin', 'monitor', 'participante'],
  'POST /admin/api/sistemas': ['admin', 'participante'],
  'POST /admin/api/convites': ['admin'],
  'GET /admin/api/adesoes': ['admin', 'monitor'],
  'GET /admin/api/adesoes/:id{[0-9]+}': ['admin', 'monitor'],
  'POST /admin/api/adesoes/:id{[0-9]+}/aprovacao': ['admin'],
  'POST /admin/api/adesoes/:id{[0-9]+}/recusa': ['admin'],
  'GET /admin/api/listas/:lista{(?:especies|hipoteses|motivos)}': ['admin', 'monitor', 'participante'],
  'POST /admin/api/listas/:lista{(?:especies|hipoteses|motivos)}': ['admin'],
  'PATCH /admin/api/listas/:lista{(?:especies|hipoteses|motivos)}/:codigo{[0-9]+}': ['admin'],
  'GET /admin/api/listas/:lista{(?:especies|hipoteses|motivos)}/historico': ['admin', 'monitor', 'participante'],
  'GET /admin/api/openapi.json': ['admin', 'monitor', 'participante'],
  'GET /admin/api/sistemas/:id/capacidades': ['admin', 'monitor', 'participante'],
  'PUT /admin/api/sistemas/:id/capacidades': ['admin', 'participante'],
  'GET /admin/api/sistemas/:id/mapeamentos/:lista': ['admin', 'monitor', 'participante'],
  'POST /admin/api/sistemas/:id/mapeamentos/:lista': ['admin', 'participante'],
  'GET /admin/api/sistemas/:id/mapeamentos/:lista/sugestoes': ['admin', 'monitor', 'participante'],
  'GET /admin/api/sistemas/:id/mapeamentos/:lista/cobertura': ['admin', 'monitor', 'participante'],
  'PUT /admin/api/sistemas/:id/mapeamentos/:lista/codigos/:codigo': ['admin', 'participante'],
  'GET /admin/api/sistemas/:id/mapeamentos/:lista/codigos/:codigo/historico': ['admin', 'monitor', 'participante'],
  'GET /admin/api/sistemas/:id/webhook': ['admin', 'monitor', 'participante'],
  'PUT /admin/api/sistemas/:id/webhook': ['admin', 'participante'],
  'GET /admin/api/webhooks/mortos': ['admin', 'monitor', 'participante'],
  'POST /admin/api/webhooks/mortos/:id/reenvio': ['admin', 'participante'],
};

const MUNICIPIO = '11111111000191';
const ESTADO = '00000000000191';

describe('administration API: who may do what', () => {
  let t: TestHub;
  let agent: Agent;
  const tokens: Partial<Record<Who, string>> = {};

  const cli = inProcessCli(() => t.env, () => t.dir);
  const created = async (...args: string[]) => {
    const r = await cli('token', 'create', ...args, '--json');
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as { token: string; id: string };
  };

  beforeAll(async () => {
    t = await startTestHub();
    agent = new Agent({ connect: { ca: t.caPem } });
    tokens.admin = (await created('--role', 'admin', '--rotulo', 'admin de teste')).token;
    tokens.monitor = (await created('--role', 'monitor')).token;
    tokens.participante = (await created('--role', 'participante', '--participante', '11.111.111/0001-91')).token;
    const revoked = await created('--role', 'admin', '--rotulo', 'a revogar');
    expect((await cli('token', 'revoke', '--id', revoked.id)).code).toBe(0);
    tokens.revogado = revoked.token;
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
  });

  const call = async (who: Who, method: string, path: string, body?: unknown) => {
    const token = tokens[who];
    const res = await fetch(`${t.hub.url}${path}`, {
      method,
      dispatcher: agent,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(body ?? {}),
    });
    return { status: res.status, body: (await res.json()) as { code?: string; detail?: string } };
  };
  const concrete = (path: string, cnpj = MUNICIPIO) =>
    path
      .replace(':idt{[0-9]+}', '999999')
      .replace(':nre{[0-9]+}', '0000000000000999')
      .replace(':nre', '0000000000000999')
      .replace(':cnpj', cnpj)
      .replace(':acao{(?:aprovacao|suspensao|reativacao|desligamento)}', 'suspensao')
      .replace(':id{[0-9]+}', '999999')
      .replace(':lista{(?:especies|hipoteses|motivos)}', 'especies')
      .replace(':codigo{[0-9]+}', '999999')
      .replace(':id', 'sei-municipio')
      .replace(':lista', 'especies')
      .replace(':codigo', '10');

  const adminRoutes = () => t.hub.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/admin/api/'));

  it('has a policy for every administration route of the router', () => {
    expect(adminRoutes().map((r) => `${r.method} ${r.path}`).filter((k) => !POLICY[k])).toEqual([]);
  });

  // routes × callers, each with its snapshots (a psql run each on PostgreSQL): more than the default 60 s may be needed there
  it('answers every route by the policy: 401 without a valid token, 403 to a role it does not allow, and changes nothing when it refuses', { timeout: 240_000 }, async () => {
    for (const r of adminRoutes()) {
      const allowed = POLICY[`${r.method} ${r.path}`]!;
      for (const who of ['anonimo', 'revogado', 'monitor', 'participante', 'admin'] as const) {
        const before = t.snapshot();
        const res = await call(who, r.method, concrete(r.path));
        const what = `${who} ${r.method} ${r.path}: ${res.status} ${res.body.detail ?? ''}`;
        if (who === 'anonimo' || who === 'revogado') expect(res.status, what).toBe(401);
        else if (!allowed.includes(who)) expect(res.status, what).toBe(403);
        else expect([401, 403], what).not.toContain(res.status);
        if ([401, 403].includes(res.status)) expect(t.snapshot(), what).toEqual(before);
      }
    }
  });

  it('documents every route in /admin/api/openapi.json with the roles it enforces and its body schema', async () => {
    expect(ADMIN_OPERATIONS.map((o) => `${o.method} /admin/api${o.route}`).sort()).toEqual(adminRoutes().map((r) => `${r.method} ${r.path}`).sort());
    for (const o of ADMIN_OPERATIONS) expect([...o.roles].sort(), `${o.method} ${o.route}`).toEqual([...POLICY[`${o.method} /admin/api${o.route}`]!].sort());
    const doc = (await call('monitor', 'GET', '/admin/api/openapi.json')).body as unknown as { openapi: string; paths: Record<string, Record<string, any>> };
    expect(doc.openapi).toBe('3.1.0');
    const register = doc.paths['/participantes']!.post;
    expect(register['x-papeis']).toEqual(['admin']);
    expect(Object.keys(register.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['cnpj', 'nome', 'sigla', 'esfera', 'poder', 'uf', 'ibge', 'contatos', 'situacao', 'motivo']),
    );
    expect(doc.paths['/participantes/{cnpj}/{acao}']!.post.parameters[1].schema.enum).toEqual(['aprovacao', 'suspensao', 'reativacao', 'desligamento']);
    expect(doc.paths['/sistemas']!.post.requestBody.content['application/json'].schema.required).toEqual(['id', 'participante', 'nome', 'estruturas']);
  });

  it('tells a revoked token apart from an unknown one, naming when it was revoked', async () => {
    const r = await call('revogado', 'GET', '/admin/api/certificados');
    expect(r.body).toMatchObject({ code: 'admin_token_invalid' });
    expect(r.body.detail).toMatch(/foi revogado em \d{4}-/);
  });

  it('keeps a participant’s administrator inside its own participant: another participant’s record and systems are refused, the lists show only its own', async () => {
    const before = t.snapshot();
    const other = await call('participante', 'GET', `/admin/api/participantes/${ESTADO}`);
    expect(other.status).toBe(403);
    const foreignSystem = await call('participante', 'POST', '/admin/api/sistemas', {
      id: 'sei-intruso',
      participante: ESTADO,
      nome: 'Intruso',
      estruturas: [{ repositorio: 100, numero: '1003', papel: 'envia' }],
    });
    expect(foreignSystem.status).toBe(403);
    expect(t.snapshot()).toEqual(before);
    expect((await call('participante', 'GET', `/admin/api/participantes/${MUNICIPIO}`)).status).toBe(200);
    const list = (await call('participante', 'GET', '/admin/api/participantes')).body as unknown as { participantes: { cnpj: string }[] };
    expect(list.participantes.map((p) => p.cnpj)).toEqual([MUNICIPIO]);
    const systems = (await call('participante', 'GET', '/admin/api/sistemas')).body as unknown as { sistemas: { id: string }[] };
    expect(systems.sistemas.map((s) => s.id)).toEqual(['sei-municipio']);
  });

  it('lets a participant’s administrator import its own unit tree and export it, but not another participant’s', async () => {
    const token = tokens.participante!;
    const send = (cnpj: string, body: string, query: string) =>
      fetch(`${t.hub.url}/admin/api/participantes/${cnpj}/estruturas?${query}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
      });
    const before = t.snapshot();
    const foreign = await send(ESTADO, 'numero;nome;sigla;numeroPai\n9100;X;X;\n', 'repositorio=100');
    expect(foreign.status).toBe(403);
    await foreign.text();
    expect(t.snapshot()).toEqual(before);
    const own = await send(MUNICIPIO, '\uFEFFnumero;nome;sigla;numeroPai\n2005;Ouvidoria Municipal;OUV;2000\n', 'repositorio=200&simular=1');
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ simulacao: true, criadas: 1, ausentes: 5 });
    const exported = await fetch(`${t.hub.url}/admin/api/participantes/${MUNICIPIO}/estruturas?repositorio=200&formato=json`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
    expect(((await exported.json()) as { estruturas: unknown[] }).estruturas).toHaveLength(5);
  });

  it('lets a participant’s administrator set the capabilities and code mappings of its own systems only', async () => {
    const before = t.snapshot();
    expect((await call('participante', 'PUT', '/admin/api/sistemas/sei-estado/capacidades', { envioParcial: false })).status).toBe(403);
    expect((await call('participante', 'GET', '/admin/api/sistemas/sei-estado/capacidades')).status).toBe(403);
    expect((await call('participante', 'GET', '/admin/api/sistemas/sei-estado/mapeamentos/especies')).status).toBe(403);
    expect((await call('participante', 'PUT', '/admin/api/sistemas/sei-estado/mapeamentos/hipoteses/codigos/1', { federacao: 1 })).status).toBe(403);
    expect((await call('monitor', 'PUT', '/admin/api/sistemas/sei-municipio/capacidades', { envioParcial: false })).status).toBe(403);
    expect(t.snapshot()).toEqual(before);
    const own = await call('participante', 'PUT', '/admin/api/sistemas/sei-municipio/capacidades', { tamanhoMaximoEmBytes: 1000 });
    expect(own.status, own.body.detail).toBe(200);
    expect(own.body).toMatchObject({ sistema: 'sei-municipio', tamanhoMaximoEmBytes: 1000, declaradoPor: 'administracao', autor: 'participante:11111111000191' });
  });

  it('lets a participant’s administrator register a system of its own participant', async () => {
    const r = await call('participante', 'POST', '/admin/api/sistemas', {
      id: 'sei-municipio-protocolo',
      participante: MUNICIPIO,
      nome: 'Protocolo',
      estruturas: [{ repositorio: 200, numero: '2003', papel: 'envia' }],
    });
    expect(r.status, r.body.detail).toBe(201);
    const events = (await call('admin', 'GET', '/admin/api/eventos?tipo=sistema.cadastrado')).body as unknown as { eventos: { autor: string }[] };
    expect(events.eventos.map((e) => e.autor)).toEqual(['participante:11111111000191']);
  });

  it('refuses to create a participante token without its participant, or another role with one (exit 2 or 1), and lists tokens without their secret', async () => {
    expect((await cli('token', 'create', '--role', 'participante')).code).toBe(1);
    expect((await cli('token', 'create', '--role', 'monitor', '--participante', MUNICIPIO)).code).toBe(1);
    expect((await cli('token', 'create')).code).toBe(2);
    const listed = await cli('token', 'list', '--json');
    const all = JSON.parse(listed.out) as { id: string; role: string; revokedAt: string | null }[];
    expect(all.map((x) => x.role).sort()).toEqual(['admin', 'admin', 'admin', 'monitor', 'participante']);
    expect(all.filter((x) => x.revokedAt)).toHaveLength(1);
    expect(listed.out).not.toContain('elo_');
  });
});
