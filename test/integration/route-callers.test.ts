import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientCredentials, TramitaClient } from '../../src/client/tramita-client.ts';
import { createRootCa, generateRsaKeys, importRsaPrivateKeyPem, issueLeaf, privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { cryptoKeySigner } from '../../src/pki/signer.ts';
import { loadIssuer } from '../../src/runtime/bootstrap.ts';
import { caAdmin } from '../../src/runtime/ca-admin.ts';
import { registerCertificate } from '../../src/runtime/register-certificate.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';
import { signedPackageXml } from '../harness/signed-packages.ts';

/**
 * ARCHITECTURE "Deny by default": every route of the app, read from the router itself, against
 * every kind of caller — none, a certificate of another CA, a revoked certificate, a registered
 * system that is not a party — and nothing a refused caller does changes the store. A route
 * added later without a class here makes this test fail.
 */
type RouteClass = 'open' | 'admin' | 'invitation' | 'preflight' | 'self' | 'directory' | 'list' | 'start' | 'tramite' | 'dashboard';

function classify(method: string, path: string): RouteClass | null {
  if (path === '/healthz' || path.startsWith('/pki/') || path.endsWith('/healthcheck')) return 'open';
  if (path.startsWith('/admin/api/')) return 'admin';
  // readiness is open like /healthz (a load balancer asks it); metrics need a monitor or admin token (README "Operação")
  if (path === '/readyz') return 'open';
  if (path === '/metrics') return 'admin';
  // the dashboard's session comes from a token posted on its login form, never from a certificate
  if (path === '/monitor' || path.startsWith('/monitor/')) return 'dashboard';
  // onboarding: the invitation is the only credential (README "Adesão por convite")
  if (path.startsWith('/api/v1/adesao')) return 'invitation';
  // any registered system may ask; the answer is about its own package and stores nothing
  if (path === '/api/v1/preflight') return 'preflight';
  // a system's own declaration (README "Capacidades dos sistemas"): the caller reads and writes only its own
  if (path === '/api/v1/capacidades') return 'self';
  if (/\/(repositorios-de-estruturas|especies|hipoteses|motivosUrgencia)/.test(path)) return 'directory';
  // native start with a signed package: a start like the Tramita face's (issue 11 item 3)
  if (method === 'POST' && path === '/api/v1/tramites') return 'start';
  if (path.endsWith('/tramites') || path.endsWith('/tramites/pendentes') || path === '/interoperabilidade/pendencias') return 'list';
  if (method === 'POST' && /\/tramites\/(processo|documento)$/.test(path)) return 'start';
  // GET /api/v1/tramites/:idt/dossie (README "Provas") is one of these: its parties only, 404 to anyone else;
  // its admin and monitor tokens are exercised in dossie.test.ts
  if (/:idt|:ticket|:nre/.test(path)) return 'tramite';
  return null;
}

describe('every route against every kind of caller', () => {
  let t: TestHub;
  let idt = 0;
  let nre = '';
  let ticket = '';
  let hash = '';
  /** A package signed by the third system itself, for a unit it does not own (the native start's body). */
  let signedPackage = '';
  const callers: Record<string, TramitaClient> = {};

  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_LONG_POLL_SECONDS: '1' } });
    const store = t.hub.store;
    const now = new Date();
    // a third system, registered and valid, party to nothing below
    await store.registry.applySeed(
      {
        participantes: [{ id: 'municipio-exemplopolis', cnpj: '11111111000191', nome: 'Prefeitura Municipal de Exemplópolis', esfera: 'municipal', ativo: true }],
        repositorios: [],
        estruturas: [],
        sistemas: [{ id: 'sei-terceiro', nome: 'Terceiro', participante: 'municipio-exemplopolis', ativo: true, estruturas: [{ repositorio: 200, numero: '2003', subarvore: false }] }],
      },
      now.toISOString(),
    );
    const issuer = await loadIssuer(t.config);
    const credsFor = async (subject: string, from = issuer): Promise<ClientCredentials & { cert: string }> => {
      const keys = await generateRsaKeys();
      const cert = await issueLeaf({ issuer: from, subject, publicKey: keys.publicKey, purpose: 'client', at: now });
      return { cert: cert.toString('pem'), key: await privateKeyToPem(keys.privateKey), ca: t.caPem, x: cert } as never;
    };
    const third = (await credsFor('CN=sei-terceiro')) as ClientCredentials & { x: import('../../src/pki/x509.ts').X509Certificate };
    await registerCertificate(store, 'sei-terceiro', third.x, now);
    const revoked = (await credsFor('CN=sei-estado')) as ClientCredentials & { x: import('../../src/pki/x509.ts').X509Certificate };
    const rec = await registerCertificate(store, 'sei-estado', revoked.x, now);
    await caAdmin(t.config, store).revoke({ fingerprint256: rec.fingerprint256 }, now);
    const foreign = await credsFor('CN=sei-estado', await createRootCa({ name: 'CN=Outra AC', at: now }));
    callers.none = t.client('none', { ca: t.caPem });
    callers.foreign = t.client('foreign', foreign);
    callers.revoked = t.client('revoked', revoked);
    callers.third = t.client('third', third);
    signedPackage = await signedPackageXml(
      processoBody({ protocolo: '44.4/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1])] }] }).body,
      cryptoKeySigner(await importRsaPrivateKeyPem(third.key), third.cert),
    );

    const pkg = processoBody({ protocolo: '44.1/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([7, 7, 7])] }] });
    const started = await t.client('sei-estado').iniciarProcesso(pkg.body);
    idt = started.body.IDT as number;
    nre = started.body.NRE as string;
    ticket = String(started.body.ticketParaEnvioDeComponentesDigitais);
    hash = pkg.components[0]!.hash;
  });
  afterAll(async () => t?.close());

  const concrete = (path: string) =>
    path
      .replace(':idt{[0-9]+}', String(idt))
      .replace(':idt', String(idt))
      .replace(':ticket', ticket)
      .replace(':nre', nre)
      .replace(':rep/:estrutura', '200/2002')
      .replace(':rep', '200')
      .replace(':id', '2002')
      .replace(':faixa{[0-9]+-[0-9]+}', '0-3')
      .replace(':faixa', '0-3')
      .replace(':name{[a-z-]+\\.crl}', 'federacao-ac.crl')
      .replace(':idt{[0-9]{1,15}}', String(idt))
      .replace(':id{[A-Za-z0-9_-]{1,64}}', 'n-1')
      .replace(':cnpj{[0-9A-Za-z./-]{1,30}}', 'estado-exemplo');

  function bodyFor(path: string): unknown {
    const pkg = processoBody({ protocolo: '44.2/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([1])] }] });
    if (path.endsWith('/processo')) return pkg.body;
    if (path.endsWith('/documento'))
      return {
        cabecalho: { remetente: pkg.body.cabecalho.remetente, destinatarios: [pkg.body.cabecalho.destinatario] },
        documento: { ...pkg.body.processo.documentos[0], protocolo: '44.3/2026' },
      };
    if (path.endsWith('/recibo')) return { dataDeRecebimento: '2026-01-01T00:00:00.000Z', hashDaAssinatura: 'AAAA' };
    if (path.endsWith('/recusa')) return { motivo: '99', justificativa: 'x' };
    if (path.endsWith('reproducoes-de-tramite')) return [];
    if (path.endsWith('/capacidades')) return { envioParcial: true };
    return { hashDoComponenteDigital: hash, protocolo: '44.1/2026' };
  }

  async function send(caller: TramitaClient, method: string, path: string) {
    const component = { bytes: new Uint8Array([7, 7, 7]), hash, protocolo: '44.1/2026' };
    if (method === 'POST' && path === '/api/v1/tramites') return caller.call(method, `../../..${path}`, { rawBody: signedPackage });
    if (method === 'PUT' && path.includes(':ticket')) return path.includes('/partes/') ? caller.enviarParte(ticket, 0, 3, component) : caller.enviarComponente(ticket, component);
    return caller.call(method, `../../..${concrete(path)}`, method === 'POST' || method === 'PUT' ? { json: bodyFor(path) } : {});
  }

  /**
   * What the dashboard answers a caller without a session, whatever its certificate: a login
   * post that is not its form is refused (400); every page sends to the login form (the client
   * follows the 303), which shows no data; only the stylesheet is served as is.
   */
  const dashboardStatus = (method: string, path: string) => (method === 'POST' && path === '/monitor/entrar' ? 400 : 200);
  const expectDashboardRefusal = (method: string, path: string, res: { status: number; text: string }, what: string) => {
    expect(res.status, what).toBe(dashboardStatus(method, path));
    if (path !== '/monitor/estilo.css' && res.status === 200) expect(res.text, what).toContain('<h1>Entrar</h1>');
  };

  it('classifies every route of the router', () => {
    const routes = t.hub.app.routes.filter((r) => r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => !classify(r.method, r.path)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  // Every route × every caller: on PostgreSQL each snapshot is a psql run, so this takes longer
  // than the default 60 s there; refusals change nothing, so one snapshot serves as `before`.
  it('refuses every non-open route to callers without a valid registered certificate, changing nothing', { timeout: 240_000 }, async () => {
    const before = t.snapshot();
    for (const r of t.hub.app.routes.filter((x) => x.method !== 'ALL')) {
      const cls = classify(r.method, r.path)!;
      if (cls === 'open') continue;
      for (const who of ['none', 'foreign', 'revoked'] as const) {
        const res = await send(callers[who]!, r.method, r.path);
        const expected = cls === 'dashboard' ? dashboardStatus(r.method, r.path) : cls === 'admin' || cls === 'invitation' || who === 'none' ? 401 : 403;
        expect(res.status, `${who} ${r.method} ${r.path}: ${res.text}`).toBe(expected);
        if (cls === 'dashboard') expectDashboardRefusal(r.method, r.path, res, `${who} ${r.method} ${r.path}`);
        expect(t.snapshot(), `${who} ${r.method} ${r.path}`).toEqual(before);
      }
    }
  });

  it('lets a registered system that is not a party read the directory, but nothing of the trâmite', { timeout: 240_000 }, async () => {
    for (const r of t.hub.app.routes.filter((x) => x.method !== 'ALL')) {
      const cls = classify(r.method, r.path)!;
      const before = t.snapshot();
      const res = await send(callers.third!, r.method, r.path);
      const what = `${r.method} ${r.path}: ${res.status} ${res.text.slice(0, 200)}`;
      if (cls === 'open' || cls === 'directory') expect(res.status, what).toBe(200);
      else if (cls === 'dashboard') expectDashboardRefusal(r.method, r.path, res, what);
      else if (cls === 'admin' || cls === 'invitation') expect(res.status, what).toBe(401);
      else if (cls === 'list') {
        expect(res.status, what).toBe(200);
        expect(res.text, what).not.toContain(String(idt));
      } else if (cls === 'start') expect(res.status, what).toBe(403); // acts for a structure it does not own
      else if (cls === 'self') {
        // its own declaration, and only its own: the answer names the caller
        expect(res.status, what).toBe(200);
        expect((res.body as { sistema: string }).sistema, what).toBe('sei-terceiro');
        if (r.method === 'PUT') continue;
      } else if (cls === 'preflight') {
        // the same refusal as its start would get, as an answer, and nothing stored
        expect(res.status, what).toBe(200);
        expect(res.text, what).toContain('"aceitaria":false');
      }
      else {
        // docs/ameacas.md: a non-party gets exactly what a missing IDT, ticket or NRE gets
        expect(res.status, what).toBe(404);
        expect((res.body as { codigoErro: string }).codigoErro, what).toBe('9003');
      }
      if (cls !== 'open') expect(t.snapshot(), what).toEqual(before);
    }
  });
});
