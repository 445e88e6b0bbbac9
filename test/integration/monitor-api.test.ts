import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/domain/clock.ts';
import { createRootCa, generateRsaKeys, issueLeaf, privateKeyToPem } from '../../src/pki/ca/issue.ts';
import { startConformanceHub, type Ctx } from '../conformance/support/context.ts';
import {
  buildProcesso,
  downloadAll,
  driveTo,
  fetchMetadata,
  fetchReceipt,
  refuse,
  sendReceipt,
  smallDoc,
  start,
  upload,
  type Json,
  type Tramite,
} from '../conformance/support/flow.ts';

const MIN = 60_000;
const DAY = 86_400_000;
const ESTADO_CNPJ = '00000000000191';
const MUNICIPIO_CNPJ = '11111111000191';
type Who = 'admin' | 'monitor' | 'municipio' | 'estado';

/**
 * The monitor API (README "Monitorando"; monitoring issue, item 1) on a real hub: every search
 * filter, a trâmite's story, stuck trâmites and who must act (the clock injected), figures per
 * participant and per pair, the refused requests that never got an IDT, and a participant token
 * that never sees another participant's trâmite.
 *
 * The federation (demo): estado (units 100/…) and municipio (200/…). The trâmites, by time:
 * f  estado → municipio, started at T0 − 10 days, cancelled automatically (10) at T0
 * a  estado → municipio, T0, concluded (6) 10 minutes after its start
 * g  estado → municipio, T0 + 5 min, concluded (6) 30 minutes after its start
 * b  municipio → estado, T0 + 20 min, in 2 since T0 + 21 min
 * c  estado 1002 → estado 1003, T0 + 30 min, in 1 (municipio is no party)
 * d  estado → municipio, T0 + 40 min, refused (8) with motivo 01 at T0 + 42 min
 * e  estado → municipio, T0 + 50 min, cancelled by its sender (7)
 */
