import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/**
 * README "Adesão por convite": a partner with no credential joins the whole federation with one
 * approval. Its administrator submits participant, tree and CSR with a one-time invitation; the
 * federation administrator approves (or refuses) it; the partner fetches its certificate and
 * its SEI transfers over real mTLS. The CSR is made by openssl, as a partner would.
 */
describe('onboarding in one approval', () => {
  let t: TestHub;
  let anonymous: Agent;
  let adminToken = '';
  const work = mkdtempSync(join(tmpdir(), 'elo-adesao-'));
  let key = '';
  let csr = '';

  beforeAll(async () => {
    t = await startTestHub();
    anonymous = new Agent({ connect: { ca: t.caPem } });
    adminToken = readFileSync(t.paths.adminToken, 'utf8').trim();
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(work, 'sei.key'), '-subj', '/CN=sei-pbh', '-out', join(work, 'sei.csr')], { stdio: 'ignore' });
    key = readFileSync(join(work, 'sei.key'), 'utf8');
    csr = readFileSync(join(work, 'sei.csr'), 'utf8');
  });
  afterAll(async () => {
    await anonymous?.close();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, o: { body?: unknown; auth?: string } = {}) => {
    const res = await fetch(`${t.hub.url}${path}`, {
      method,
      dispatcher: anonymous,
      headers: { ...(o.auth ? { authorization: o.auth } : {}), ...(o.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const admin = (method: string, path: string, body?: unknown) => call(method, `/admin/api${path}`, { body, auth: `Bearer ${adminToken}` });
  const invite = async () => {
    const r = await admin('POST', '/convites', { validadeDias: 7, nota: 'Prefeitura de BH' });
    expect(r.status).toBe(201);
    return r.body.codigo as string;
  };
  const request = (over: Record<string, unknown> = {}) => ({
    participante: { cnpj: '18.715.383/0001-40', nome: 'Município de Belo Horizonte', sigla: 'PBH', esfera: 'municipal', uf: 'MG', ibge: '3106200' },
    repositorio: { id: 300, nome: 'Estruturas de Belo Horizonte' },
    estruturas: 'numero;nome;sigla;numeroPai\n3000;Prefeitura de Belo Horizonte;PBH;\n3001;Secretaria Municipal de Educação;SMED;3000\n',
    sistema: { id: 'sei-pbh', nome: 'SEI da PBH' },
    csr,
    ...over,
  });
  let first = '';
  let pedido = 0;

  it('shows the invitation code once and stores only its SHA-256', async () => {
    first = await invite();
    expect(first).toMatch(/^elo_convite_[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(t.snapshot())).not.toContain(first);
    expect(JSON.stringify(t.snapshot())).toContain(createHash('sha256').update(first).digest('hex'));
  });

  it('refuses a submission with problems, listing each, storing nothing and keeping the invitation usable', async () => {
    const before = t.snapshot();
    const r = await call('POST', '/api/v1/adesao', {
      auth: `Convite ${first}`,
      body: request({
        participante: { cnpj: '18.715.383/0001-41', nome: 'X', sigla: 'X', esfera: 'municipal', uf: 'MG', ibge: '3106200' },
        estruturas: 'numero;nome;sigla;numeroPai\n3000;Raiz;R;9\n',
        sistema: { id: 'SEI PBH', nome: 'x' },
        csr: 'não é uma CSR',
      }),
    });
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(r.body.detail).toContain('O pedido de adesão foi recusado e nada foi guardado; o convite continua valendo.');
    expect(r.body.detail).toContain('participante.cnpj: Os dígitos verificadores do CNPJ');
    expect(r.body.detail).toContain('estruturas: linha 2: numeroPai 9 não está no arquivo nem no repositório');
    expect(r.body.detail).toContain('sistema.id: use de 2 a 63 letras minúsculas');
    expect(r.body.detail).toContain('csr: não é uma requisição de certificado PKCS#10');
    expect(t.snapshot()).toEqual(before);
  });

  it('takes the request with the invitation once; the same invitation is then refused, and no credential reaches it', async () => {
    const r = await call('POST', '/api/v1/adesao', { auth: `Convite ${first}`, body: request() });
    expect(r.status, r.body.detail).toBe(201);
    expect(r.body.situacao).toBe('pendente');
    pedido = r.body.id;
    const before = t.snapshot();
    expect((await call('POST', '/api/v1/adesao', { auth: `Convite ${first}`, body: request() })).status).toBe(401);
    expect((await call('POST', '/api/v1/adesao', { body: request() })).status).toBe(401);
    expect((await call('POST', '/api/v1/adesao', { auth: 'Convite elo_convite_inventado', body: request() })).status).toBe(401);
    expect((await call('POST', '/api/v1/adesao', { auth: `Bearer ${adminToken}`, body: request() })).status).toBe(401);
    expect(t.snapshot()).toEqual(before);
    expect((await call('GET', '/api/v1/adesao', { auth: `Convite ${first}` })).body).toMatchObject({ id: pedido, situacao: 'pendente', certificado: null });
  });

  it('refuses an expired invitation', async () => {
    const code = 'elo_convite_vencido_000000000000000000000';
    await t.hub.store.onboarding.addInvitation(
      { sha256: createHash('sha256').update(code).digest('hex'), createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-02T00:00:00.000Z', createdBy: 't', note: '', usedAt: null },
      { kind: 'convite.criado', actor: 't' },
    );
    const r = await call('POST', '/api/v1/adesao', { auth: `Convite ${code}`, body: request({ sistema: { id: 'sei-outro', nome: 'x' } }) });
    expect(r.status).toBe(401);
    expect(r.body.detail).toContain('Convite inválido, já usado ou vencido');
  });

  it('shows the administrator who is waiting, then approves: participant, tree, system and certificate in one act', async () => {
    const pending = await admin('GET', '/adesoes?situacao=pendente');
    expect(pending.body.adesoes.map((a: { id: number; sistema: { id: string } }) => [a.id, a.sistema.id])).toEqual([[pedido, 'sei-pbh']]);
    // the CA's keys are out of reach at the first attempt: the approval stops after the system
    // was registered, stays `aprovando`, and the next attempt carries on from there
    const keys = [t.paths.caKey, t.paths.intermediateKey].filter((f) => existsSync(f));
    for (const f of keys) renameSync(f, `${f}.fora`);
    const failed = await admin('POST', `/adesoes/${pedido}/aprovacao`, { motivo: 'documentação conferida' });
    for (const f of keys) renameSync(`${f}.fora`, f);
    expect({ status: failed.status, codigoErro: failed.body.codigoErro }).toEqual({ status: 503, codigoErro: "9998" });
    expect(failed.body.mensagem ?? failed.body.detail).toContain("ficou \"aprovando\"");
    expect((await admin('GET', '/adesoes?situacao=aprovando')).body.adesoes.map((a: { id: number }) => a.id)).toEqual([pedido]);
    expect(await t.hub.store.registry.getSystem('sei-pbh')).toMatchObject({ participantId: expect.any(String) });
    expect(await t.hub.store.registry.listCertificates('sei-pbh')).toEqual([]);
    const r = await admin('POST', `/adesoes/${pedido}/aprovacao`, {});
    expect(r.status, r.body.detail).toBe(200);
    expect(r.body).toMatchObject({ situacao: 'aprovada', motivo: 'documentação conferida', certificado: expect.stringContaining('-----BEGIN CERTIFICATE-----') });
    expect(await t.hub.store.registry.findParticipantByCnpj('18715383000140')).toMatchObject({ status: 'ativo', sigla: 'PBH' });
    expect(await t.hub.store.registry.listBindings('sei-pbh')).toEqual([expect.objectContaining({ repositoryId: 300, numero: '3000', subtree: true })]);
    expect((await admin('POST', `/adesoes/${pedido}/aprovacao`)).status).toBe(409);
    expect((await t.hub.store.registry.listParticipants()).filter((p) => p.cnpj === '18715383000140')).toHaveLength(1);
    expect(await t.hub.store.registry.listCertificates('sei-pbh')).toHaveLength(1);
    expect((await t.hub.services.structureTrees.history(300, '18715383000140')).map((h) => h.version)).toEqual([1]);
  });

  it('lets the partner fetch its certificate with its invitation and transfer with it over mTLS', async () => {
    const status = await call('GET', '/api/v1/adesao', { auth: `Convite ${first}` });
    expect(status.body.situacao).toBe('aprovada');
    const pbh = t.client('sei-pbh', { cert: status.body.certificado, key, ca: t.caPem });
    const estado = t.client('sei-estado');
    const pkg = processoBody({ protocolo: 'ADESAO-1/2026', remetente: [100, '1002'], destinatario: [300, '3001'], documentos: [{ bytes: [new Uint8Array([1, 2, 3])] }] });
    const sent = await estado.iniciarProcesso(pkg.body);
    expect(sent.status, sent.text).toBe(200);
    await estado.enviarComponente(String(sent.body.ticketParaEnvioDeComponentesDigitais), { ...pkg.components[0]!, protocolo: 'ADESAO-1/2026' });
    const pendentes = await pbh.pendentes();
    expect(pendentes.status, pendentes.text).toBe(200);
    expect(pendentes.body.map((p) => p.IDT)).toContain(sent.body.IDT);
  });

  it('refuses a request with a reason the partner reads, registering nothing', async () => {
    const code = await invite();
    const other = request({
      participante: { cnpj: '46.395.000/0001-39', nome: 'Município de São Paulo', sigla: 'PMSP', esfera: 'municipal', uf: 'SP', ibge: '3550308' },
      repositorio: { id: 400, nome: 'Estruturas de São Paulo' },
      estruturas: 'numero;nome;sigla;numeroPai\n4000;Prefeitura de São Paulo;PMSP;\n',
      sistema: { id: 'sei-pmsp', nome: 'SEI da PMSP' },
    });
    const sent = await call('POST', '/api/v1/adesao', { auth: `Convite ${code}`, body: other });
    expect(sent.status, sent.body.detail).toBe(201);
    const noReason = await admin('POST', `/adesoes/${sent.body.id}/recusa`, {});
    expect(noReason.status).toBe(400);
    const r = await admin('POST', `/adesoes/${sent.body.id}/recusa`, { motivo: 'ofício de adesão não assinado pelo prefeito' });
    expect(r.body).toMatchObject({ situacao: 'recusada', motivo: 'ofício de adesão não assinado pelo prefeito', certificado: null });
    expect((await call('GET', '/api/v1/adesao', { auth: `Convite ${code}` })).body).toMatchObject({ situacao: 'recusada', motivo: 'ofício de adesão não assinado pelo prefeito' });
    expect(await t.hub.store.registry.findParticipantByCnpj('46395000000139')).toBeNull();
    expect(await t.hub.store.registry.getSystem('sei-pmsp')).toBeNull();
    expect((await admin('POST', `/adesoes/${sent.body.id}/aprovacao`)).status).toBe(409);
  });

  it('does the same from the hub’s machine: elo invite create, elo onboarding list and approve', async () => {
    const cli = inProcessCli(() => t.env, () => work);
    const created = await cli('invite', 'create', '--validade-dias', '3', '--json');
    expect(created.code, created.err).toBe(0);
    const { codigo } = JSON.parse(created.out) as { codigo: string };
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(work, 'bh2.key'), '-subj', '/CN=sei-contagem', '-out', join(work, 'bh2.csr')], { stdio: 'ignore' });
    const sent = await call('POST', '/api/v1/adesao', {
      auth: `Convite ${codigo}`,
      body: request({
        participante: { cnpj: '18.715.391/0001-96', nome: 'Município de Contagem', sigla: 'PMC', esfera: 'municipal', uf: 'MG', ibge: '3118601' },
        repositorio: { id: 500, nome: 'Estruturas de Contagem' },
        estruturas: 'numero;nome;sigla;numeroPai\n5000;Prefeitura de Contagem;PMC;\n',
        sistema: { id: 'sei-contagem', nome: 'SEI de Contagem' },
        csr: readFileSync(join(work, 'bh2.csr'), 'utf8'),
      }),
    });
    expect(sent.status, sent.body.detail).toBe(201);
    const listed = await cli('onboarding', 'list', '--situacao', 'pendente');
    expect(listed.out).toContain(`${sent.body.id}  pendente   Município de Contagem (CNPJ 18.715.391/0001-96), sistema "sei-contagem", repositório 500`);
    const approved = await cli('onboarding', 'approve', '--id', String(sent.body.id));
    expect(approved.code, approved.err).toBe(0);
    expect(approved.out).toContain(`Pedido ${sent.body.id} aprovado`);
    expect((await call('GET', '/api/v1/adesao', { auth: `Convite ${codigo}` })).body.certificado).toContain('-----BEGIN CERTIFICATE-----');
  });
});
