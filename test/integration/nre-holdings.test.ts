import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TramitaClient } from '../../src/client/tramita-client.ts';
import { main } from '../../src/cli/main.ts';
import { completeTramite } from '../harness/flow.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';

/**
 * Who may use an NRE (docs/ameacas.md, spec §4.1, §6), over real mTLS with a third system that
 * is party to nothing of the others. A migrating partner's NREs come from the reference bus and
 * are unknown to the hub until first used; a third system must not be able to take them.
 */
describe('NRE holdings: squatting, import, release and reassignment', () => {
  let t: TestHub;
  let estado: TramitaClient;
  let municipio: TramitaClient;
  let intruso: TramitaClient;
  let agent: Agent;
  let adminToken = '';
  const monitorToken = 'token-do-monitor-de-teste';
  const work = mkdtempSync(join(tmpdir(), 'elo-nre-'));

  beforeAll(async () => {
    t = await startTestHub({ federationFile: resolve(import.meta.dirname, '../../fixtures/federations/com-intruso.json') });
    estado = t.client('sei-estado');
    municipio = t.client('sei-municipio');
    intruso = t.client('sei-intruso');
    agent = new Agent({ connect: { ca: t.caPem } });
    adminToken = readFileSync(t.paths.adminToken, 'utf8').trim();
    const sha = createHash('sha256').update(monitorToken).digest('hex');
    await t.hub.store.tokens.addToken(sha, 'monitor', new Date().toISOString(), 'monitor');
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const admin = async (method: string, path: string, body?: string, token: string | null = adminToken, type = 'application/json') => {
    const res = await fetch(`${t.hub.url}/admin/api${path}`, {
      method,
      dispatcher: agent,
      body,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': type } : {}) },
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** A process of the municipality (it holds NRE `nre` from the reference bus) sent to the state. */
  const holderPkg = (nre: string, protocolo: string) =>
    processoBody({ protocolo, remetente: [200, '2002'], destinatario: [100, '1002'], documentos: [{ bytes: [bytesOf(64, nre.length + protocolo.length)] }], nre });
  /** The intruder's own process, sent between its own units, echoing someone else's NRE. */
  const squat = (nre: string) => processoBody({ protocolo: 'INTRUSO-9', remetente: [300, '3000'], destinatario: [300, '3001'], documentos: [{ bytes: [new Uint8Array([9])] }], nre }).body;
  const errorOf = (r: { status: number; body: unknown }) => ({ status: r.status, codigoErro: (r.body as { codigoErro?: string }).codigoErro });

  it('does not lock the holder out of its migrated NRE when a third system starts and cancels a trâmite with it', async () => {
    const nre = '0000025656262025';
    const s = await intruso.iniciarProcesso(squat(nre));
    expect(s.status, s.text).toBe(200);
    expect((await intruso.call('DELETE', `tramites/${s.body.IDT}`)).status).toBe(200);
    const p = holderPkg(nre, '23456.000001/2025-01');
    const r = await municipio.iniciarProcesso(p.body);
    expect(r.status, r.text).toBe(200);
    expect(r.body.NRE).toBe(nre);
  });

  it('binds only the parties of a trâmite that reached 5: the squatter is then answered as for a missing NRE, learning nothing', async () => {
    const nre = '0000025656262026';
    const s = await intruso.iniciarProcesso(squat(nre));
    expect((await intruso.call('DELETE', `tramites/${s.body.IDT}`)).status).toBe(200);
    const p = holderPkg(nre, '23456.000002/2025-01');
    await completeTramite(municipio, estado, t.creds['sei-estado']!.key, p.body, p.components);
    const before = t.snapshot();
    const again = await intruso.iniciarProcesso(squat(nre));
    expect(errorOf(again), again.text).toEqual({ status: 404, codigoErro: '9003' });
    expect(again.body.mensagem).toBe(`NRE ${nre} não encontrado. Confira o NRE do processo.`);
    expect(again.text).not.toContain('23456.000002/2025-01');
    expect(again.text).not.toContain(p.components[0]!.hash);
    expect(t.snapshot()).toEqual(before);
    // both parties of the completed trâmite send it on
    const back = processoBody({ protocolo: '23456.000002/2025-01', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: [{ bytes: [p.components[0]!.bytes] }], nre });
    expect((await estado.iniciarProcesso(back.body)).status).toBe(200);
  });

  it('binds imported holdings (CSV through the API) from the start, so a third system cannot even start with them', async () => {
    const csv = 'nre;protocolo\n0000025656262027;23456.000003/2025-01\n0000025656262028;23456.000004/2025-01\n';
    const r = await admin('POST', '/nres/importacao?sistema=sei-municipio', csv, adminToken, 'text/csv');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ vinculados: 2, recusados: 0 });
    const before = t.snapshot();
    const squatted = await intruso.iniciarProcesso(squat('0000025656262027'));
    expect(errorOf(squatted)).toEqual({ status: 404, codigoErro: '9003' });
    expect(t.snapshot()).toEqual(before);
    expect((await municipio.iniciarProcesso(holderPkg('0000025656262027', '23456.000003/2025-01').body)).status).toBe(200);
    const described = await admin('GET', '/nres/0000025656262028');
    expect(described.body).toMatchObject({ protocolo: '23456.000004/2025-01', vinculos: [{ sistema: 'sei-municipio', origem: 'importacao' }] });
    const events = await admin('GET', '/eventos?tipo=nre.importado');
    expect(events.body.eventos.map((e: { dados: { nre: string } }) => e.dados.nre).sort()).toEqual(['0000025656262027', '0000025656262028']);
  });

  it('imports a JSON export with `elo nre importar`, reporting an NRE already bound elsewhere without changing it', async () => {
    const file = join(work, 'nres.json');
    writeFileSync(file, JSON.stringify({ sistema: 'sei-estado', nres: [{ nre: '0000025656262029', protocolo: '5.1/2025' }, { nre: '0000025656262028', protocolo: '23456.000004/2025-01' }] }));
    const out: string[] = [];
    const code = await main(['nre', 'importar', '--arquivo', file, '--json'], { out: (s) => out.push(s), err: (s) => out.push(s), env: t.env, cwd: work });
    expect(code, out.join('\n')).toBe(1); // one row refused
    const report = JSON.parse(out.join(''));
    expect(report.resultados).toEqual([
      { nre: '0000025656262029', protocolo: '5.1/2025', sistema: 'sei-estado', resultado: 'vinculado' },
      expect.objectContaining({ nre: '0000025656262028', resultado: 'recusado', motivo: expect.stringContaining('sei-municipio') }),
    ]);
    expect((await admin('GET', '/nres/0000025656262028')).body.vinculos).toEqual([expect.objectContaining({ sistema: 'sei-municipio' })]);
  });

  it('refuses a malformed holdings file as a whole, naming each bad line, and keeps the store as it was', async () => {
    const before = t.snapshot();
    const r = await admin('POST', '/nres/importacao?sistema=sei-municipio', 'nre;protocolo\n0000025656262030;1/2025\n123;2/2025\n', adminToken, 'text/csv');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ codigoErro: '0001', detail: expect.stringContaining('linha 3: NRE deve ter 16 dígitos') });
    expect(t.snapshot()).toEqual(before);
  });

  it('lets an administrator reassign and release an NRE, each with an audit event', async () => {
    const nre = '0000025656262027'; // imported for the municipality above; its trâmite is still open
    const open = (await municipio.tramites({ NRE: nre })).body.tramites[0]!;
    const refused = await admin('POST', `/nres/${nre}/reatribuicao`, JSON.stringify({ sistema: 'sei-estado' }));
    expect(refused).toMatchObject({ status: 409, body: { codigoErro: '0044', detail: expect.stringContaining(`IDT ${open.IDT}`) } });
    expect((await municipio.call('DELETE', `tramites/${open.IDT}`)).status).toBe(200);
    const moved = await admin('POST', `/nres/${nre}/reatribuicao`, JSON.stringify({ sistema: 'sei-estado', motivo: 'processo transferido por ofício' }));
    expect(moved).toMatchObject({ status: 200, body: { reatribuido: true, sistema: 'sei-estado', anteriores: ['sei-municipio'] } });
    expect(errorOf(await municipio.iniciarProcesso(holderPkg(nre, '23456.000003/2025-01').body))).toEqual({ status: 404, codigoErro: '9003' });
    const released = await admin('POST', `/nres/${nre}/liberacao`, JSON.stringify({ motivo: 'vínculo indevido' }));
    expect(released).toMatchObject({ status: 200, body: { liberado: true, anteriores: ['sei-estado'] } });
    expect((await admin('GET', `/nres/${nre}`)).body.vinculos).toEqual([]);
    expect((await municipio.iniciarProcesso(holderPkg(nre, '23456.000003/2025-01').body)).status).toBe(200);
    const events = (await admin('GET', '/eventos')).body.eventos.filter((e: { tipo: string; dados: { nre?: string } }) => e.tipo.startsWith('nre.') && e.dados.nre === nre);
    expect(events.map((e: { tipo: string; autor: string }) => [e.tipo, e.autor])).toEqual([
      ['nre.liberado', 'operador:inicial'],
      ['nre.reatribuido', 'operador:inicial'],
      ['nre.importado', 'operador:inicial'],
    ]);
    expect(events[1].dados).toMatchObject({ sistema: 'sei-estado', anteriores: ['sei-municipio'], motivo: 'processo transferido por ofício' });
  });

  it('reassigns and releases from the command line too', async () => {
    const nre = '0000025656262029';
    const io = (out: string[]) => ({ out: (s: string) => out.push(s), err: (s: string) => out.push(s), env: t.env, cwd: work });
    const a: string[] = [];
    expect(await main(['nre', 'reatribuir', '--nre', nre, '--sistema', 'sei-municipio'], io(a)), a.join()).toBe(0);
    expect(a.join()).toContain('era de: sei-estado');
    const b: string[] = [];
    expect(await main(['nre', 'liberar', '--nre', nre], io(b)), b.join()).toBe(0);
    expect((await admin('GET', `/nres/${nre}`)).body.vinculos).toEqual([]);
    const c: string[] = [];
    expect(await main(['nre', 'liberar', '--nre', '0000000000000404'], io(c))).toBe(1);
    expect(c.join()).toContain('NRE 0000000000000404 não encontrado');
  });

  it('refuses the NRE administration to a monitor token, to no token and to a system certificate, changing nothing', async () => {
    const before = t.snapshot();
    const nre = '0000025656262028';
    // a monitor's token is valid but reads only (403); no token or an unknown one is not a credential (401)
    for (const [token, status] of [[monitorToken, 403], [null, 401], ['errado', 401]] as const) {
      expect((await admin('POST', `/nres/${nre}/liberacao`, '{}', token)).status).toBe(status);
      expect((await admin('POST', `/nres/${nre}/reatribuicao`, JSON.stringify({ sistema: 'sei-intruso' }), token)).status).toBe(status);
      expect((await admin('POST', '/nres/importacao?sistema=sei-intruso', `${nre};x`, token, 'text/csv')).status).toBe(status);
    }
    expect((await intruso.call('POST', `../../../admin/api/nres/${nre}/reatribuicao`, { json: { sistema: 'sei-intruso' } })).status).toBe(401);
    expect(t.snapshot()).toEqual(before);
  });
});
