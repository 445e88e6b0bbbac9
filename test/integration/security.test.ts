import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TramitaClient } from '../../src/client/tramita-client.ts';
import { completeTramite } from '../harness/flow.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';

/**
 * Regressions of an independent review: a registered system that is party to nothing of a
 * process must not read its bytes, learn its registered data, or block and poison its NRE.
 */
describe('a registered system cannot reach into other systems’ processes', () => {
  let t: TestHub;
  let estado: TramitaClient;
  let municipio: TramitaClient;
  let intruso: TramitaClient;
  const secret = bytesOf(4096, 99);
  const victim = processoBody({ protocolo: '12345.000001/2026-11', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [secret] }] });
  const H = victim.components[0]!.hash;
  let victimNre = '';

  beforeAll(async () => {
    t = await startTestHub({ federationFile: resolve(import.meta.dirname, '../../fixtures/federations/com-intruso.json'), env: { ELO_LONG_POLL_SECONDS: '1' } });
    estado = t.client('sei-estado');
    municipio = t.client('sei-municipio');
    intruso = t.client('sei-intruso');
    victimNre = (await completeTramite(estado, municipio, t.creds['sei-municipio']!.key, victim.body, victim.components)).nre;
  });
  afterAll(async () => t?.close());

  const own = (over: { nre?: string; parcial?: boolean } = {}) => {
    const p = processoBody({ protocolo: 'INTRUSO-1', remetente: [300, '3000'], destinatario: [300, '3001'], documentos: [{ bytes: [new Uint8Array(4096)] }], nre: over.nre });
    const comp = p.body.processo.documentos[0]!.componentesDigitais[0]! as { hash: { conteudo: string } };
    comp.hash.conteudo = H; // declares the victim's hash without holding its bytes
    (p.body.cabecalho as Record<string, unknown>).enviarApenasComponentesDigitaisPendentes = over.parcial ?? false;
    return p.body;
  };

  it('asks for the bytes of a merely declared hash even under envio parcial, so they can never be downloaded unseen', async () => {
    const t1 = await intruso.iniciarProcesso(own());
    expect(t1.status, t1.text).toBe(200);
    expect((await intruso.call('DELETE', `tramites/${t1.body.IDT}`)).status).toBe(200);
    const t2 = await intruso.iniciarProcesso(own({ nre: t1.body.NRE as string, parcial: true }));
    expect(t2.status, t2.text).toBe(200);
    // a cancelled trâmite in which nothing was uploaded proves no possession: H is requested
    expect(t2.body.processosComComponentesDigitaisSolicitados).toEqual([{ protocolo: 'INTRUSO-1', hashes: [H] }]);
    const idt = t2.body.IDT as number;
    expect((await intruso.tramites({ IDT: idt })).body.tramites[0]!.situacaoAtual).toBe(1);
    await intruso.metadados(idt);
    expect((await intruso.baixarParte(idt, H, 'INTRUSO-1', 0, 4096)).status).toBe(409);
  });

  it('refuses the NRE of a process the system never held, without disclosing its protocolo, hashes or trâmites', async () => {
    const before = t.snapshot();
    const r = await intruso.iniciarProcesso({ ...own({ nre: victimNre }) });
    // answered as a missing NRE (docs/ameacas.md: no existence oracle, departing from §8.5's 9002)
    expect(r.status).toBe(404);
    expect((r.body as { codigoErro: string }).codigoErro).toBe('9003');
    expect(r.text).not.toContain('12345.000001/2026-11');
    expect(r.text).not.toContain(H);
    expect(r.text).not.toMatch(/IDT \d+/);
    expect(t.snapshot()).toEqual(before);
    // the holder still sends it on
    const back = processoBody({ protocolo: '12345.000001/2026-11', remetente: [200, '2002'], destinatario: [100, '1002'], documentos: [{ bytes: [secret] }], nre: victimNre });
    expect((await municipio.iniciarProcesso(back.body)).status).toBe(200);
  });

  it('does not name the IDT behind another sender’s ticket', async () => {
    const r = await intruso.enviarComponente('1000001', { bytes: secret, hash: H, protocolo: 'x' });
    expect(r.status).toBe(404);
    expect(r.text).not.toMatch(/10000000\d\d/);
  });

  /** Status, codigoErro and message with the identifier itself blanked: what a non-party can compare. */
  const shape = async (r: Promise<{ status: number; body: unknown }>, id: string | number) => {
    const { status, body } = await r;
    const { codigoErro, mensagem } = body as { codigoErro: string; mensagem: string };
    return { status, codigoErro, mensagem: mensagem.split(String(id)).join('{id}') };
  };

  it('answers another system’s IDT, ticket and NRE exactly as missing ones on every route, changing nothing', async () => {
    const before = t.snapshot();
    const victimIdt = (await estado.tramites({ NRE: victimNre })).body.tramites[0]!.IDT as number;
    const missingIdt = 1_999_999_999;
    const byIdt: [string, string, unknown?][] = [
      ['GET', ''],
      ['GET', '/recibo-de-envio'],
      ['GET', '/recibo'],
      ['GET', '/ciencia'],
      ['DELETE', ''],
      ['POST', '/recusa', { motivo: '99', justificativa: 'x' }],
      ['POST', '/recibo', { dataDeRecebimento: '2026-01-01T00:00:00.000Z', hashDaAssinatura: 'AAAA' }],
      ['POST', '/protocolos/componentes-digitais', { hashDoComponenteDigital: H, protocolo: 'x' }],
      ['POST', '/protocolos/componentes-digitais/partes/0-10', { hashDoComponenteDigital: H, protocolo: 'x' }],
    ];
    for (const [method, tail, json] of byIdt) {
      const call = (idt: number) => intruso.call(method, `tramites/${idt}${tail}`, json ? { json } : {});
      const foreign = await shape(call(victimIdt), victimIdt);
      expect(foreign, `${method} ${tail}`).toEqual(await shape(call(missingIdt), missingIdt));
      expect(foreign, `${method} ${tail}`).toEqual({ status: 404, codigoErro: '9003', mensagem: 'Trâmite {id} não encontrado. Confira o IDT informado.' });
    }
    const victimTicket = (await t.hub.store.tramites.get(victimIdt))!.ticket;
    for (const send of [
      (k: string) => intruso.enviarComponente(k, { bytes: secret, hash: H, protocolo: 'x' }),
      (k: string) => intruso.enviarParte(k, 0, 10, { bytes: secret.slice(0, 10), hash: H, protocolo: 'x' }),
      (k: string) => intruso.call('POST', `tickets-de-envio-de-componente/${k}/protocolos/componentes-a-enviar/partes/sinalizacao-termino-envio`, { json: { hashDoComponenteDigital: H, protocolo: 'x' } }),
    ]) {
      const foreign = await shape(send(victimTicket), victimTicket);
      expect(foreign).toEqual(await shape(send('9999999'), '9999999'));
      expect(foreign.status).toBe(404);
    }
    const replay = (nre: string) => intruso.call('POST', `NREs/${nre}/destinatarios/300/3001/reproducoes-de-tramite`, { json: [] });
    const foreignNre = await shape(replay(victimNre), victimNre);
    expect(foreignNre).toEqual(await shape(replay('0000000000000404'), '0000000000000404'));
    expect(foreignNre).toEqual({ status: 404, codigoErro: '9003', mensagem: 'NRE {id} não encontrado. Confira o NRE do processo.' });
    // starting with someone else's NRE gives the same status, code and message
    expect(await shape(intruso.iniciarProcesso(own({ nre: victimNre })), victimNre)).toEqual(foreignNre);
    expect(t.snapshot()).toEqual(before);
  });

  it('keeps the metadata of a trâmite in 1 from its recipient (409 9004) while its sender reads it (spec §2.16)', async () => {
    const p = processoBody({ protocolo: '12345.000009/2026-11', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [bytesOf(32, 5)] }] });
    const started = await estado.iniciarProcesso(p.body);
    const idt = started.body.IDT as number;
    const before = t.snapshot();
    const r = await municipio.metadados(idt);
    expect(r.status, r.text).toBe(409);
    expect((r.body as { codigoErro: string }).codigoErro).toBe('9004');
    expect(r.text).not.toContain('12345.000009/2026-11');
    expect(t.snapshot()).toEqual(before);
    const own = await estado.metadados(idt);
    expect(own.status).toBe(200);
    expect(own.body.processo.protocolo).toBe('12345.000009/2026-11');
    // once the components are complete the recipient reads it (and moves it to 3, then 4)
    await estado.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...p.components[0]!, protocolo: '12345.000009/2026-11' });
    expect((await municipio.metadados(idt)).status).toBe(200);
    expect((await estado.call('DELETE', `tramites/${idt}`)).status).toBe(200);
  });

  it('keeps the identity check on a path that merely ends in /healthcheck', async () => {
    const anonymous = t.client('anon', { ca: t.caPem });
    expect((await anonymous.call('GET', 'repositorios-de-estruturas/100/estruturas-organizacionais/healthcheck')).status).toBe(401);
    expect((await anonymous.healthcheck()).status).toBe(200);
  });
});

