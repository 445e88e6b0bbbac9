import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * README "Capacidades dos sistemas": a system declares what it accepts on the native face (its
 * own certificate, its own declaration), an administrator sets any system's through the
 * administration API or the CLI; every change is audited, a bad declaration changes nothing.
 */
describe('capabilities of systems', () => {
  let t: TestHub;
  let agent: Agent;
  let admin = '';
  const cli = inProcessCli(() => t.env, () => t.dir);
  const native = (system: string, method: string, json?: unknown) =>
    t.client(system).call<Record<string, unknown>>(method, '../../../api/v1/capacidades', json === undefined ? {} : { json });
  const adminCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.hub.url}/admin/api${path}`, {
      method,
      dispatcher: agent,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await startTestHub();
    agent = new Agent({ connect: { ca: t.caPem } });
    admin = (JSON.parse((await cli('token', 'create', '--role', 'admin', '--json')).out) as { token: string }).token;
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
  });

  it('answers a system that declared nothing with every capability undeclared', async () => {
    const r = await native('sei-municipio', 'GET');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ sistema: 'sei-municipio', mimeTypesAceitos: null, tamanhoMaximoEmBytes: null, envioParcial: null, declaradoPor: null, declaradoEm: null, autor: null });
  });

  it('lets a system declare its own capabilities over mTLS, normalised, audited, and read back by an administrator', async () => {
    const put = await native('sei-municipio', 'PUT', { mimeTypesAceitos: ['Application/PDF', 'text/html', 'application/pdf'], tamanhoMaximoEmBytes: 20_971_520, envioParcial: false });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ sistema: 'sei-municipio', mimeTypesAceitos: ['application/pdf', 'text/html'], tamanhoMaximoEmBytes: 20_971_520, envioParcial: false, declaradoPor: 'sistema', autor: 'sei-municipio' });
    const seen = await adminCall('GET', '/sistemas/sei-municipio/capacidades');
    expect(seen.body).toMatchObject({ mimeTypesAceitos: ['application/pdf', 'text/html'], declaradoPor: 'sistema' });
    // another system's declaration is untouched: each system writes only its own
    expect((await native('sei-estado', 'GET')).body).toMatchObject({ sistema: 'sei-estado', mimeTypesAceitos: null });
    const events = (await t.hub.store.audit.list({ kind: 'sistema.capacidades' })).map((e) => [e.actor, e.data?.sistema]);
    expect(events).toEqual([['sei-municipio', 'sei-municipio']]);
  });

  it('refuses a bad declaration naming each field, and keeps the previous one and the store unchanged', async () => {
    const before = t.snapshot();
    const r = await native('sei-municipio', 'PUT', { mimeTypesAceitos: ['pdf'], tamanhoMaximoEmBytes: -1, extensoes: ['.pdf'] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ codigoErro: '0001' });
    expect(r.text).toContain('mimeTypesAceitos.0 use tipo/subtipo');
    expect(r.text).toContain('tamanhoMaximoEmBytes deve ser maior que zero');
    expect(r.text).toContain('extensoes não é campo de capacidades');
    expect(t.snapshot()).toEqual(before);
  });

  it('lets an administrator replace any system’s declaration through the API', async () => {
    const r = await adminCall('PUT', '/sistemas/sei-estado/capacidades', { envioParcial: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ sistema: 'sei-estado', envioParcial: true, mimeTypesAceitos: null, declaradoPor: 'administracao', autor: 'admin' });
    expect((await adminCall('GET', '/sistemas/sei-inexistente/capacidades')).status).toBe(404);
  });

  it('lets the operator change one capability at a time with the CLI, or replace them from a file', async () => {
    const size = await cli('system', 'capabilities', '--id', 'sei-municipio', '--tamanho-maximo', '10MB', '--json');
    expect(size.code, size.err).toBe(0);
    expect(JSON.parse(size.out)).toMatchObject({ tamanhoMaximoEmBytes: 10_485_760, mimeTypesAceitos: ['application/pdf', 'text/html'], envioParcial: false, declaradoPor: 'administracao', autor: 'cli' });
    const shown = await cli('system', 'capabilities', '--id', 'sei-municipio', '--envio-parcial', 'sim', '--mime', 'nao-declarado');
    expect(shown.out).toContain('tipos aceitos: não declarado');
    expect(shown.out).toContain('tamanho máximo por componente: 10,0 MiB (10485760 bytes)');
    expect(shown.out).toContain('envio parcial: sim');
    writeFileSync(join(t.dir, 'capacidades.json'), JSON.stringify({ mimeTypesAceitos: ['application/pdf'] }));
    const file = await cli('system', 'capabilities', '--id', 'sei-municipio', '--arquivo', 'capacidades.json', '--json');
    expect(JSON.parse(file.out)).toMatchObject({ mimeTypesAceitos: ['application/pdf'], tamanhoMaximoEmBytes: null, envioParcial: null });
    const before = t.snapshot();
    expect((await cli('system', 'capabilities', '--id', 'sei-municipio', '--tamanho-maximo', 'grande')).code).toBe(2);
    expect((await cli('system', 'capabilities', '--id', 'sei-municipio', '--envio-parcial', 'talvez')).code).toBe(2);
    expect((await cli('system', 'capabilities', '--id', 'sei-nenhum')).code).toBe(1);
    expect(t.snapshot()).toEqual(before);
  });
});
