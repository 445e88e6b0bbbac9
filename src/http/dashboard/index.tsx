/** @jsxImportSource hono/jsx */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AdminPrincipal } from '../../domain/admin-roles.ts';
import { EloError } from '../../domain/errors.ts';
import type { AppDeps, AppEnv } from '../env.ts';
import { defaultDashboardData, type DashboardData } from './data/index.ts';
import { ErrorPage } from './pages/error.tsx';
import { LoginPage } from './pages/login.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { ParticipantPage } from './pages/participant.tsx';
import { RefusalsPage } from './pages/refusals.tsx';
import { NotificationsPage } from './pages/notifications.tsx';
import { SearchPage } from './pages/search.tsx';
import { TramitePage } from './pages/tramite.tsx';
import { SESSION_COOKIE, SESSION_MAX_MS, sameSecret, sessionStore, type DashboardSession } from './session.ts';
import { DASHBOARD_CSS } from './style.ts';

/** Longest cancellation reason kept (one line, in the audit event). */
export const MAX_CANCEL_REASON = 500;
/** Largest login or action form read (a token, a reason and a CSRF token fit many times). */
const MAX_FORM_BYTES = 8 * 1024;

type Env = { Variables: AppEnv['Variables'] & { session: DashboardSession; sessionId: string; form: URLSearchParams } };
type Page = { toString(): string | Promise<string> };

/**
 * Security headers of every dashboard answer: no script at all, styles from the dashboard only,
 * forms post only to the hub, never framed (clickjacking), never cached (pages show trâmites).
 */
const HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin: addresses (IDTs) never leak to other sites, and form posts keep their Origin
  // (with no-referrer Chromium sends "Origin: null", which the CSRF check refuses)
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

async function html(c: Context, page: Page, status: 200 | 401 | 403 | 404 | 409 | 413 | 429 | 400 | 500 = 200): Promise<Response> {
  return c.html(`<!DOCTYPE html>${await page.toString()}`, status);
}

/** Reads a small urlencoded form; a larger body is refused before it is read whole. */
async function readForm(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new EloError('validation_failed', 'Envie o formulário do painel (application/x-www-form-urlencoded).');
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_FORM_BYTES) throw new EloError('payload_too_large', `Formulário maior que ${MAX_FORM_BYTES} bytes.`);
  const text = await c.req.text();
  if (text.length > MAX_FORM_BYTES) throw new EloError('payload_too_large', `Formulário maior que ${MAX_FORM_BYTES} bytes.`);
  return new URLSearchParams(text);
}

/** A cross-site form post carries another Origin: refused even before the CSRF token is read. */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return origin !== 'null';
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}

/**
 * The dashboard (`/monitor/…`, ARCHITECTURE "Faces"): server-rendered HTML in Portuguese, no
 * script. A token (monitor, participante or admin) is posted once on the login form; the session
 * cookie carries only a random id. Every page reads through one data function (./data), which
 * scopes what it returns to the principal.
 */