describe('long-poll pendências are state, not messages (spec §2.15, §5.3)', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ env: { ELO_LONG_POLL_SECONDS: '1' } });
  });
  afterAll(async () => t?.close());

  it('offers a pendência again in a later loop while it stays unacted, never the acknowledged pair twice, and apart from todas=0', async () => {
    const p = processoBody({ protocolo: '5.5/2026', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [new Uint8Array([5])] }] });
    const estado = t.client('sei-estado');
    const started = await estado.iniciarProcesso(p.body);
    await estado.enviarComponente(String(started.body.ticketParaEnvioDeComponentesDigitais), { ...p.components[0]!, protocolo: '5.5/2026' });
    const idt = started.body.IDT as number;
    const municipio = t.client('sei-municipio');
    const poll = (n: number) => municipio.call<Record<string, unknown>>('GET', `../../pendencias`, { query: { idTramiteDaPendenciaRecebida: n } });
    expect((await municipio.pendentes(false)).body).toEqual([{ IDT: idt, status: 2 }]); // todas=0 does not consume the long-poll
    expect((await poll(0)).body).toEqual({ encontrou: true, IDT: idt, status: 2 });
    expect((await poll(idt)).body).toEqual({ encontrou: false });
    await new Promise((r) => setTimeout(r, 1100)); // past the hold period
    expect((await poll(0)).body).toEqual({ encontrou: true, IDT: idt, status: 2 }); // still pending: offered again
    await municipio.metadados(idt);
    expect((await poll(idt)).body).toEqual({ encontrou: true, IDT: idt, status: 3 }); // a new status is a new pair
  });
});
