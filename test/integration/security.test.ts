import { join, resolve } from 'node:path';
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
    expect(r.status).toBe(403);
    expect((r.body as { codigoErro: string }).codigoErro).toBe('9002');
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
    expect(r.status).toBe(403);
    expect(r.text).not.toMatch(/10000000\d\d/);
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
