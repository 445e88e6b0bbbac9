import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TramitaClient } from '../../src/client/tramita-client.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/**
 * Participants and their lifecycle (README "Participantes"), over real mTLS: what a suspension
 * does to the suspended participant's systems and to the others sending to it, and that every
 * refusal leaves the store as it was.
 */
describe('participants: registration and lifecycle through the administration API', () => {
  let t: TestHub;
  let estado: TramitaClient;
  let municipio: TramitaClient;
  let agent: Agent;
  let adminToken = '';
  const MUNICIPIO_CNPJ = '11.111.111/0001-91'; // the demo federation's municipality

  beforeAll(async () => {
    t = await startTestHub();
    estado = t.client('sei-estado');
    municipio = t.client('sei-municipio');
    agent = new Agent({ connect: { ca: t.caPem } });
    adminToken = readFileSync(t.paths.adminToken, 'utf8').trim();
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
  });

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.hub.url}/admin/api${path}`, {
      method,
      dispatcher: agent,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const refusal = (r: { status: number; body: any }) => ({ status: r.status, codigoErro: r.body.codigoErro });
  let seq = 0;
  const send = (from: TramitaClient, remetente: [number, string], destinatario: [number, string]) =>
    from.iniciarProcesso(processoBody({ protocolo: `P-${++seq}/2026`, remetente, destinatario, documentos: [{ bytes: [new Uint8Array([seq])] }] }).body);

  const bh = {
    cnpj: '18.715.383/0001-40',
    nome: 'Município de Belo Horizonte',
    sigla: 'PBH',
    esfera: 'municipal',
    uf: 'MG',
    ibge: '3106200',
    contatos: [{ nome: 'Protocolo Geral', email: 'protocolo@pbh.gov.br', telefone: '(31) 3277-4000' }],
  };

  it('registers a municipality active, with its first status in the history, and shows the CNPJ formatted', async () => {
    const r = await admin('POST', '/participantes', bh);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ cnpj: '18715383000140', cnpjFormatado: '18.715.383/0001-40', situacao: 'ativo', uf: 'MG', ibge: '3106200', poder: 'executivo' });
    const read = await admin('GET', '/participantes/18715383000140');
    expect(read.body.historico).toEqual([
      expect.objectContaining({ de: null, para: 'ativo', por: expect.any(String), motivo: 'cadastrado pela administração da federação' }),
    ]);
    const list = await admin('GET', '/participantes');
    expect(list.body.participantes.map((p: { cnpj: string }) => p.cnpj)).toContain('18715383000140');
  });

  it('refuses a second registration of the same CNPJ (formatted differently) with 409 naming the existing one, and changes nothing', async () => {
    const before = t.snapshot();
    const r = await admin('POST', '/participantes', { ...bh, cnpj: '18715383000140', nome: 'Outro nome' });
    expect(refusal(r)).toEqual({ status: 409, codigoErro: '9026' });
    expect(r.body.detail).toContain('já está cadastrado como Município de Belo Horizonte (PBH, CNPJ 18.715.383/0001-40)');
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a registration with wrong CNPJ check digits or a municipality without IBGE code, listing each problem, and changes nothing', async () => {
    const before = t.snapshot();
    const r = await admin('POST', '/participantes', { ...bh, cnpj: '18.715.383/0001-41', ibge: undefined });
    expect(refusal(r)).toEqual({ status: 400, codigoErro: '0001' });
    expect(r.body.detail).toContain('cnpj Os dígitos verificadores do CNPJ "18.715.383/0001-41" não conferem');
    expect(r.body.detail).toContain('ibge a esfera municipal exige o código IBGE');
    expect(t.snapshot()).toEqual(before);
  });

  it('registers a participant pending approval, approves it once, and refuses approving it again', async () => {
    const r = await admin('POST', '/participantes', { cnpj: '12.ABC.345/01DE-35', nome: 'Consórcio Intermunicipal Exemplo', sigla: 'CIEX', esfera: 'estadual', uf: 'MG', poder: 'consorcio_publico', situacao: 'pendente' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.situacao).toBe('pendente');
    const ok = await admin('POST', '/participantes/12ABC34501DE35/aprovacao', { motivo: 'documentação conferida' });
    expect(ok.body).toMatchObject({ situacao: 'ativo', situacaoAnterior: 'pendente', motivoDaSituacao: 'documentação conferida' });
    const before = t.snapshot();
    const again = await admin('POST', '/participantes/12ABC34501DE35/aprovacao', { motivo: 'de novo' });
    expect(refusal(again)).toEqual({ status: 409, codigoErro: '9025' });
    expect(again.body.detail).toContain('está ativo: a ação "aprovar" não se aplica. A partir desta situação são possíveis: suspender, desligar.');
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a suspension without a reason and changes nothing', async () => {
    const before = t.snapshot();
    const r = await admin('POST', `/participantes/${encodeURIComponent(MUNICIPIO_CNPJ)}/suspensao`, {});
    expect(refusal(r)).toEqual({ status: 400, codigoErro: '0001' });
    expect(r.body.detail).toContain('motivo é obrigatório');
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses the suspended participant’s system at its next request over mTLS, naming the participant and the reason, while the other party still reads their open trâmite', async () => {
    const open = await send(estado, [100, '1002'], [200, '2002']);
    expect(open.status, open.text).toBe(200);
    const suspended = await admin('POST', `/participantes/${encodeURIComponent(MUNICIPIO_CNPJ)}/suspensao`, { motivo: 'certificado comprometido, aguardando novo' });
    expect(suspended.body).toMatchObject({ situacao: 'suspenso', situacaoAnterior: 'ativo' });

    const before = t.snapshot();
    const r = await municipio.pendentes();
    expect({ status: r.status, codigoErro: (r.body as any).codigoErro }).toEqual({ status: 403, codigoErro: '9024' });
    expect((r.body as any).mensagem).toMatch(
      /^O sistema "sei-municipio" pertence a Prefeitura Municipal de Exemplópolis \(CNPJ 11\.111\.111\/0001-91\), que está suspenso na federação desde \d{4}-\d\d-\d\d: certificado comprometido, aguardando novo\./,
    );
    // the other party reads the trâmite it has open with the suspended participant
    const read = await estado.tramites({ IDT: open.body.IDT as number });
    expect(read.status).toBe(200);
    expect(read.body.tramites).toHaveLength(1);
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a new send to a unit of the suspended participant with 0005 naming it and the reason, and stores nothing', async () => {
    const before = t.snapshot();
    const r = await send(estado, [100, '1002'], [200, '2002']);
    expect({ status: r.status, codigoErro: r.body.codigoErro }).toEqual({ status: 400, codigoErro: '0005' });
    expect(r.body.mensagem).toContain('é de Prefeitura Municipal de Exemplópolis (CNPJ 11.111.111/0001-91), que está suspenso na federação (certificado comprometido, aguardando novo)');
    expect(t.snapshot()).toEqual(before);
  });

  it('shows the suspended participant’s units as not apt to receive in the directory, and leaves them out of a search for units that receive', async () => {
    const one = await estado.estrutura(200, '2002');
    expect(one.body).toMatchObject({ numeroDeIdentificacaoDaEstrutura: '2002', aptoParaReceberTramites: false });
    const receiving = await estado.call<{ estruturas: unknown[]; totalDeRegistros: number }>('GET', 'repositorios-de-estruturas/200/estruturas-organizacionais', {
      query: { permiteRecebimento: 'true' },
    });
    expect(receiving.body).toEqual({ estruturas: [], totalDeRegistros: 0 });
    const own = await estado.call<{ estruturas: { aptoParaReceberTramites: boolean }[] }>('GET', 'repositorios-de-estruturas/100/estruturas-organizacionais', {
      query: { permiteRecebimento: 'true' },
    });
    expect(own.body.estruturas.length).toBeGreaterThan(0);
    expect(own.body.estruturas.every((e) => e.aptoParaReceberTramites)).toBe(true);
  });

  it('lets the participant’s systems transfer again once reactivated, and keeps every change with who and why', async () => {
    const r = await admin('POST', `/participantes/${encodeURIComponent(MUNICIPIO_CNPJ)}/reativacao`, { motivo: 'novo certificado emitido' });
    expect(r.body).toMatchObject({ situacao: 'ativo', situacaoAnterior: 'suspenso' });
    expect((await municipio.pendentes()).status).toBe(200);
    expect((await send(estado, [100, '1002'], [200, '2002'])).status).toBe(200);
    const story = await admin('GET', '/participantes/11111111000191');
    // (a participant of the seed has no registration row: the seed file is its record)
    expect(story.body.historico.map((h: { de: string | null; para: string; motivo: string }) => [h.de, h.para, h.motivo])).toEqual([
      ['ativo', 'suspenso', 'certificado comprometido, aguardando novo'],
      ['suspenso', 'ativo', 'novo certificado emitido'],
    ]);
    const events = await admin('GET', '/eventos?tipo=participante.situacao_alterada');
    expect(events.body.eventos.map((e: { dados: { acao: string } }) => e.dados.acao)).toEqual(['reativar', 'suspender', 'aprovar']);
  });

  it('disconnects a participant for good: reactivation is refused with 409 and changes nothing', async () => {
    expect((await admin('POST', '/participantes/18715383000140/desligamento', { motivo: 'extinção do convênio' })).body.situacao).toBe('desligado');
    const before = t.snapshot();
    const r = await admin('POST', '/participantes/18715383000140/reativacao', { motivo: 'engano' });
    expect(refusal(r)).toEqual({ status: 409, codigoErro: '9025' });
    expect(r.body.detail).toContain('está desligado da federação: a ação "reativar" não se aplica. Um participante desligado não volta à federação por reativação.');
    expect(t.snapshot()).toEqual(before);
  });

  it('answers 404 to an action that only starts like a lifecycle action (the route pattern is anchored), changing nothing', async () => {
    const before = t.snapshot();
    for (const acao of ['suspensaoXYZ', 'aprovacao/extra', 'xreativacao'])
      expect((await admin('POST', `/participantes/${encodeURIComponent(MUNICIPIO_CNPJ)}/${acao}`, { motivo: 'teste' })).status, acao).toBe(404);
    expect(t.snapshot()).toEqual(before);
  });

  it('answers 404 naming the CNPJ for a participant nobody registered, and 0001 for something that is not a CNPJ', async () => {
    const missing = await admin('GET', '/participantes/46395000000139');
    expect(refusal(missing)).toEqual({ status: 404, codigoErro: '9003' });
    expect(missing.body.detail).toContain('Nenhum participante com o CNPJ 46.395.000/0001-39 está cadastrado');
    expect(refusal(await admin('GET', '/participantes/abc'))).toEqual({ status: 400, codigoErro: '0001' });
  });

  const cli = inProcessCli(() => t.env, () => t.dir);

  it('`elo participant add` registers with the documented options and prints JSON with --json', async () => {
    const r = await cli('participant', 'add', '--cnpj', '46.395.000/0001-39', '--nome', 'Município de São Paulo', '--sigla', 'PMSP', '--esfera', 'municipal', '--uf', 'SP', '--ibge', '3550308',
      '--contato', 'Protocolo,protocolo@prefeitura.sp.gov.br,(11) 3113-8000', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ cnpj: '46395000000139', cnpjFormatado: '46.395.000/0001-39', situacao: 'ativo', contatos: [{ nome: 'Protocolo', telefone: '(11) 3113-8000' }] });
    const shown = await cli('participant', 'show', '--cnpj', '46395000000139');
    expect(shown.out).toContain('Município de São Paulo (PMSP, CNPJ 46.395.000/0001-39): municipal, SP (IBGE 3550308), poder executivo; situação ativo');
  });

  it('`elo participant add` without its required options exits 2 naming them, and with a bad CNPJ exits 1 with the reason, changing nothing', async () => {
    const before = t.snapshot();
    const usage = await cli('participant', 'add', '--cnpj', '46.395.000/0001-39');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('Informe --nome, --sigla, --esfera.');
    const bad = await cli('participant', 'add', '--cnpj', '46.395.000/0001-38', '--nome', 'X', '--sigla', 'X', '--esfera', 'federal');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Os dígitos verificadores do CNPJ "46.395.000/0001-38" não conferem');
    expect(t.snapshot()).toEqual(before);
  });

  it('`elo participant suspend` on the data folder of the running hub takes effect at the next request; `reactivate` undoes it', async () => {
    const s = await cli('participant', 'suspend', '--cnpj', MUNICIPIO_CNPJ, '--motivo', 'auditoria em andamento');
    expect(s.code, s.err).toBe(0);
    expect(s.out).toContain('situação suspenso (auditoria em andamento)');
    const refused = await municipio.pendentes();
    expect(refused.status).toBe(403);
    expect((refused.body as any).mensagem).toContain('auditoria em andamento');
    const again = await cli('participant', 'suspend', '--cnpj', MUNICIPIO_CNPJ, '--motivo', 'de novo');
    expect(again.code).toBe(1);
    expect(again.err).toContain('está suspenso: a ação "suspender" não se aplica. A partir desta situação são possíveis: reativar, desligar.');
    const r = await cli('participant', 'reactivate', '--cnpj', MUNICIPIO_CNPJ, '--motivo', 'auditoria concluída', '--json');
    expect(JSON.parse(r.out)).toMatchObject({ situacao: 'ativo', situacaoAnterior: 'suspenso' });
    expect((await municipio.pendentes()).status).toBe(200);
  });
});
