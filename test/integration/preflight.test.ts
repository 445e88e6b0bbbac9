import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processoBody } from '../harness/packages.ts';
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