export function dashboardFace(deps: AppDeps, opts: { data?: Partial<DashboardData> } = {}): Hono<Env> {
  const app = new Hono<Env>();
  const now = deps.now ?? (() => new Date());
  const data: DashboardData = { ...defaultDashboardData, ...opts.data };
  const sessions = sessionStore(() => now().getTime());
  const services = deps.services;
  const origin = (c: Context) => deps.peerAddress?.(c) ?? undefined;

  app.use('*', async function dashboardHeaders(c, next) {
    await next();
    for (const [k, v] of Object.entries(HEADERS)) c.res.headers.set(k, v);
  });

  app.get('/estilo.css', (c) => c.body(DASHBOARD_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }));

  app.get('/entrar', (c) => html(c, <LoginPage saiu={c.req.query('saiu') === '1'} />));

  app.post('/entrar', async (c) => {
    if (!sameOrigin(c)) return html(c, <LoginPage erro="Formulário de outra origem recusado. Abra o painel pelo endereço do hub." />, 403);
    const token = (await readForm(c)).get('token')?.trim() ?? '';
    let who: AdminPrincipal;
    try {
      // the same check, failure count and lockout per address as the administration API
      who = await services.identity.authenticateToken(`Bearer ${token}`, origin(c));
    } catch (e) {
      if (e instanceof EloError && (e.code === 'admin_token_invalid' || e.code === 'admin_token_rate_limited')) {
        const message = e.code === 'admin_token_invalid' ? 'Token inválido, revogado ou ausente. Confira o token e tente novamente.' : e.mensagem;
        return html(c, <LoginPage erro={message} />, e.code === 'admin_token_invalid' ? 401 : 429);
      }
      throw e;
    }
    const { id } = sessions.open(token, who);
    setCookie(c, SESSION_COOKIE, id, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/monitor', maxAge: SESSION_MAX_MS / 1000 });
    return c.redirect('/monitor/', 303);
  });

  // Every other page needs a live session whose token is still valid (a revoked token ends it).
  app.use('*', async function dashboardSession(c, next) {
    const id = getCookie(c, SESSION_COOKIE);
    const session = sessions.get(id);
    if (!session) return c.redirect('/monitor/entrar', 303);
    try {
      session.principal = await services.identity.authenticateToken(`Bearer ${session.token}`, origin(c));
    } catch (e) {
      // a lockout of the address (someone else guessing behind the same NAT) is shown, but does
      // not end the session; only a token no longer valid does
      if (!(e instanceof EloError) || e.code !== 'admin_token_invalid') throw e;
      sessions.close(id);
      deleteCookie(c, SESSION_COOKIE, { path: '/monitor', secure: true });
      return html(c, <LoginPage erro="A sessão terminou: o token foi revogado. Entre com um token válido." />, 401);
    }
    c.set('session', session);
    c.set('sessionId', id!);
    if (c.req.method === 'POST') {
      // CSRF (OWASP): same origin, and the session's token in the form
      const form = await readForm(c);
      const sent = form.get('_csrf') ?? '';
      if (!sameOrigin(c) || !sameSecret(sent, session.csrf))
        throw new EloError('dashboard_csrf_invalid', 'Formulário sem o código de segurança desta sessão (ou vindo de outra origem). Recarregue a página e envie de novo.');
      c.set('form', form);
    }
    await next();
  });

  const who = (c: Context<Env>) => c.get('session').principal;
  const csrf = (c: Context<Env>) => c.get('session').csrf;
  const form = (c: Context<Env>) => c.get('form');

  app.get('/', async (c) => html(c, <OverviewPage view={await data.overview(services, who(c), now())} who={who(c)} csrf={csrf(c)} />));

  app.get('/busca', async (c) => {
    const view = await data.search(services, who(c), c.req.query());
    return html(c, <SearchPage view={view} who={who(c)} csrf={csrf(c)} />, view.erro ? 400 : 200);
  });

  app.get('/recusas', async (c) => {
    const view = await data.refusals(services, who(c), c.req.query());
    return html(c, <RefusalsPage view={view} who={who(c)} csrf={csrf(c)} />, view.erro ? 400 : 200);
  });

  // the webhook dead letters in the principal's reach (README "Notificações por webhook")
  app.get('/notificacoes', async (c) => html(c, <NotificationsPage mortas={await services.webhooks.deadLetters(who(c))} who={who(c)} csrf={csrf(c)} />));

  app.get('/tramites/:idt{[0-9]{1,15}}', async (c) => {
    const idt = Number(c.req.param('idt'));
    const view = await data.tramite(services, who(c), idt);
    // who viewed which trâmite (issue: monitoring), after the scope check let the view through
    await services.audit.viewed(idt, `painel:${who(c).label}`);
    const aviso =
      c.req.query('cancelado') === '1' ? 'Trâmite cancelado pelo operador.' : c.req.query('reenviada') === '1' ? 'Notificação reenviada.' : null;
    return html(c, <TramitePage view={view} who={who(c)} csrf={csrf(c)} aviso={aviso} />);
  });

  app.post('/tramites/:idt{[0-9]{1,15}}/cancelamento', async (c) => {
    const principal = who(c);
    if (principal.role !== 'admin')
      throw new EloError('not_authorised', 'Só a administração da federação cancela trâmites pelo painel; este token é somente de leitura para esta ação.');
    const idt = Number(c.req.param('idt'));
    // the scope check of the page, before anything changes
    const view = await data.tramite(services, principal, idt);
    const motivo = (form(c).get('motivo') ?? '').trim().replace(/\s+/g, ' ');
    if (!motivo || motivo.length > MAX_CANCEL_REASON) {
      const erro = motivo ? `O motivo deve ter no máximo ${MAX_CANCEL_REASON} caracteres.` : 'Informe o motivo do cancelamento.';
      return html(c, <TramitePage view={view} who={principal} csrf={csrf(c)} erro={erro} />, 400);
    }
    await services.lifecycle.cancel(null, idt, `painel:${principal.label}`, motivo);
    return c.redirect(`/monitor/tramites/${idt}?cancelado=1`, 303);
  });

  app.post('/tramites/:idt{[0-9]{1,15}}/notificacoes/:id{[A-Za-z0-9_-]{1,64}}/reenvio', async (c) => {
    const principal = who(c);
    if (principal.role !== 'admin')
      throw new EloError('not_authorised', 'Só a administração da federação reenvia notificações pelo painel.');
    const idt = Number(c.req.param('idt'));
    await data.tramite(services, principal, idt);
    await data.replayNotification(services, principal, idt, c.req.param('id'));
    return c.redirect(`/monitor/tramites/${idt}?reenviada=1`, 303);
  });

  app.get('/participantes/:cnpj{[0-9A-Za-z./-]{1,30}}', async (c) =>
    html(c, <ParticipantPage view={await data.participant(services, who(c), c.req.param('cnpj'), now())} who={who(c)} csrf={csrf(c)} />),
  );

  app.post('/sair', (c) => {
    sessions.close(c.get('sessionId'));
    deleteCookie(c, SESSION_COOKIE, { path: '/monitor', secure: true });
    return c.redirect('/monitor/entrar?saiu=1', 303);
  });

  app.notFound((c) => html(c, <ErrorPage title="Página não encontrada" message={`Não há página em ${c.req.path}.`} />, 404));

  app.onError((e, c) => {
    const session = (c as Context<Env>).get('session') as DashboardSession | undefined;
    if (e instanceof EloError) {
      const status = e.status as 400 | 403 | 404 | 409 | 413 | 429;
      const title = status === 404 ? 'Não encontrado' : status === 403 ? 'Não permitido' : 'Não foi possível';
      return html(c, <ErrorPage title={title} message={`${e.mensagem} (código ${e.codigoErro})`} who={session?.principal ?? null} csrf={session?.csrf ?? ''} />, status);
    }
    services.log({ level: 'error', event: 'painel.erro_interno', data: { mensagem: e instanceof Error ? e.message : String(e), caminho: c.req.path } });
    return html(c, <ErrorPage title="Erro interno" message="Erro interno do painel; o evento foi registrado no log do hub." />, 500);
  });
  return app;
}
