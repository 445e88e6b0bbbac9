import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { TOKEN_FAILURE_LIMIT } from '../../src/services/token-failures.ts';
import { dashboardFace } from '../../src/http/dashboard/index.tsx';
import type { TramiteView } from '../../src/http/dashboard/data/index.ts';
import { tramiteData } from '../../src/http/dashboard/data/tramite.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/**
 * The dashboard (/monitor, issue: monitoring item 2) in process: login by token into a session
 * cookie, CSRF on every form, escaping, the sigilo reduction, role scoping, audit of views, the
 * operator's cancel, and the separate internal listener.
 */
describe('dashboard', () => {
  let t: TestHub;
  const clock = new FixedClock(new Date());
  const tokens = { admin: '', monitor: '', municipio: '', hostil: '' };
  let shared = 0; // estado → município: both participants are parties
  let internal = 0; // estado → estado: only the state's participant is a party
  const cli = inProcessCli(() => t.env, () => t.dir);
  const created = async (...args: string[]) => {
    const r = await cli('token', 'create', ...args, '--json');
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as { token: string; id: string };
  };

  const request = (path: string, init: RequestInit & { cookie?: string } = {}) =>
    t.hub.app.request(path, { ...init, headers: { ...(init.cookie ? { cookie: init.cookie } : {}), ...(init.headers as Record<string, string>) } });
  const postForm = (path: string, fields: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) =>
    request(path, { method: 'POST', cookie, body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  /** Logs in and returns the session cookie and the page's CSRF token. */
  const login = async (token: string) => {
    const r = await postForm('/monitor/entrar', { token });
    expect(r.status, await r.clone().text()).toBe(303);
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await request('/monitor/', { cookie })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    return { cookie, csrf };
  };
  const start = async (protocolo: string, destinatario: [number, string]) => {
    const pkg = processoBody({ protocolo, remetente: [100, '1002'], destinatario, documentos: [{ bytes: [new Uint8Array([7, 7])] }] });
    const r = await t.client('sei-estado').iniciarProcesso(pkg.body);
    expect(r.status, r.text).toBe(200);
    return r.body.IDT as number;
  };

  beforeAll(async () => {
    t = await startTestHub({ clock, env: { ELO_SWEEP_INTERVAL_SECONDS: '3600' } });
    tokens.admin = readFileSync(t.paths.adminToken, 'utf8').trim();
    tokens.monitor = (await created('--role', 'monitor', '--rotulo', 'monitor de plantão')).token;
    tokens.municipio = (await created('--role', 'participante', '--participante', '11.111.111/0001-91', '--rotulo', 'adm município')).token;
    tokens.hostil = (await created('--role', 'monitor', '--rotulo', '<img src=x onerror=alert(1)>')).token;
    shared = await start('<script>alert(1)</script>', [200, '2002']);
    internal = await start('77.1/2026', [100, '1003']);
    // idle for one hour: under the 2 h threshold of situação 1 (DEFAULT_STUCK_MINUTES)
    clock.advance(3_600_000);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists no trâmite as parado before its situação's threshold, and both once it has passed", async () => {
    const early = await (await request('/monitor/', { cookie: (await login(tokens.monitor)).cookie })).text();
    expect(early).toMatch(/<td class="num" data-situacao="1">2<\/td>/);
    expect(early).toContain('Nenhum trâmite parado.');
    expect(early).not.toContain('Baseado nos');
    // three hours idle in situação 1: above its 120 minutes
    clock.advance(2 * 3_600_000);
    const late = await (await request('/monitor/', { cookie: (await login(tokens.monitor)).cookie })).text();
    expect(late).not.toContain('Nenhum trâmite parado.');
    expect(late).toContain(`href="/monitor/tramites/${shared}"`);
    expect(late).toContain(`href="/monitor/tramites/${internal}"`);
  });

  it('shows the login form in Portuguese and sends a page without a session to it', async () => {
    const form = await request('/monitor/entrar');
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="pt-BR">/);
    expect(html).toContain('Token de acesso');
    expect(form.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const path of ['/monitor/', '/monitor/busca?IDT=1', '/monitor/recusas', `/monitor/tramites/${shared}`]) {
      const r = await request(path);
      expect(r.status, path).toBe(303);
      expect(r.headers.get('location')).toBe('/monitor/entrar');
    }
  });

  it('refuses a wrong token in Portuguese, opens no session, and locks out the address like the admin API', async () => {
    const r = await postForm('/monitor/entrar', { token: 'token-errado' });
    expect(r.status).toBe(401);
    expect(r.headers.get('set-cookie')).toBeNull();
    expect(await r.text()).toContain('Token inválido, revogado ou ausente');
    let last: Response = r;
    for (let i = 1; i <= TOKEN_FAILURE_LIMIT.max; i++) last = await postForm('/monitor/entrar', { token: `errado-${i}` });
    expect(last.status).toBe(429);
    expect(await last.text()).toContain('Muitas tentativas');
    // the lockout applies to the right token too, from that address, until the window passes
    expect((await postForm('/monitor/entrar', { token: tokens.monitor })).status).toBe(429);
    clock.advance(TOKEN_FAILURE_LIMIT.windowMs + 1);
  });

  it('opens a session whose cookie is HttpOnly, Secure, SameSite=Strict, Path=/monitor and is not the token', async () => {
    const r = await postForm('/monitor/entrar', { token: tokens.monitor });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/monitor/');
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^elo_painel=[0-9a-f]{64};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/monitor');
    expect(cookie).not.toContain(tokens.monitor);
    expect((await postForm('/monitor/entrar', { token: tokens.monitor }, undefined, { origin: 'https://outro.exemplo' })).status).toBe(403);
  });

  it('shows the overview with counts by situação, the stuck trâmites with who must act, the call expected and the time to automatic cancellation, and the throughput', async () => {
    const { cookie } = await login(tokens.monitor);
    const html = await (await request('/monitor/', { cookie })).text();
    expect(html).toContain('<h1>Visão geral</h1>');
    expect(html).toMatch(/<td class="num" data-situacao="1">2<\/td>/);
    expect(html).toContain('Trâmites parados');
    expect(html).toContain(`href="/monitor/tramites/${shared}"`);
    expect(html).toMatch(/<td>3 h \d+ min \(desde [^<]+; limite 2 h 0 min\)<\/td>/);
    expect(html).toContain('<td>sistema remetente (sei-estado)</td>');
    expect(html).toContain('PUT tickets-de-envio-de-componente/');
    // ELO_AUTO_CANCEL_DAYS 8: about 7 d 20 h left
    expect(html).toMatch(/<td>em 7 d 2\d h \(/);
    expect(html).toContain('<svg');
    expect(html).toMatch(/<th scope="col">Recusados<\/th>/);
  });

  it('escapes what it shows: a hostile protocolo and a hostile token label stay text', async () => {
    const { cookie } = await login(tokens.hostil);
    for (const path of ['/monitor/', `/monitor/tramites/${shared}`, `/monitor/busca?protocolo=${encodeURIComponent('<script>alert(1)</script>')}`, '/monitor/recusas']) {
      const html = await (await request(path, { cookie })).text();
      expect(html, path).not.toContain('<script>alert(1)</script>');
      expect(html, path).not.toContain('<img src=x');
      expect(html, path).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
    const page = await (await request(`/monitor/tramites/${shared}`, { cookie })).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('finds a trâmite by IDT, by protocolo, by participant and by situação, and logs who viewed which trâmite', async () => {
    const { cookie } = await login(tokens.monitor);
    const byIdt = await (await request(`/monitor/busca?IDT=${internal}`, { cookie })).text();
    expect(byIdt).toContain('1 trâmite encontrado.');
    expect(byIdt).toContain('77.1/2026');
    expect(byIdt).toContain(`<input id="IDT" name="IDT" type="text" value="${internal}"/>`);
    const byProtocolo = await (await request(`/monitor/busca?protocolo=${encodeURIComponent('77.1/2026')}`, { cookie })).text();
    expect(byProtocolo).toContain(`href="/monitor/tramites/${internal}"`);
    expect(byProtocolo).not.toContain(`href="/monitor/tramites/${shared}"`);
    const byParticipant = await (await request('/monitor/busca?participante=municipio-exemplopolis&situacao=1', { cookie })).text();
    expect(byParticipant).toContain(`href="/monitor/tramites/${shared}"`);
    expect(byParticipant).not.toContain(`href="/monitor/tramites/${internal}"`);
    expect(byParticipant).toContain('<option value="1" selected="">');
    const nothing = await (await request('/monitor/busca?situacao=6', { cookie })).text();
    expect(nothing).toContain('Nenhum trâmite encontrado.');
    const page = await request(`/monitor/tramites/${internal}`, { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Linha do tempo');
    expect(html).toContain('Aguardando o envio dos arquivos digitais');
    expect(html).toContain('Trâmite iniciado pelo remetente');
    expect(html).toContain('<td>sistema remetente (sei-estado)</td>');
    expect(html).toContain('PUT tickets-de-envio-de-componente/');
    expect(html).toContain('Recibo de envio');
    expect(html).toContain('<th scope="row">Emitido</th><td>ainda não</td>');
    const views = await t.hub.services.audit.events({ kind: 'painel.tramite_consultado' });
    expect(views[0]).toMatchObject({ idt: internal, actor: 'painel:monitor de plantão' });
  });

  it("keeps a participant's administrator to its own trâmites: another's is answered as unknown, and not counted", async () => {
    const { cookie } = await login(tokens.municipio);
    expect((await request(`/monitor/tramites/${shared}`, { cookie })).status).toBe(200);
    const other = await request(`/monitor/tramites/${internal}`, { cookie });
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain('77.1/2026');
    expect(await (await request(`/monitor/busca?IDT=${internal}`, { cookie })).text()).toContain('Nenhum trâmite encontrado.');
    // naming the other participant narrows to the trâmites of both: never the state's own
    const withOther = await (await request('/monitor/busca?participante=estado-exemplo', { cookie })).text();
    expect(withOther).toContain(`href="/monitor/tramites/${shared}"`);
    expect(withOther).not.toContain(`href="/monitor/tramites/${internal}"`);
    const overview = await (await request('/monitor/', { cookie })).text();
    expect(overview).toMatch(/<td class="num" data-situacao="1">1<\/td>/);
    expect(overview).not.toContain(`href="/monitor/tramites/${internal}"`);
    expect((await request('/monitor/participantes/estado-exemplo', { cookie })).status).toBe(404);
    const own = await (await request('/monitor/participantes/municipio-exemplopolis', { cookie })).text();
    expect(own).toContain('sei-municipio');
    expect(own).not.toContain('77.1/2026');
    expect(own).toContain(`href="/monitor/tramites/${shared}"`);
    expect(own).toMatch(/<td class="num" data-numero="recebidos">1<\/td>/);
    expect(own).toMatch(/<td class="num" data-numero="enviados">0<\/td>/);
    expect(own).toMatch(/<td class="num" data-numero="pendentes">1<\/td>/);
    // the refusal is audited as nothing: no view event for the trâmite it could not see
    const views = await t.hub.services.audit.events({ kind: 'painel.tramite_consultado' });
    expect(views.some((v) => v.idt === internal && v.actor === 'painel:adm município')).toBe(false);
  });

  it("lists refused requests with 0047's ordem and both hashes and 0044's open IDT, a participant only its own systems'", async () => {
    const monitoring = t.hub.services.monitoring;
    const hash = (c: string) => c.repeat(44);
    await monitoring.recordRefusal({
      systemId: 'sei-estado',
      method: 'PUT',
      path: '/interoperabilidade/rest/v3/tickets-de-envio-de-componente/9/protocolos/componentes-a-enviar',
      error: {
        code: 'document_hash_mismatch',
        codigoErro: '0047',
        status: 422,
        mensagem: 'Hash do componente diverge do registrado <b>',
        details: { nre: '0000000000000047', protocolo: '47.1/2026', ordem: 2, componente: 1, registrado: hash('A'), recebido: hash('B'), idt: shared },
      },
    });
    await monitoring.recordRefusal({
      systemId: 'sei-estado',
      method: 'POST',
      path: '/interoperabilidade/rest/v3/processos/tramites',
      error: { code: 'tramite_already_open', codigoErro: '0044', status: 409, mensagem: 'Já há um trâmite aberto para o NRE.', details: { open: { idt: internal, situacao: 1, nre: '0000000000000044' } } },
    });
    const monitor = await login(tokens.monitor);
    const html = await (await request('/monitor/recusas', { cookie: monitor.cookie })).text();
    expect(html).toContain('<h1>Recusas</h1>');
    expect(html).toContain('<a href="/monitor/recusas">Recusas</a>');
    expect(html).toContain('documento de ordem 2, componente 1 (protocolo 47.1/2026)');
    expect(html).toContain(`hash registrado: <code>${hash('A')}</code>`);
    expect(html).toContain(`hash recebido: <code>${hash('B')}</code>`);
    expect(html).toContain(`trâmite já aberto para o NRE: IDT <a href="/monitor/tramites/${internal}">${internal}</a>`);
    expect(html).toContain('diverge do registrado &lt;b&gt;');
    const only47 = await (await request('/monitor/recusas?codigoErro=0047', { cookie: monitor.cookie })).text();
    expect(only47).toContain('hash registrado');
    expect(only47).not.toContain('trâmite já aberto para o NRE: IDT');
    const bad = await request('/monitor/recusas?codigoErro=47', { cookie: monitor.cookie });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('codigoErro');
    // the municipality's administrator: not the state's systems' refusals
    const municipio = await login(tokens.municipio);
    const theirs = await (await request('/monitor/recusas', { cookie: municipio.cookie })).text();
    expect(theirs).toContain('Nenhuma recusa encontrada.');
    expect(theirs).not.toContain(hash('A'));
  });

  it('refuses a form without the session CSRF token, or from another origin, and changes nothing', async () => {
    const { cookie, csrf } = await login(tokens.admin);
    const before = await t.snapshot();
    const none = await postForm(`/monitor/tramites/${internal}/cancelamento`, { motivo: 'sem código' }, cookie);
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('código de segurança');
    const wrong = await postForm(`/monitor/tramites/${internal}/cancelamento`, { motivo: 'código alheio', _csrf: 'f'.repeat(64) }, cookie);
    expect(wrong.status).toBe(403);
    const crossSite = await postForm(`/monitor/tramites/${internal}/cancelamento`, { motivo: 'outra origem', _csrf: csrf }, cookie, { origin: 'https://atacante.exemplo' });
    expect(crossSite.status).toBe(403);
    expect(await t.snapshot()).toEqual(before);
  });

  it('lets only the federation administrator cancel, with a reason kept in the audit event', async () => {
    const monitor = await login(tokens.monitor);
    const page = await (await request(`/monitor/tramites/${internal}`, { cookie: monitor.cookie })).text();
    expect(page).not.toContain('Cancelar trâmite');
    const before = await t.snapshot();
    const refused = await postForm(`/monitor/tramites/${internal}/cancelamento`, { motivo: 'tentativa', _csrf: monitor.csrf }, monitor.cookie);
    expect(refused.status).toBe(403);
    expect(await t.snapshot()).toEqual(before);

    const admin = await login(tokens.admin);
    const noReason = await postForm(`/monitor/tramites/${internal}/cancelamento`, { motivo: '  ', _csrf: admin.csrf }, admin.cookie);
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Informe o motivo do cancelamento.');
    expect(await t.snapshot()).toEqual(before);

    const done = await postForm(`/monitor/tramites/${internal}/cancelamento`, { motivo: 'Enviado à unidade errada', _csrf: admin.csrf }, admin.cookie);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/monitor/tramites/${internal}?cancelado=1`);
    const after = await (await request(done.headers.get('location')!, { cookie: admin.cookie })).text();
    expect(after).toContain('Trâmite cancelado pelo operador.');
    expect(after).toContain('7 — Cancelado');
    expect(after).toContain('Cancelado — motivo: Enviado à unidade errada');
    const [event] = await t.hub.services.audit.events({ kind: 'tramite.cancelado' });
    expect(event).toMatchObject({ idt: internal, actor: expect.stringMatching(/^operador:painel:/), data: { motivo: 'Enviado à unidade errada' } });
  });

  it('ends the session at logout and when its token is revoked', async () => {
    const { cookie, csrf } = await login(tokens.monitor);
    const out = await postForm('/monitor/sair', { _csrf: csrf }, cookie);
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/elo_painel=;/);
    expect((await request('/monitor/', { cookie })).headers.get('location')).toBe('/monitor/entrar');

    const revocable = await created('--role', 'monitor', '--rotulo', 'a revogar');
    const s = await login(revocable.token);
    expect((await cli('token', 'revoke', '--id', revocable.id)).code).toBe(0);
    const r = await request('/monitor/', { cookie: s.cookie });
    expect(r.status).toBe(401);
    expect(await r.text()).toContain('o token foi revogado');
  });

  it("keeps a live session through a lockout of its address, which only someone else's guessing caused", async () => {
    const { cookie } = await login(tokens.monitor);
    for (let i = 0; i < TOKEN_FAILURE_LIMIT.max; i++) await postForm('/monitor/entrar', { token: `adivinhando-${i}` });
    const locked = await request('/monitor/', { cookie });
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('Muitas tentativas');
    clock.advance(TOKEN_FAILURE_LIMIT.windowMs + 1);
    const back = await request('/monitor/', { cookie });
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('<h1>Visão geral</h1>');
  });

  it('reduces a restricted or secret trâmite to what monitoring needs: no interessados, no document descriptions', async () => {
    const content = (nivel: 1 | 2 | 3): TramiteView['conteudo'] => ({
      nivelDeSigilo: nivel,
      interessados: ['Fulano de Tal'],
      documentos: [{ ordem: 1, descricao: 'Laudo pericial reservado', nomes: ['laudo.pdf'] }],
    });
    for (const nivel of [1, 2, 3] as const) {
      const app = new Hono().route(
        '/monitor',
        dashboardFace(
          { services: t.hub.services, peerCertificate: () => null, now: () => clock.now() },
          { data: { tramite: async (s, who, idt) => ({ ...(await tramiteData(s, who, idt)), conteudo: content(nivel) }) } },
        ),
      );
      const r = await app.request('/monitor/entrar', { method: 'POST', body: `token=${tokens.monitor}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
      const html = await (await app.request(`/monitor/tramites/${shared}`, { headers: { cookie } })).text();
      expect(html).toContain(`Nível de sigilo</th><td>${nivel} — `);
      if (nivel === 1) {
        expect(html).toContain('Fulano de Tal');
        expect(html).toContain('Laudo pericial reservado (laudo.pdf)');
      } else {
        expect(html).not.toContain('Fulano');
        expect(html).not.toContain('Laudo');
        expect(html).not.toContain('laudo.pdf');
        expect(html).toContain('interessados e descrições dos documentos não são exibidos');
        expect(html).toContain(shared.toString());
      }
    }
  });

  it('pages the search with a next-page link that keeps the filters, and explains a bad filter on the page', async () => {
    // 50 more, inside the state: with `shared` and `internal`, 52 trâmites of the state
    const more: number[] = [];
    for (let i = 0; i < 50; i++) more.push(await start(`88.${i}/2026`, [100, '1003']));
    const { cookie } = await login(tokens.monitor);
    const first = await (await request('/monitor/busca?participante=estado-exemplo&de=2000-01-01', { cookie })).text();
    expect(first).toContain('50 trâmites encontrados nesta página');
    expect(first).toContain(`href="/monitor/tramites/${more[49]}"`);
    const next = /<a href="([^"]+)" rel="next">Próxima página<\/a>/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBe(`/monitor/busca?participante=estado-exemplo&de=2000-01-01&cursor=${more[0]}`);
    const second = await (await request(next!, { cookie })).text();
    // the two started first, newest first
    expect([...second.matchAll(/<td><a href="\/monitor\/tramites\/(\d+)">/g)].map((m) => Number(m[1]))).toEqual([internal, shared]);
    expect(second).not.toContain('rel="next"');
    const bad = await request('/monitor/busca?NRE=123', { cookie });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('NRE');
    expect(html).toContain('16 dígitos');
    expect(html).toContain('value="123"');
  });

  it('lets only the federation administrator send a dead notification again, with the CSRF token', async () => {
    const replayed: string[] = [];
    const app = new Hono().route(
      '/monitor',
      dashboardFace(
        { services: t.hub.services, peerCertificate: () => null, now: () => clock.now() },
        {
          data: {
            tramite: async (s, who, idt) => ({
              ...(await tramiteData(s, who, idt)),
              notificacoesMortas: [{ id: 'n-1', sistema: 'sei-municipio', tentativas: 4, falhouEm: clock.now().toISOString(), erro: 'HTTP 502' }],
            }),
            replayNotification: async (_s, who, idt, id) => void replayed.push(`${who.role}:${idt}:${id}`),
          },
        },
      ),
    );
    const enter = async (token: string) => {
      const r = await app.request('/monitor/entrar', { method: 'POST', body: `token=${encodeURIComponent(token)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
      const html = await (await app.request(`/monitor/tramites/${shared}`, { headers: { cookie } })).text();
      return { cookie, html, csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]! };
    };
    const post = (cookie: string, body: string) =>
      app.request(`/monitor/tramites/${shared}/notificacoes/n-1/reenvio`, { method: 'POST', body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    const monitor = await enter(tokens.monitor);
    expect(monitor.html).toContain('Notificações não entregues');
    expect(monitor.html).not.toContain('Reenviar');
    expect((await post(monitor.cookie, `_csrf=${monitor.csrf}`)).status).toBe(403);
    const admin = await enter(tokens.admin);
    expect(admin.html).toContain('Reenviar');
    expect((await post(admin.cookie, '')).status).toBe(403);
    expect(replayed).toEqual([]);
    const done = await post(admin.cookie, `_csrf=${admin.csrf}`);
    expect(done.status).toBe(303);
    expect(replayed).toEqual([`admin:${shared}:n-1`]);
  });
});

describe('dashboard on the internal listener (ELO_ADMIN_PORT)', () => {
  let t: TestHub;
  let agent: Agent;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_ADMIN_PORT: '0', ELO_ADMIN_HOST: '127.0.0.1' } });
    agent = new Agent({ connect: { ca: t.caPem } });
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
  });

  it('serves the dashboard and admin API there without a client certificate, and no longer on the main port', async () => {
    const admin = t.hub.admin!;
    expect(admin.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const login = await fetch(`${admin.url}/monitor/entrar`, { dispatcher: agent });
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Token de acesso');
    const token = readFileSync(t.paths.adminToken, 'utf8').trim();
    const certs = await fetch(`${admin.url}/admin/api/certificados`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
    expect(certs.status).toBe(200);
    // the transfer faces are not on the internal listener…
    expect((await fetch(`${admin.url}/interoperabilidade/rest/v3/healthcheck`, { dispatcher: agent })).status).toBe(404);
    // …and the internal faces are not on the main port
    expect((await fetch(`${t.hub.url}/monitor/entrar`, { dispatcher: agent })).status).toBe(404);
    expect((await fetch(`${t.hub.url}/admin/api/certificados`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });
});
