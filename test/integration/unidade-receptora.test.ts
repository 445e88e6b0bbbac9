import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/**
 * spec §2.16, §3.5: a structure may have its trâmites received by a centralising unit
 * (`codigoUnidadeReceptora`): the receiver is whoever acts for that unit, and the metadata
 * carries `unidadeReceptora` while `destinatario` keeps the real destination.
 */
describe('unidade receptora', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => t?.close());

  it('publishes the centralising unit in the directory', async () => {
    const gab = await t.client('sei-estado').estrutura(200, '2004');
    expect(gab.body).toMatchObject({ codigoUnidadeReceptora: '2002', unidadeReceptora: false });
    const protocolo = await t.client('sei-estado').estrutura(200, '2002');
    expect(protocolo.body).toMatchObject({ unidadeReceptora: true });
  });

  it('delivers a trâmite for the Gabinete through the Protocolo Geral, keeping the real destination', async () => {
    const pkg = processoBody({ protocolo: '88.1/2026', remetente: [100, '1002'], destinatario: [200, '2004'], documentos: [{ bytes: [new Uint8Array([9])] }] });
    const estado = t.client('sei-estado');
    const started = await estado.iniciarProcesso(pkg.body);
    expect(started.status, started.text).toBe(200);
    await estado.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...pkg.components[0]!, protocolo: '88.1/2026' });
    const municipio = t.client('sei-municipio');
    expect((await municipio.pendentes()).body).toEqual([{ IDT: started.body.IDT, status: 2 }]);
    const m = await municipio.metadados(started.body.IDT as number);
    expect(m.body).toMatchObject({
      destinatario: { identificacaoDoRepositorioDeEstruturas: 200, numeroDeIdentificacaoDaEstrutura: '2004' },
      unidadeReceptora: { identificacaoDoRepositorioDeEstruturas: 200, numeroDeIdentificacaoDaEstrutura: '2002' },
    });
    const view = (await estado.tramites({ IDT: started.body.IDT as number })).body.tramites[0]!;
    expect(view.unidadeReceptora).toEqual({ identificacaoDoRepositorioDeEstruturas: 200, numeroDeIdentificacaoDaEstrutura: '2002' });
  });
});
