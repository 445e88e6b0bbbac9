import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { startConformanceHub, type Ctx } from '../conformance/support/context.ts';
import { driveTo, signReceipt, smallDoc } from '../conformance/support/flow.ts';
import { parseExposition } from '../harness/prometheus-text.ts';

const GB = 1024 ** 3;

/** README "Operação": /readyz, /metrics and the operational log, on a real hub over HTTPS. */
describe('operations: readiness, metrics and the log', () => {
  let ctx: Ctx;
  let agent: Agent;
  let adminToken = '';
  let monitorToken = '';
  let participantToken = '';
  let free = 100 * GB;
  const clock = new FixedClock(new Date());
  const get = async (path: string, token?: string | null) => {
    const res = await fetch(`${ctx.t.hub.url}${path}`, { dispatcher: agent, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };
  const metrics = async () => {
    const r = await get('/metrics', monitorToken);
    expect(r.status, r.text).toBe(200);
    return parseExposition(r.text);
  };

  beforeAll(async () => {
    // this file reads the hub's info lines (one per request, one per transition)
    ctx = await startConformanceHub({ clock, freeSpace: async () => free, env: { ELO_LOG_LEVEL: 'info' } });
    agent = new Agent({ connect: { ca: ctx.t.caPem } });
    adminToken = readFileSync(ctx.t.paths.adminToken, 'utf8').trim();
    const services = ctx.t.hub.services;
    monitorToken = (await services.tokens.create({ role: 'monitor' }, 'teste')).token;
    const participant = (await ctx.t.hub.store.registry.listParticipants())[0]!;
    participantToken = (await services.tokens.create({ role: 'participante', participante: participant.cnpj }, 'teste')).token;
  });
  afterAll(async () => {
    await agent?.close();
    await ctx?.close();
  });

  it('answers /readyz 200 with every check named and passing', async () => {
    const r = await get('/readyz');
    expect(r.status, r.text).toBe(200);
    const body = JSON.parse(r.text);
    expect(body.pronto).toBe(true);
    expect(body.verificacoes.map((v: { nome: string }) => v.nome)).toEqual([
      'banco_de_dados_gravavel',
      'arquivos_gravaveis',
      'chave_de_assinatura',
      'varredura',
      'espaco_em_disco',
    ]);
    expect(body.verificacoes.every((v: { ok: boolean }) => v.ok)).toBe(true);
  });

  it('turns /readyz false (503) when the blob folder cannot take a file, and true again once it can', async () => {
    // Root ignores permission bits, so the folder is made unwritable for everyone: it is moved
    // aside and a plain file takes its name (creating anything under it fails with ENOTDIR).
    const blobs = ctx.t.paths.blobs;
    renameSync(blobs, `${blobs}.fora`);
    writeFileSync(blobs, 'não é uma pasta');
    try {
      const r = await get('/readyz');
      expect(r.status).toBe(503);
      const body = JSON.parse(r.text);
      expect(body.pronto).toBe(false);
      const check = body.verificacoes.find((v: { nome: string }) => v.nome === 'arquivos_gravaveis');
      expect(check).toMatchObject({ ok: false, detalhe: expect.stringMatching(/falhou/) });
      expect(check.detalhe).not.toContain(blobs); // no path of the data folder in an open answer
      expect(body.verificacoes.filter((v: { ok: boolean }) => !v.ok)).toHaveLength(1);
    } finally {
      rmSync(blobs);
      renameSync(`${blobs}.fora`, blobs);
    }
    expect((await get('/readyz')).status).toBe(200);
  });

  it('turns /readyz false when free disk falls below ELO_MIN_FREE_DISK_MB', async () => {
    free = 10 * 1_048_576;
    try {
      const r = await get('/readyz');
      expect(r.status).toBe(503);
      expect(JSON.parse(r.text).verificacoes.find((v: { nome: string }) => v.nome === 'espaco_em_disco')).toMatchObject({
        ok: false,
        detalhe: expect.stringContaining('10 MB livres; mínimo 1024 MB'),
      });
    } finally {
      free = 100 * GB;
    }
  });

  it('refuses /metrics without a token, with a wrong one and with a participant token; a monitor or admin token reads it', async () => {
    const none = await get('/metrics');
    expect(none.status).toBe(401);
    expect(none.text).toContain('9015');
    expect((await get('/metrics', 'elo_errado')).status).toBe(401);
    const participant = await get('/metrics', participantToken);
    expect(participant.status).toBe(403);
    expect(participant.text).toContain('/metrics pede um token de monitoramento');
    for (const token of [monitorToken, adminToken]) {
      const r = await get('/metrics', token);
      expect(r.status).toBe(200);
      expect(r.type).toContain('text/plain');
      expect(r.type).toContain('version=0.0.4');
    }
  });

  it('exports valid exposition text whose values move after a trâmite, with route templates and bounded labels', async () => {
    const before = await metrics();
    for (const name of [
      'elo_http_requisicoes_total',
      'elo_http_duracao_segundos',
      'elo_tramites',
      'elo_tramites_parados',
      'elo_componentes_bytes_total',
      'elo_recibos_conclusao_recusados_total',
      'elo_webhook_tentativas_total',
      'elo_webhook_falhas_total',
      'elo_webhook_cartas_mortas_total',
      'elo_certificado_dias_para_expirar_minimo',
      'elo_disco_livre_bytes',
    ]) {
      expect(before.types.has(name), name).toBe(true);
    }
    const tr = await driveTo(ctx, 6);
    const after = await metrics();
    const size = [...tr.bytes.values()].reduce((n, b) => n + b.length, 0);
    expect(after.value('elo_componentes_bytes_total', { direcao: 'entrada' })).toBe((before.value('elo_componentes_bytes_total', { direcao: 'entrada' }) ?? 0) + size);
    expect(after.value('elo_componentes_bytes_total', { direcao: 'saida' })).toBe((before.value('elo_componentes_bytes_total', { direcao: 'saida' }) ?? 0) + size);
    expect(after.value('elo_tramites', { situacao: '6' })).toBe((before.value('elo_tramites', { situacao: '6' }) ?? 0) + 1);
    expect(after.value('elo_tramites_parados', { limite_minutos: '60' })).toBe(0);
    const startRoute = { rota: '/interoperabilidade/rest/v3/tramites/processo', metodo: 'POST', status: '200' };
    expect(after.value('elo_http_requisicoes_total', startRoute)).toBe((before.value('elo_http_requisicoes_total', startRoute) ?? 0) + 1);
    expect(after.value('elo_http_duracao_segundos_count', { rota: startRoute.rota, metodo: 'POST' })).toBeGreaterThanOrEqual(1);
    expect(after.value('elo_certificado_dias_para_expirar_minimo', { tipo: 'sistema' })).toBeGreaterThan(0);
    expect(after.value('elo_certificado_dias_para_expirar_minimo', { tipo: 'hub_tls' })).toBeGreaterThan(0);
    expect(after.value('elo_disco_livre_bytes')).toBe(100 * GB);
    // routes are templates: the IDT of the trâmite never appears as a label value
    const rotas = new Set(after.samples.filter((s) => s.labels.rota).map((s) => s.labels.rota!));
    expect([...rotas].some((r) => r.includes(':idt'))).toBe(true);
    expect([...rotas].filter((r) => r.includes(String(tr.idt)))).toEqual([]);
  });

  it('counts a rejected completion receipt', async () => {
    const before = (await metrics()).value('elo_recibos_conclusao_recusados_total') ?? 0;
    const tr = await driveTo(ctx, 4);
    // signed with the sender's key instead of the receiver's (spec §7.2)
    const s = await signReceipt(ctx, tr, { keyOf: tr.sender });
    const r = await ctx.client(tr.receiver).enviarRecibo(tr.idt, { dataDeRecebimento: s.dataDeRecebimento, hashDaAssinatura: s.hashDaAssinatura });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect((await metrics()).value('elo_recibos_conclusao_recusados_total')).toBe(before + 1);
  });

  it('keeps label values bounded: raw paths, unknown methods and missing routes collapse into templates', async () => {
    for (let i = 0; i < 20; i++) await get(`/nada/${i}/${'x'.repeat(i)}`);
    const m = await metrics();
    const rotas = new Set(m.samples.filter((s) => s.name === 'elo_http_requisicoes_total').map((s) => s.labels.rota));
    expect([...rotas].filter((r) => r!.startsWith('/nada'))).toEqual([]);
    expect(m.value('elo_http_requisicoes_total', { rota: '/*', metodo: 'GET', status: '404' })).toBeGreaterThanOrEqual(20);
  });

  it('counts open trâmites without a transition for more than 60 and 90 minutes as stuck', async () => {
    const stuck = async () => {
      const m = await metrics();
      return [m.value('elo_tramites_parados', { limite_minutos: '60' }), m.value('elo_tramites_parados', { limite_minutos: '90' })];
    };
    const open = (await metrics()).samples.filter((x) => x.name === 'elo_tramites' && Number(x.labels.situacao) <= 4).reduce((n, x) => n + x.value, 0);
    expect(await stuck()).toEqual([0, 0]);
    await driveTo(ctx, 1);
    clock.advance(61 * 60_000);
    expect(await stuck()).toEqual([open + 1, 0]);
    clock.advance(30 * 60_000);
    expect(await stuck()).toEqual([open + 1, open + 1]);
  });

  it('logs a whole trâmite as JSON lines with the request id on each, one line per request and per transition, and no secret', async () => {
    const lines: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    let tr;
    try {
      // two documents: the first upload and the first download move nothing
      tr = await driveTo(ctx, 6, { documentos: [smallDoc(ctx), smallDoc(ctx, 80)] });
      // the tokens go by in headers: good, wrong and read-only ones
      await get(`/admin/api/tramites/${tr.idt}`, adminToken);
      await get('/metrics', adminToken);
      await get('/metrics', `${adminToken}x`);
      await get('/admin/api/certificados', monitorToken);
    } finally {
      vi.restoreAllMocks();
      void original;
    }
    const entries = lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; at: string; event: string; requisicao?: string; data?: any });
    const requests = entries.filter((e) => e.event === 'http.requisicao');
    expect(requests.length).toBeGreaterThanOrEqual(10);
    // one line per request: each request id ends in exactly one request line
    const ids = requests.map((e) => e.requisicao);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of requests) expect(e.data).toMatchObject({ metodo: expect.any(String), rota: expect.stringMatching(/^\//), status: expect.any(Number), duracaoMs: expect.any(Number) });
    // every line written during a request carries that request's id
    for (const e of entries.filter((x) => x.event !== 'http.requisicao')) expect(ids, JSON.stringify(e)).toContain(e.requisicao);
    const transitions = entries.filter((e) => e.event === 'tramite.transicao' && e.data.idt === tr!.idt);
    // one line per transition, none for writes that moved nothing (a component recorded, a range served)
    expect(transitions.map((e) => e.data.situacao)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(entries.find((e) => e.event === 'token_admin_recusado')).toBeDefined();
    // no secret and no personal data: the admin token, the systems' private keys, any PEM
    const text = lines.join('');
    const keyBody = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(text).not.toContain(adminToken);
    expect(text).not.toContain(monitorToken);
    for (const system of ['sei-estado', 'sei-municipio']) for (const line of keyBody(ctx.t.paths.system(system).key)) expect(text).not.toContain(line);
    for (const line of keyBody(ctx.t.paths.signingKey)) expect(text).not.toContain(line);
    expect(text).not.toContain('-----BEGIN');
  });
});

describe('/metrics behind an address list (ELO_METRICS_ALLOW)', () => {
  let ctx: Ctx;
  let agent: Agent;
  let adminToken = '';
  const get = async (token?: string) => {
    const res = await fetch(`${ctx.t.hub.url}/metrics`, { dispatcher: agent, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, text: await res.text() };
  };
  afterAll(async () => {
    await agent?.close();
    await ctx?.close();
  });

  it('refuses an address outside the list even with the admin token, and never looks at the token', async () => {
    ctx = await startConformanceHub({ env: { ELO_METRICS_ALLOW: '10.9.9.0/24' } });
    agent = new Agent({ connect: { ca: ctx.t.caPem } });
    adminToken = readFileSync(ctx.t.paths.adminToken, 'utf8').trim();
    const r = await get(adminToken);
    expect(r.status).toBe(403);
    expect(r.text).toContain('ELO_METRICS_ALLOW');
    await ctx.close();
    await agent.close();
  });

  it('still asks for the token from an address inside the list', async () => {
    ctx = await startConformanceHub({ env: { ELO_METRICS_ALLOW: '127.0.0.1,::1' } });
    agent = new Agent({ connect: { ca: ctx.t.caPem } });
    adminToken = readFileSync(ctx.t.paths.adminToken, 'utf8').trim();
    expect((await get()).status).toBe(401);
    expect((await get(adminToken)).status).toBe(200);
  });
});
