import { mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFromFiles } from '../../src/client/tramita-client.ts';
import { parseStructureOption } from '../../src/cli/commands/system.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { processoBody } from '../harness/packages.ts';

/**
 * A participant's new system, from `elo system add` to its first trâmite over mTLS: the roles of
 * its structures (sends, receives) decide what it may do, and every refused registration leaves
 * the store as it was.
 */
describe('systems: registration with their structures and roles', () => {
  let t: TestHub;
  let agent: Agent;
  const work = mkdtempSync(join(tmpdir(), 'elo-systems-'));

  beforeAll(async () => {
    t = await startTestHub();
    agent = new Agent({ connect: { ca: t.caPem } });
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const cli = inProcessCli(() => t.env, () => work);
  let seq = 0;
  const send = (from: ReturnType<TestHub['client']>, remetente: [number, string], destinatario: [number, string]) =>
    from.iniciarProcesso(processoBody({ protocolo: `S-${++seq}/2026`, remetente, destinatario, documentos: [{ bytes: [new Uint8Array([seq, 7])] }] }).body);

  it('reads --estrutura as REPOSITÓRIO:NÚMERO with :subarvore and :envia or :recebe, explaining a malformed one', () => {
    expect(parseStructureOption('200:2003')).toEqual({ repositorio: 200, numero: '2003', subarvore: false, papel: 'ambos' });
    expect(parseStructureOption('200:2003:subarvore:recebe')).toEqual({ repositorio: 200, numero: '2003', subarvore: true, papel: 'recebe' });
    expect(parseStructureOption('2003')).toMatch(/não é uma estrutura: use REPOSITÓRIO:NÚMERO/);
    expect(parseStructureOption('200:2003:tudo')).toMatch(/"tudo" não é opção de estrutura/);
    expect(parseStructureOption('200:2003:envia:recebe')).toMatch(/use envia ou recebe, não os dois/);
  });

  it('registers a system that receives for one unit and sends from another; with its certificate it sends, and it receives what is addressed to its unit', async () => {
    const added = await cli('system', 'add', '--id', 'sei-ouvidoria', '--participante', '11.111.111/0001-91', '--nome', 'Sistema da Ouvidoria de Exemplópolis',
      '--estrutura', '200:2001:recebe', '--estrutura', '200:2003:envia');
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain('Próximo passo: elo ca issue --sistema sei-ouvidoria');
    const issued = await cli('ca', 'issue', '--sistema', 'sei-ouvidoria', '--saida', work, '--json');
    expect(issued.code, issued.err).toBe(0);
    const files = JSON.parse(issued.out).files as { certificado: string; chave: string };
    const ouvidoria = t.client('sei-ouvidoria', credentialsFromFiles({ cert: files.certificado, key: files.chave, ca: join(t.paths.caCert) }));

    const sent = await send(ouvidoria, [200, '2003'], [100, '1002']);
    expect(sent.status, sent.text).toBe(200);
    const receiveOnly = await send(ouvidoria, [200, '2001'], [100, '1002']);
    expect({ status: receiveOnly.status, codigoErro: receiveOnly.body.codigoErro }).toEqual({ status: 403, codigoErro: '9002' });

    const toOuvidoria = await send(t.client('sei-estado'), [100, '1002'], [200, '2001']);
    expect(toOuvidoria.status, toOuvidoria.text).toBe(200);
    expect((await t.hub.store.tramites.get(toOuvidoria.body.IDT as number))!.receiverSystemId).toBe('sei-ouvidoria');
  });

  it('refuses, listing every problem, a system with an unknown structure, another participant’s structure and a unit another system already receives for, and changes nothing', async () => {
    const before = t.snapshot();
    const r = await cli('system', 'add', '--id', 'sei-x', '--participante', '11111111000191', '--nome', 'X',
      '--estrutura', '200:9999', '--estrutura', '100:1002', '--estrutura', '200:2001');
    expect(r.code).toBe(1);
    expect(r.err).toContain('a estrutura 9999 (repositório 200) não existe');
    expect(r.err).toContain('a estrutura 1002 (repositório 100) (');
    expect(r.err).toContain('é de outro participante (estado-exemplo)');
    expect(r.err).toContain('já é recebida pelo sistema "sei-ouvidoria"');
    expect(t.snapshot()).toEqual(before);
  });

  it('refuses a taken id (409), an unknown participant (404) and a malformed --estrutura (exit 2), changing nothing', async () => {
    const before = t.snapshot();
    const token = readFileSync(t.paths.adminToken, 'utf8').trim();
    const res = await fetch(`${t.hub.url}/admin/api/sistemas`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'sei-ouvidoria', participante: '11111111000191', nome: 'Outro', estruturas: [{ repositorio: 200, numero: '2004', papel: 'envia' }] }),
    });
    const body = (await res.json()) as { codigoErro: string; detail: string };
    expect({ status: res.status, codigoErro: body.codigoErro }).toEqual({ status: 409, codigoErro: '9026' });
    expect(body.detail).toContain('Já existe um sistema com o id "sei-ouvidoria"');
    const unknown = await cli('system', 'add', '--id', 'sei-y', '--participante', '46.395.000/0001-39', '--nome', 'Y', '--estrutura', '200:2001');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('Nenhum participante com o CNPJ 46.395.000/0001-39 está cadastrado');
    const malformed = await cli('system', 'add', '--id', 'sei-y', '--participante', '11111111000191', '--nome', 'Y', '--estrutura', 'repositorio-200');
    expect(malformed.code).toBe(2);
    expect(t.snapshot()).toEqual(before);
  });

  it('lists the systems with their structures through the API and the CLI', async () => {
    const token = readFileSync(t.paths.adminToken, 'utf8').trim();
    const res = await fetch(`${t.hub.url}/admin/api/sistemas`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { sistemas: { id: string; estruturas: { numero: string; papel: string }[] }[] };
    expect(body.sistemas.find((s) => s.id === 'sei-ouvidoria')!.estruturas).toEqual([
      expect.objectContaining({ numero: '2001', papel: 'recebe' }),
      expect.objectContaining({ numero: '2003', papel: 'envia' }),
    ]);
    const listed = await cli('system', 'list');
    expect(listed.out).toContain('sei-ouvidoria (Sistema da Ouvidoria de Exemplópolis), participante municipio-exemplopolis, ativo: 200:2001:recebe, 200:2003:envia');
  });
});