describe('monitor API', () => {
  // noon UTC twelve days ahead: the hub's certificates are issued now, and f starts ten days before T0
  const today = new Date();
  const T0 = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 12, 12);
  const day = (offset = 0) => new Date(T0 + offset * DAY).toISOString().slice(0, 10);
  const clock = new FixedClock(new Date(T0 - 10 * DAY));
  const at = (ms: number) => clock.set(new Date(T0 + ms));
  let ctx: Ctx;
  let agent: Agent;
  const tokens = {} as Record<Who, string>;
  const tr = {} as Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g', Tramite>;

  const api = async (who: Who, path: string) => {
    const res = await fetch(`${ctx.t.hub.url}/admin/api${path}`, { dispatcher: agent, headers: { authorization: `Bearer ${tokens[who]}` } });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const idts = async (who: Who, query: string) => {
    const r = await api(who, `/tramites?${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return (r.body.tramites as { IDT: number }[]).map((t) => t.IDT);
  };
  const ids = (...names: (keyof typeof tr)[]) => names.map((n) => tr[n].idt).sort((x, y) => y - x);

  beforeAll(async () => {
    ctx = await startConformanceHub({ clock });
    agent = new Agent({ connect: { ca: ctx.t.caPem } });
    const token = async (role: string, participante?: string) =>
      (await ctx.t.hub.services.tokens.create({ role, ...(participante ? { participante } : {}) }, 'teste')).token;
    tokens.admin = await token('admin');
    tokens.monitor = await token('monitor');
    tokens.municipio = await token('participante', MUNICIPIO_CNPJ);
    tokens.estado = await token('participante', ESTADO_CNPJ);

    tr.f = await start(ctx);
    at(0);
    expect(await ctx.t.hub.services.autoCancel.sweep()).toBe(1);
    tr.a = await start(ctx);
    at(MIN), await upload(ctx, tr.a);
    expect((await ctx.estado.call('GET', `tramites/${tr.a.idt}/recibo-de-envio`)).status).toBe(200);
    at(2 * MIN), await fetchMetadata(ctx, tr.a);
    await downloadAll(ctx, tr.a);
    at(10 * MIN), await sendReceipt(ctx, tr.a);
    at(11 * MIN), await fetchReceipt(ctx, tr.a);
    at(5 * MIN), (tr.g = await start(ctx));
    await upload(ctx, tr.g), await fetchMetadata(ctx, tr.g), await downloadAll(ctx, tr.g);
    at(35 * MIN), await sendReceipt(ctx, tr.g), await fetchReceipt(ctx, tr.g);
    at(20 * MIN), (tr.b = await start(ctx, { remetente: [200, '2002'], destinatario: [100, '1002'] }));
    at(21 * MIN), await upload(ctx, tr.b);
    at(30 * MIN), (tr.c = await start(ctx, { remetente: [100, '1002'], destinatario: [100, '1003'] }));
    at(40 * MIN), (tr.d = await start(ctx));
    await upload(ctx, tr.d), await fetchMetadata(ctx, tr.d);
    at(42 * MIN);
    expect((await refuse(ctx, tr.d, '01')).status).toBe(200);
    at(50 * MIN), (tr.e = await driveTo(ctx, 7));
    at(3 * 60 * MIN);
  }, 120_000);
  afterAll(async () => {
    await agent?.close();
    await ctx?.close();
  });

  describe('GET /admin/api/tramites', () => {
    it('answers each item with IDT, NRE, protocolo, situação, both parties and the time of its last change, newest first', async () => {
      const r = await api('monitor', '/tramites');
      expect(r.status).toBe(200);
      expect(r.body.proximo).toBeNull();
      expect(r.body.tramites.map((t: Json) => t.IDT)).toEqual(ids('a', 'b', 'c', 'd', 'e', 'f', 'g'));
      expect(r.body.tramites.find((t: Json) => t.IDT === tr.b.idt)).toEqual({
        IDT: tr.b.idt,
        NRE: tr.b.nre,
        protocolo: tr.b.protocolo,
        tipo: 'processo',
        situacao: 2,
        situacaoNome: 'Arquivos digitais recebidos pelo hub',
        remetente: { repositorio: 200, estrutura: '2002', sistema: 'sei-municipio', participante: 'municipio-exemplopolis' },
        destinatario: { repositorio: 100, estrutura: '1002', sistema: 'sei-estado', participante: 'estado-exemplo' },
        iniciadoEm: new Date(T0 + 20 * MIN).toISOString(),
        ultimaMudancaEm: new Date(T0 + 21 * MIN).toISOString(),
      });
    });

    it('filters by IDT, NRE and protocolo', async () => {
      expect(await idts('monitor', `IDT=${tr.a.idt}`)).toEqual(ids('a'));
      expect(await idts('monitor', `NRE=${tr.g.nre}`)).toEqual(ids('g'));
      expect(await idts('monitor', `protocolo=${encodeURIComponent(tr.b.protocolo)}`)).toEqual(ids('b'));
      expect(await idts('monitor', `IDT=${tr.a.idt}&NRE=${tr.g.nre}`)).toEqual([]);
    });

    it('filters by participante (id or CNPJ, with or without punctuation): trâmites where one of its systems is a party', async () => {
      expect(await idts('monitor', 'participante=11.111.111/0001-91')).toEqual(ids('a', 'b', 'd', 'e', 'f', 'g'));
      expect(await idts('monitor', 'participante=municipio-exemplopolis')).toEqual(ids('a', 'b', 'd', 'e', 'f', 'g'));
      expect(await idts('monitor', `participante=${ESTADO_CNPJ}`)).toEqual(ids('a', 'b', 'c', 'd', 'e', 'f', 'g'));
    });

    it('filters by estrutura, sender or recipient, with or without its repository', async () => {
      expect(await idts('monitor', 'estrutura=1003')).toEqual(ids('c'));
      expect(await idts('monitor', 'estrutura=100/1003')).toEqual(ids('c'));
      expect(await idts('monitor', 'estrutura=200/1003')).toEqual([]);
      expect(await idts('monitor', 'estrutura=2002')).toEqual(ids('a', 'b', 'd', 'e', 'f', 'g'));
    });

    it('filters by situação, one or several', async () => {
      expect(await idts('monitor', 'situacao=6')).toEqual(ids('a', 'g'));
      expect(await idts('monitor', 'situacao=8,10')).toEqual(ids('d', 'f'));
    });

    it('filters by the start time with de (inclusive) and ate (exclusive; a date alone is the whole day)', async () => {
      const iso = (ms: number) => encodeURIComponent(new Date(T0 + ms).toISOString());
      expect(await idts('monitor', `de=${iso(20 * MIN)}`)).toEqual(ids('b', 'c', 'd', 'e'));
      expect(await idts('monitor', `ate=${iso(20 * MIN)}`)).toEqual(ids('a', 'f', 'g'));
      expect(await idts('monitor', `de=${iso(5 * MIN)}&ate=${iso(30 * MIN)}`)).toEqual(ids('b', 'g'));
      expect(await idts('monitor', `de=${day()}&ate=${day()}`)).toEqual(ids('a', 'b', 'c', 'd', 'e', 'g'));
      expect(await idts('monitor', `de=${day()}T09:00:00-03:00&ate=${day()}T09:10:00-03:00`)).toEqual(ids('a', 'g'));
    });

    it('pages with a cursor in a stable order: every trâmite once, none twice, the last page without proximo', async () => {
      const seen: number[] = [];
      let cursor = '';
      for (let page = 0; page < 10; page++) {
        const r = await api('monitor', `/tramites?limite=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...r.body.tramites.map((t: Json) => t.IDT));
        if (!r.body.proximo) break;
        cursor = r.body.proximo;
      }
      expect(seen).toEqual(ids('a', 'b', 'c', 'd', 'e', 'f', 'g'));
      // a filter and the cursor together
      const first = await api('monitor', '/tramites?participante=municipio-exemplopolis&limite=3');
      const second = await api('monitor', `/tramites?participante=municipio-exemplopolis&limite=3&cursor=${first.body.proximo}`);
      expect([...first.body.tramites, ...second.body.tramites].map((t: Json) => t.IDT)).toEqual(ids('a', 'b', 'd', 'e', 'f', 'g'));
    });

    it.each([
      ['IDT=abc', 'IDT'],
      ['NRE=123', 'NRE'],
      [`protocolo=${'x'.repeat(51)}`, 'protocolo'],
      ['participante=99999999000199', 'participante'],
      ['estrutura=COPROT', 'estrutura'],
      ['situacao=11', 'situacao'],
      ['situacao=2,x', 'situacao'],
      ['de=ontem', 'de'],
      ['ate=2026-13-40', 'ate'],
      [`de=${day(1)}&ate=${day()}`, 'ate'],
      ['cursor=-1', 'cursor'],
      ['limite=501', 'limite'],
    ])('refuses %s with 0001 naming the filter %s', async (query, name) => {
      const r = await api('monitor', `/tramites?${query}`);
      expect(r.status).toBe(400);
      expect(r.body.codigoErro).toBe('0001');
      expect(r.body.detail).toContain(name);
    });
  });

  describe('GET /admin/api/tramites/{IDT}', () => {
    it('tells the whole story: transitions, components with size, hash and whether received, both receipts, events', async () => {
      const r = await api('monitor', `/tramites/${tr.a.idt}`);
      expect(r.status).toBe(200);
      expect(r.body.mudancasDeSituacao.map((h: Json) => h.situacao)).toEqual([1, 2, 3, 4, 5, 6]);
      const [hash] = tr.a.requested;
      expect(r.body.componentes).toEqual([expect.objectContaining({ hash, tamanhoEmBytes: 64, pedidoAoRemetente: true, recebidoPeloHub: true, entregueAoDestinatario: true })]);
      expect(r.body.mudancasDeSituacao[0]).toEqual({ situacao: 1, em: expect.any(String) });
      expect(r.body.recibos.envio).toMatchObject({ hashes: [hash], data: expect.any(String), hashDaAssinatura: expect.any(String) });
      expect(r.body.recibos.conclusao).toMatchObject({ hashes: [hash], recebidoEm: new Date(T0 + 10 * MIN).toISOString() });
      expect(r.body.eventos.length).toBeGreaterThanOrEqual(6);
      expect(r.body.proximaAcao).toBeNull();
      expect(r.body.quemDeveAgir).toBeNull();
    });

    it('names who must act next with the call expected and the time until automatic cancellation', async () => {
      const r = await api('admin', `/tramites/${tr.b.idt}`);
      expect(r.body.quemDeveAgir).toBe('sei-estado');
      expect(r.body.proximaAcao).toMatchObject({
        quemDeveAgir: 'sistema destinatário',
        sistema: 'sei-estado',
        chamadaEsperada: `GET tramites/pendentes, depois GET tramites/${tr.b.idt} (metadados)`,
        cancelamentoAutomaticoEm: new Date(T0 + 21 * MIN + 8 * DAY).toISOString(),
        minutosAteCancelamentoAutomatico: 8 * 24 * 60 - (180 - 21),
      });
      expect(r.body.recibos).toEqual({ envio: expect.any(Object), conclusao: null });
    });
  });

  describe('stuck trâmites (GET /admin/api/tramites/parados)', () => {
    it('lists those above the threshold of their situação, the longest first, with who must act, the call and the time to automatic cancellation', async () => {
      const r = await api('monitor', '/tramites/parados');
      expect(r.status).toBe(200);
      // at T0 + 3 h: b 159 min in 2 (limit 60), c 150 min in 1 (limit 120), d 138 min in 8 (limit 90)
      expect(r.body.parados.map((p: Json) => [p.IDT, p.situacao, p.minutosNaSituacao, p.limiteMinutos, p.quemDeveAgir, p.sistema])).toEqual([
        [tr.b.idt, 2, 159, 60, 'sistema destinatário', 'sei-estado'],
        [tr.c.idt, 1, 150, 120, 'sistema remetente', 'sei-estado'],
        [tr.d.idt, 8, 138, 90, 'sistema remetente', 'sei-estado'],
      ]);
      const [b, c, d] = r.body.parados as Json[];
      expect(c!.chamadaEsperada).toMatch(/^PUT tickets-de-envio-de-componente\/.+\/protocolos\/componentes-a-enviar/);
      expect(d!.chamadaEsperada).toBe(`GET tramites/pendentes, depois GET tramites/${tr.d.idt}/ciencia`);
      expect(b!.minutosAteCancelamentoAutomatico).toBe(8 * 24 * 60 - 159);
      expect(d!.cancelamentoAutomaticoEm).toBeNull();
    });

    it('does not list a trâmite below its threshold: an hour earlier only c and b are', async () => {
      at(2 * 60 * MIN + 30 * MIN);
      try {
        // b 129 min (> 60), c 120 min (not above 120), d 108 min (> 90)
        const r = await api('monitor', '/tramites/parados');
        expect(r.body.parados.map((p: Json) => p.IDT)).toEqual([tr.b.idt, tr.d.idt]);
      } finally {
        at(3 * 60 * MIN);
      }
    });

    it('names an operator when the system that must act cannot (its participant suspended), and the hub once the idle period is over', async () => {
      await ctx.t.hub.services.participants.act(ESTADO_CNPJ, 'suspender', 'teste do monitor', 'teste');
      try {
        const r = await api('monitor', '/tramites/parados');
        const b = (r.body.parados as Json[]).find((p) => p.IDT === tr.b.idt)!;
        expect(b).toMatchObject({ quemDeveAgir: 'operador', sistema: 'sei-estado', chamadaEsperada: `DELETE /admin/api/tramites/${tr.b.idt} (cancelar), ou reativar o sistema "sei-estado"` });
        expect(b.motivo).toContain('suspenso');
      } finally {
        await ctx.t.hub.services.participants.act(ESTADO_CNPJ, 'reativar', 'fim do teste do monitor', 'teste');
      }
      at(21 * MIN + 8 * DAY + MIN);
      try {
        const r = await api('monitor', '/tramites/parados');
        const who = Object.fromEntries((r.body.parados as Json[]).map((p) => [p.IDT, [p.quemDeveAgir, p.minutosAteCancelamentoAutomatico]]));
        expect(who).toEqual({ [tr.b.idt]: ['hub', 0], [tr.c.idt]: ['sistema remetente', 8], [tr.d.idt]: ['sistema remetente', null] });
      } finally {
        at(3 * 60 * MIN);
      }
    });
  });

  describe('figures (GET /admin/api/indicadores)', () => {
    const period = `de=${day(-20)}&ate=${day(20)}`;

    it('counts per participant: sent, received, concluded, refused by reason, cancelled, auto-cancelled, median and p95 to conclusion, backlog and its age', async () => {
      const r = await api('monitor', `/indicadores?${period}`);
      expect(r.status).toBe(200);
      expect(r.body.truncado).toBe(false);
      const by = Object.fromEntries((r.body.participantes as Json[]).map((p) => [p.participante, p]));
      expect(by['estado-exemplo']).toEqual({
        participante: 'estado-exemplo',
        enviados: 6,
        recebidos: 2,
        concluidos: 2,
        recusados: { total: 1, porMotivo: { '01': 1 } },
        cancelados: 1,
        canceladosAutomaticamente: 1,
        // a in 600 s, g in 1,800 s (nearest rank)
        tempoAteConclusao: { mediana: 600, p95: 1800 },
        // b, c, d wait; the oldest, b, started 160 min ago
        pendentes: { total: 3, idadeDoMaisAntigo: 160 * 60 },
      });
      expect(by['municipio-exemplopolis']).toMatchObject({ enviados: 1, recebidos: 5, concluidos: 2, pendentes: { total: 2, idadeDoMaisAntigo: 160 * 60 } });
    });

    it('counts per pair of participants, sender → recipient', async () => {
      const r = await api('monitor', `/indicadores?${period}`);
      const pairs = Object.fromEntries((r.body.pares as Json[]).map((p) => [`${p.remetente}>${p.destinatario}`, p]));
      expect(Object.keys(pairs).sort()).toEqual(['estado-exemplo>estado-exemplo', 'estado-exemplo>municipio-exemplopolis', 'municipio-exemplopolis>estado-exemplo']);
      expect(pairs['estado-exemplo>municipio-exemplopolis']).toMatchObject({
        enviados: 5,
        concluidos: 2,
        recusados: { total: 1, porMotivo: { '01': 1 } },
        cancelados: 1,
        canceladosAutomaticamente: 1,
        tempoAteConclusao: { mediana: 600, p95: 1800 },
        pendentes: { total: 1, idadeDoMaisAntigo: 140 * 60 },
      });
      expect(pairs['municipio-exemplopolis>estado-exemplo']).toMatchObject({ enviados: 1, concluidos: 0, tempoAteConclusao: { mediana: null, p95: null }, pendentes: { total: 1 } });
    });

    it('counts only trâmites started in the period, narrows to one participante, and checks its filters', async () => {
      const later = await api('monitor', `/indicadores?de=${encodeURIComponent(new Date(T0 + 15 * MIN).toISOString())}&participante=municipio-exemplopolis`);
      expect(later.body.participantes.map((p: Json) => [p.participante, p.enviados, p.recebidos])).toEqual([['municipio-exemplopolis', 1, 2]]);
      expect(later.body.pares.map((p: Json) => `${p.remetente}>${p.destinatario}`).sort()).toEqual(['estado-exemplo>municipio-exemplopolis', 'municipio-exemplopolis>estado-exemplo']);
      for (const [q, name] of [['', 'de'], [`de=${day(-1)}&ate=${day(-20)}`, 'ate'], [`de=${day(-400)}&ate=${day()}`, 'ate'], [`de=${day(-1)}&participante=nenhum`, 'participante']]) {
        const r = await api('monitor', `/indicadores?${q}`);
        expect([r.status, r.body.codigoErro], q).toEqual([400, '0001']);
        expect(r.body.detail).toContain(name);
      }
    });

    it('counts trâmites per situação now, and started, concluded, refused and cancelled per hour', async () => {
      const counts = await api('monitor', '/indicadores/situacoes');
      expect(Object.fromEntries((counts.body.situacoes as Json[]).filter((s) => s.total).map((s) => [s.situacao, s.total]))).toEqual({ 1: 1, 2: 1, 6: 2, 7: 1, 8: 1, 10: 1 });
      const v = await api('monitor', `/indicadores/vazao?de=${day()}T11:00:00Z&ate=${day()}T14:00:00Z&intervalo=hora`);
      expect(v.body.series).toEqual([
        { inicio: `${day()}T11:00:00.000Z`, iniciados: 0, concluidos: 0, recusados: 0, cancelados: 0 },
        { inicio: `${day()}T12:00:00.000Z`, iniciados: 6, concluidos: 2, recusados: 1, cancelados: 2 },
        { inicio: `${day()}T13:00:00.000Z`, iniciados: 0, concluidos: 0, recusados: 0, cancelados: 0 },
      ]);
      const bad = await api('monitor', `/indicadores/vazao?de=${day(-60)}&ate=${day()}&intervalo=hora`);
      expect([bad.status, bad.body.codigoErro]).toEqual([400, '0001']);
      expect(bad.body.detail).toContain('intervalo');
      expect((await api('monitor', `/indicadores/vazao?de=${day(-1)}&intervalo=semana`)).body.detail).toContain('intervalo');
    });
  });

  describe('refused requests, most of which never got an IDT (GET /admin/api/recusas)', () => {
    let hashOfA: string;
    beforeAll(async () => {
      at(3 * 60 * MIN + MIN);
      hashOfA = tr.a.requested[0]!;
      // 0047: municipio sends a's process back with its document re-rendered (other bytes)
      const again = buildProcesso(ctx, { remetente: [200, '2002'], destinatario: [100, '1002'], nre: tr.a.nre, protocolo: tr.a.protocolo, documentos: [smallDoc(ctx)] });
      const r47 = await ctx.municipio.iniciarProcesso(again.body);
      expect([r47.status, (r47.body as Json).codigoErro], r47.text).toEqual([400, '0047']);
      // 0044: municipio starts b's NRE again while b is open
      const r44 = await ctx.municipio.iniciarProcesso(buildProcesso(ctx, { remetente: [200, '2002'], destinatario: [100, '1002'], nre: tr.b.nre, protocolo: tr.b.protocolo }).body);
      expect([r44.status, (r44.body as Json).codigoErro], r44.text).toEqual([409, '0044']);
      // 0001: a body without protocolo
      const r01 = await ctx.municipio.iniciarProcesso(buildProcesso(ctx, { edit: (b) => delete b.processo.protocolo, remetente: [200, '2002'], destinatario: [100, '1002'] }).body);
      expect([r01.status, (r01.body as Json).codigoErro], r01.text).toEqual([400, '0001']);
      // a certificate of another CA: no system owns it
      const rogue = await createRootCa({ name: 'CN=AC Pirata', at: new Date() });
      const keys = await generateRsaKeys();
      const cert = await issueLeaf({ issuer: rogue, subject: 'CN=sei-municipio, O=Impostor', publicKey: keys.publicKey, purpose: 'client', at: new Date() });
      const impostor = ctx.t.client('impostor', { ca: ctx.t.caPem, cert: cert.toString('pem'), key: await privateKeyToPem(keys.privateKey) });
      expect((await impostor.repositorios()).status).toBe(403);
    });

    it('keeps each refusal with its system, route and code; 0047 with the ordem and both hashes, 0044 with the open IDT', async () => {
      const r = await api('monitor', '/recusas');
      expect(r.status).toBe(200);
      const [cert, r01, r44, r47] = r.body.recusas as Json[];
      expect(r47).toMatchObject({
        sistema: 'sei-municipio',
        participante: 'municipio-exemplopolis',
        metodo: 'POST',
        rota: '/interoperabilidade/rest/v3/tramites/processo',
        status: 400,
        codigoErro: '0047',
        NRE: tr.a.nre,
        IDT: null,
        em: new Date(T0 + 181 * MIN).toISOString(),
        detalhes: { nre: tr.a.nre, ordem: 1, componente: 1, hashRegistrado: hashOfA, hashRecebido: expect.any(String), idtDoRegistro: tr.a.idt },
      });
      expect(r47!.detalhes.hashRecebido).not.toBe(hashOfA);
      expect(r44).toMatchObject({ codigoErro: '0044', NRE: tr.b.nre, IDT: tr.b.idt, detalhes: { idtAberto: tr.b.idt, situacaoDoAberto: 2 } });
      expect(r01).toMatchObject({ codigoErro: '0001', sistema: 'sei-municipio', detalhes: { problemas: [expect.objectContaining({ caminho: 'processo.protocolo' })] } });
      expect(r01!.mensagem).toContain('processo.protocolo');
      expect(cert).toMatchObject({ codigoErro: '9001', sistema: null, participante: null, detalhes: { motivo: expect.any(String) } });
      // no document content: the stored row holds what the refusal said, nothing of the body
      expect(JSON.stringify(r.body)).not.toContain('Aquisição de material de expediente');
    });

    it('filters by codigoErro, NRE, sistema and period, pages by cursor, and checks each filter', async () => {
      expect((await api('monitor', '/recusas?codigoErro=0047')).body.recusas.map((x: Json) => x.codigoErro)).toEqual(['0047']);
      expect((await api('monitor', `/recusas?NRE=${tr.a.nre}`)).body.recusas.map((x: Json) => x.codigoErro)).toEqual(['0047']);
      expect((await api('monitor', '/recusas?sistema=sei-municipio')).body.recusas).toHaveLength(3);
      expect((await api('monitor', `/recusas?de=${day(1)}`)).body.recusas).toEqual([]);
      const first = await api('monitor', '/recusas?limite=3');
      const rest = await api('monitor', `/recusas?limite=3&cursor=${first.body.proximo}`);
      expect([first.body.recusas.length, rest.body.recusas.length, rest.body.proximo]).toEqual([3, 1, null]);
      for (const [q, name] of [['codigoErro=47', 'codigoErro'], ['NRE=1', 'NRE'], ['sistema=a%20b', 'sistema'], ['de=ontem', 'de'], ['limite=0', 'limite']]) {
        const r = await api('monitor', `/recusas?${q}`);
        expect([r.status, r.body.codigoErro], q).toEqual([400, '0001']);
        expect(r.body.detail).toContain(name);
      }
    });

    it('shows the documents registered for an NRE with their hashes, where a 0047 is explained, with its trâmites and refusals', async () => {
      const r = await api('monitor', `/nres/${tr.a.nre}/documentos`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        NRE: tr.a.nre,
        protocolo: tr.a.protocolo,
        documentos: [{ ordem: 1, retirado: false, componentes: [{ ordem: 1, hash: hashOfA, tamanhoEmBytes: 64 }], registradoPeloIDT: tr.a.idt }],
        tramites: [expect.objectContaining({ IDT: tr.a.idt })],
        recusas: [expect.objectContaining({ codigoErro: '0047' })],
      });
      expect((await api('monitor', '/nres/9999999999999999/documentos')).status).toBe(404);
    });
  });

  describe('a participant’s token (role participante) sees only trâmites where its participant is a party', () => {
    it('never lists another participant’s trâmite, whatever the filter', async () => {
      expect(await idts('municipio', '')).toEqual(ids('a', 'b', 'd', 'e', 'f', 'g'));
      expect(await idts('municipio', `IDT=${tr.c.idt}`)).toEqual([]);
      expect(await idts('municipio', `NRE=${tr.c.nre}`)).toEqual([]);
      expect(await idts('municipio', 'estrutura=1003')).toEqual([]);
      expect(await idts('municipio', `participante=${ESTADO_CNPJ}`)).toEqual(ids('a', 'b', 'd', 'e', 'f', 'g'));
      expect(await idts('estado', '')).toEqual(ids('a', 'b', 'c', 'd', 'e', 'f', 'g'));
    });

    it('answers another participant’s trâmite and NRE as not found, exactly as one that does not exist', async () => {
      const other = await api('municipio', `/tramites/${tr.c.idt}`);
      const none = await api('municipio', '/tramites/999999');
      expect([other.status, other.body.code]).toEqual([404, 'not_found']);
      expect(other.body.detail).toBe(`Trâmite ${tr.c.idt} não encontrado.`);
      expect(none.body.detail).toBe('Trâmite 999999 não encontrado.');
      expect((await api('municipio', `/tramites/${tr.b.idt}`)).status).toBe(200);
      expect((await api('estado', `/tramites/${tr.c.idt}`)).status).toBe(200);
      expect((await api('municipio', `/nres/${tr.c.nre}/documentos`)).status).toBe(404);
      expect((await api('estado', `/nres/${tr.c.nre}/documentos`)).status).toBe(200);
      expect((await api('municipio', `/nres/${tr.a.nre}/documentos`)).status).toBe(200);
    });

    it('sees only its own in stuck trâmites, counts, figures and throughput', async () => {
      expect((await api('municipio', '/tramites/parados')).body.parados.map((p: Json) => p.IDT)).toEqual([tr.b.idt, tr.d.idt]);
      const counts = await api('municipio', '/indicadores/situacoes');
      expect(Object.fromEntries((counts.body.situacoes as Json[]).filter((s) => s.total).map((s) => [s.situacao, s.total]))).toEqual({ 2: 1, 6: 2, 7: 1, 8: 1, 10: 1 });
      const f = await api('municipio', `/indicadores?de=${day(-20)}&ate=${day(20)}`);
      expect(f.body.participantes.map((p: Json) => p.participante)).toEqual(['municipio-exemplopolis']);
      expect(f.body.pares.map((p: Json) => `${p.remetente}>${p.destinatario}`).sort()).toEqual(['estado-exemplo>municipio-exemplopolis', 'municipio-exemplopolis>estado-exemplo']);
      const asked = await api('municipio', `/indicadores?de=${day(-20)}&participante=estado-exemplo`);
      // naming another participant narrows to the trâmites between the two, still seen from its own side
      expect(asked.body.participantes.map((p: Json) => [p.participante, p.enviados, p.recebidos])).toEqual([['municipio-exemplopolis', 1, 5]]);
      expect(asked.body.pares.map((p: Json) => `${p.remetente}>${p.destinatario}`).sort()).toEqual(['estado-exemplo>municipio-exemplopolis', 'municipio-exemplopolis>estado-exemplo']);
      const v = await api('municipio', `/indicadores/vazao?de=${day()}T12:00:00Z&ate=${day()}T13:00:00Z&intervalo=hora`);
      expect(v.body.series[0]).toMatchObject({ iniciados: 5 });
    });

    it('sees only its own systems’ refused requests, never another’s nor a certificate no system owns', async () => {
      expect((await api('municipio', '/recusas')).body.recusas.map((x: Json) => x.codigoErro)).toEqual(['0001', '0044', '0047']);
      expect((await api('estado', '/recusas')).body.recusas).toEqual([]);
      expect((await api('estado', '/recusas?participante=municipio-exemplopolis')).body.recusas).toEqual([]);
      expect((await api('admin', '/recusas')).body.recusas).toHaveLength(4);
    });
  });
});
