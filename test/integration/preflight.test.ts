import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTramite } from '../harness/flow.ts';
import { processoBody, type TestDocument } from '../harness/packages.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * Preflight (README "Pré-verificação"): `POST /api/v1/preflight` with the sending system's
 * certificate answers every reason a start would be refused now, each with its code and
 * Portuguese message, and stores nothing.
 */
describe('preflight: every reason a send would fail, nothing stored', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());

  const preflight = async (body: unknown, system = 'sei-estado') => {
    const r = await t.client(system).call<{ aceitaria: boolean; problemas: { codigo: string; codigoErro: string; mensagem: string }[] }>('POST', '../../../api/v1/preflight', { json: body });
    return r;
  };
  const pkg = (o: { destinatario?: [number, string]; remetente?: [number, string]; nre?: string; protocolo?: string } = {}) =>
    processoBody({ protocolo: o.protocolo ?? 'PF-1/2026', remetente: o.remetente ?? [100, '1002'], destinatario: o.destinatario ?? [200, '2002'], documentos: [{ bytes: [new Uint8Array([5])] }], ...(o.nre ? { nre: o.nre } : {}) }).body;

  it('answers that a good package would be accepted, and stores nothing', async () => {
    const before = t.snapshot();
    const r = await preflight(pkg());
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ aceitaria: true, problemas: [] });
    expect(t.snapshot()).toEqual(before);
  });

  it('lists every reason at once: a unit the sender does not own, a destination not apt to receive', async () => {
    const before = t.snapshot();
    const r = await preflight(pkg({ remetente: [200, '2002'], destinatario: [200, '2003'] }));
    expect(r.body.aceitaria).toBe(false);
    expect(r.body.problemas.map((p) => [p.codigo, p.codigoErro])).toEqual([
      ['not_authorised', '9002'],
      ['structure_unavailable', '0005'],
    ]);
    expect(r.body.problemas[1]!.mensagem).toContain('não está habilitada para receber trâmites');
    expect(t.snapshot()).toEqual(before);
  });

  it('names a suspended recipient participant and its reason', async () => {
    await t.hub.services.participants.act('11111111000191', 'suspender', 'em auditoria', 'teste');
    try {
      const r = await preflight(pkg());
      expect(r.body.problemas).toEqual([expect.objectContaining({ codigoErro: '0005', mensagem: expect.stringContaining('que está suspenso na federação (em auditoria)') })]);
    } finally {
      await t.hub.services.participants.act('11111111000191', 'reativar', 'fim da auditoria', 'teste');
    }
  });

  it('reports an open trâmite of the same NRE, and a body that does not validate as its one reason', async () => {
    const started = await t.client('sei-estado').iniciarProcesso(pkg({ protocolo: 'PF-2/2026' }));
    expect(started.status, started.text).toBe(200);
    const again = await preflight(pkg({ protocolo: 'PF-2/2026', nre: started.body.NRE as string }));
    expect(again.body.problemas).toEqual([expect.objectContaining({ codigo: 'tramite_already_open', codigoErro: '0044' })]);
    const broken = await preflight({ cabecalho: {}, processo: {} });
    expect(broken.status).toBe(200);
    expect(broken.body.problemas).toEqual([expect.objectContaining({ codigoErro: '0001' })]);
  });

  it('refuses a caller without a registered certificate, as every system route does', async () => {
    const anonymous = t.client('anon', { ca: t.caPem });
    const r = await anonymous.call('POST', '../../../api/v1/preflight', { json: pkg() });
    expect(r.status).toBe(401);
  });
});

/**
 * What the recipient system declared or mapped (README "Pré-verificação"): reasons only preflight
 * reports, each with its code, naming the component, espécie, hipótese or type and the limit;
 * a start with the same package is still accepted (the hub never enforces them).
 */
describe('preflight: what the recipient system declared or mapped', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());

  type Problems = { aceitaria: boolean; problemas: { codigo: string; codigoErro: string; mensagem: string }[] };
  const preflight = async (body: unknown) => (await t.client('sei-estado').call<Problems>('POST', '../../../api/v1/preflight', { json: body })).body;
  const codes = (r: Problems) => r.problemas.map((p) => p.codigoErro);
  const csv = (text: string) => new TextEncoder().encode(text);
  let n = 0;
  const pkg = (docs: TestDocument[], o: { hipoteses?: (number | null)[]; nre?: string; protocolo?: string } = {}) => {
    const p = processoBody({ protocolo: o.protocolo ?? `PFR-${++n}/2026`, remetente: [100, '1002'], destinatario: [200, '2002'], documentos: docs, ...(o.nre ? { nre: o.nre } : {}) });
    p.body.processo.documentos.forEach((d, i) => {
      const h = o.hipoteses?.[i];
      if (h) Object.assign(d, { nivelDeSigilo: '2', hipoteseLegal: { identificacao: h } });
    });
    return p;
  };

  it('reports nothing of the recipient while it declared and mapped nothing', async () => {
    expect(await preflight(pkg([{ bytes: [new Uint8Array(50)], especie: 12, mimeType: 'outro' }], { hipoteses: [3] }).body)).toEqual({ aceitaria: true, problemas: [] });
  });

  it('names each espécie the recipient registered no mapping for, with its documents, and stores nothing', async () => {
    await t.hub.services.codeListMappings.importFile('sei-municipio', 'especies', csv('codigo;nome;federacao\nDESP;Despacho;42\nAUTO;Auto de infração;\n'), 'teste');
    const before = t.snapshot();
    const r = await preflight(pkg([{ bytes: [new Uint8Array([1])], especie: 42 }, { bytes: [new Uint8Array([2])], especie: 12 }, { bytes: [new Uint8Array([3])], especie: 12 }]).body);
    expect(r.problemas).toEqual([
      {
        codigo: 'especie_unmapped',
        codigoErro: '9032',
        mensagem: expect.stringMatching(/^A espécie documental 12 \(Auto\), usada em documento 2 do processo PFR-\d+\/2026; documento 3 do processo PFR-\d+\/2026, não está mapeada para nenhum tipo de documento do sistema destinatário "sei-municipio"/),
      },
    ]);
    expect(t.snapshot()).toEqual(before);
    expect(await preflight(pkg([{ bytes: [new Uint8Array([1])], especie: 42 }]).body)).toEqual({ aceitaria: true, problemas: [] });
  });

  it('names each hipótese legal the recipient registered no mapping for, on documents or the process', async () => {
    await t.hub.services.codeListMappings.importFile('sei-municipio', 'hipoteses', csv('codigo;nome;federacao\nP;Informação pessoal;1\n'), 'teste');
    const p = pkg([{ bytes: [new Uint8Array([4])], especie: 42 }, { bytes: [new Uint8Array([5])], especie: 42 }], { hipoteses: [1, 3] });
    Object.assign(p.body.processo, { nivelDeSigilo: '2', hipoteseLegal: { identificacao: 4 } });
    const r = await preflight(p.body);
    expect(codes(r)).toEqual(['9033', '9033']);
    expect(r.problemas[0]!.mensagem).toMatch(/^A hipótese legal 4 \(Sigilo Bancário .*\), usada em processo PFR-\d+\/2026, não está mapeada para nenhuma hipótese de restrição do sistema destinatário "sei-municipio"/);
    expect(r.problemas[1]!.mensagem).toContain('A hipótese legal 3 (Sigilo Fiscal (Art. 198 do Código Tributário Nacional)), usada em documento 2');
  });

  it('names the type the recipient does not accept, with the types it does, reading the real type of "outro"', async () => {
    await t.hub.services.capabilities.declare('sei-municipio', { mimeTypesAceitos: ['application/pdf', 'text/html'] }, { source: 'sistema', actor: 'sei-municipio' });
    const p = pkg([{ bytes: [new Uint8Array([6])], especie: 42, mimeType: 'outro' }, { bytes: [new Uint8Array([7])], especie: 42, mimeType: 'image/png', retirado: true }, { bytes: [new Uint8Array([8])], especie: 42 }]);
    Object.assign(p.body.processo.documentos[0]!.componentesDigitais[0]!, { dadosComplementaresDoTipoDeArquivo: 'application/zip' });
    const r = await preflight(p.body);
    // the retirado document's component is never sent: its type does not matter
    expect(r.problemas).toEqual([
      {
        codigo: 'mime_type_not_accepted',
        codigoErro: '9034',
        mensagem: expect.stringMatching(/^O sistema destinatário "sei-municipio" não aceita arquivos do tipo application\/zip \(componente digital 1 do documento 1 do processo PFR-\d+\/2026\); aceita application\/pdf, text\/html\./),
      },
    ]);
  });

  it('names each component above the recipient’s size with both sizes, and a start of the same package is still accepted', async () => {
    await t.hub.services.capabilities.declare('sei-municipio', { tamanhoMaximoEmBytes: 1000 }, { source: 'administracao', actor: 'teste' });
    const p = pkg([{ bytes: [new Uint8Array(1001), new Uint8Array(1000)], especie: 42 }]);
    const r = await preflight(p.body);
    expect(r.problemas).toEqual([
      {
        codigo: 'component_above_recipient_limit',
        codigoErro: '9035',
        mensagem: expect.stringMatching(/^O componente digital 1 do documento 1 do processo PFR-\d+\/2026 tem 0,0 MiB \(1001 bytes\), acima do máximo de 0,0 MiB \(1000 bytes\) que o sistema destinatário "sei-municipio" aceita por componente\./),
      },
    ]);
    // README: capabilities are never enforced at the start, for any system
    const started = await t.client('sei-estado').iniciarProcesso(p.body);
    expect(started.status, started.text).toBe(200);
    expect((await t.client('sei-estado').call('DELETE', `tramites/${started.body.IDT}`)).status).toBe(200);
  });

  it('reports envio parcial to a recipient that declared it does not receive it, only when components would be left out', async () => {
    await t.hub.services.capabilities.declare('sei-municipio', { envioParcial: false }, { source: 'sistema', actor: 'sei-municipio' });
    const first = pkg([{ bytes: [new Uint8Array([9, 9])], especie: 42 }], { protocolo: 'PFR-PARCIAL/2026' });
    const { nre } = await completeTramite(t.client('sei-estado'), t.client('sei-municipio'), t.creds['sei-municipio']!.key, first.body, first.components);
    const again = (parcial: boolean, extra: TestDocument[] = []) => {
      const p = pkg([{ bytes: [new Uint8Array([9, 9])], especie: 42 }, ...extra], { nre, protocolo: 'PFR-PARCIAL/2026' });
      (p.body.cabecalho as Record<string, unknown>).enviarApenasComponentesDigitaisPendentes = parcial;
      return p.body;
    };
    const before = t.snapshot();
    const r = await preflight(again(true, [{ bytes: [new Uint8Array([10])], especie: 42 }]));
    expect(r.problemas).toEqual([
      {
        codigo: 'envio_parcial_unsupported',
        codigoErro: '9036',
        mensagem: expect.stringContaining('1 componente(s) não seriam enviados porque o sistema destinatário "sei-municipio" já os tem de trâmites anteriores do NRE, mas ele declarou não receber envio parcial'),
      },
    ]);
    expect(t.snapshot()).toEqual(before);
    expect(await preflight(again(false))).toEqual({ aceitaria: true, problemas: [] });
    await t.hub.services.capabilities.declare('sei-municipio', { envioParcial: true }, { source: 'sistema', actor: 'sei-municipio' });
    expect(await preflight(again(true))).toEqual({ aceitaria: true, problemas: [] });
  });

  it('lists the recipient’s reasons after the start’s own, all at once', async () => {
    await t.hub.services.capabilities.declare('sei-municipio', { mimeTypesAceitos: ['application/pdf'], tamanhoMaximoEmBytes: 1 }, { source: 'sistema', actor: 'sei-municipio' });
    const p = pkg([{ bytes: [new Uint8Array([1, 2])], especie: 12 }], { hipoteses: [3] });
    p.body.cabecalho.remetente.numeroDeIdentificacaoDaEstrutura = '2002'; // a unit sei-estado does not send for
    p.body.cabecalho.remetente.identificacaoDoRepositorioDeEstruturas = 200;
    expect(codes(await preflight(p.body))).toEqual(['9002', '9032', '9033', '9034', '9035']);
  });
});
