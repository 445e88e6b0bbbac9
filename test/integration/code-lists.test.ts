import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_START_BODY_BYTES } from '../../src/domain/tramita/index.ts';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';
import { bytesOf, processoBody } from '../harness/packages.ts';

/**
 * The federation's code lists, editable with history (README "Listas de códigos"; spec §2.5–§2.7,
 * §3.6): seeded from federation/codelists, changed through the administration API or `elo
 * codelist`, served by the Tramita face and used to validate starts as they stand at each request.
 */
describe('code lists: editable with history, served and enforced as they stand now', () => {
  let t: TestHub;
  let token = '';
  const cli = inProcessCli(() => t.env, () => t.dir);

  const api = async (method: string, path: string, body?: unknown, bearer = token) => {
    const res = await t.hub.app.request(`/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const especies = async () => (await t.client('sei-estado').call<{ especies: { codigo: number; nomeNoProdutor: string }[] }>('GET', 'especies')).body.especies;
  let n = 0;
  /** A process whose one document (or, for a large body, every one) is of `especie`. */
  const start = (especie: number, docs = 1) =>
    t.client('sei-estado').iniciarProcesso(
      processoBody({
        protocolo: `77.${++n}/2026`,
        remetente: [100, '1002'],
        destinatario: [200, '2002'],
        documentos: Array.from({ length: docs }, (_, i) => ({ especie, bytes: [bytesOf(16, n * 1000 + i)] })),
      }).body,
    );

  beforeAll(async () => {
    t = await startTestHub();
    token = readFileSync(t.paths.adminToken, 'utf8').trim();
  });
  afterAll(async () => t?.close());

  it('is seeded once from the federation files with the federal bus’s identifiers, a history row each and one audit event', async () => {
    const listed = await api('GET', '/listas/especies');
    expect(listed.status).toBe(200);
    expect(listed.body.entradas).toEqual(expect.arrayContaining([{ codigo: 42, nome: 'Despacho', ativo: true }, { codigo: 179, nome: 'Anexo', ativo: true }]));
    expect(listed.body.entradas).toHaveLength(146);
    expect((await api('GET', '/listas/motivos')).body.entradas.map((m: { codigo: number }) => m.codigo)).toEqual([1, 2, 3, 4, 5]);
    const anexo = await api('GET', '/listas/especies/historico?codigo=179');
    expect(anexo.body.historico).toEqual([
      { sequencia: expect.any(Number), codigo: 179, em: expect.any(String), por: 'elo', motivo: expect.stringContaining('carga inicial'), antes: null, depois: { nome: 'Anexo', ativo: true } },
    ]);
    // another process on the folder (the CLI) finds the lists and seeds nothing again
    expect((await cli('codelist', 'list', 'motivos')).code).toBe(0);
    expect((await api('GET', '/eventos?tipo=lista_de_codigos.carga_inicial')).body.eventos).toHaveLength(1);
  });

  it('accepts, in the next start, an espécie added while the hub runs: a small body and a large one analysed in the worker thread', async () => {
    const large = JSON.stringify(processoBody({ protocolo: 'x', remetente: [100, '1002'], destinatario: [200, '2002'], documentos: Array.from({ length: 400 }, (_, i) => ({ especie: 900, bytes: [bytesOf(16, i)] })) }).body);
    expect(new TextEncoder().encode(large).byteLength).toBeGreaterThan(INLINE_START_BODY_BYTES);
    // before: unknown to the hub (the worker thread starts here and gets the lists as they were)
    const before = t.snapshot();
    const refusedSmall = await start(900);
    const refusedLarge = await start(900, 400);
    for (const r of [refusedSmall, refusedLarge]) {
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ codigoErro: '0001', mensagem: expect.stringContaining('especie.codigo') });
    }
    expect(t.snapshot()).toEqual(before);

    const added = await api('POST', '/listas/especies', { codigo: 900, nome: 'Parecer Referencial', motivo: 'espécie criada pela portaria 12/2026' });
    expect(added).toEqual({ status: 201, body: { codigo: 900, nome: 'Parecer Referencial', ativo: true } });
    expect(await especies()).toContainEqual({ codigo: 900, nomeNoProdutor: 'Parecer Referencial' });
    const small = await start(900);
    expect(small.status, JSON.stringify(small.body)).toBe(200);
    const big = await start(900, 400);
    expect(big.status, JSON.stringify(big.body).slice(0, 300)).toBe(200);
  });

  it('serves, at the hub’s next request, a change made by `elo codelist` on the data folder', async () => {
    const added = await cli('codelist', 'add', 'especies', '--codigo', '901', '--nome', 'Nota Técnica Conjunta', '--motivo', 'pedido do comitê', '--json');
    expect(added.code, added.err).toBe(0);
    expect(JSON.parse(added.out)).toEqual({ codigo: 901, nome: 'Nota Técnica Conjunta', ativo: true });
    expect(await especies()).toContainEqual({ codigo: 901, nomeNoProdutor: 'Nota Técnica Conjunta' });
    expect((await start(901)).status).toBe(200);

    const off = await cli('codelist', 'set', 'hipoteses', '--codigo', '3', '--inativa', '--motivo', 'revogada pela lei 99/2026');
    expect(off.code, off.err).toBe(0);
    const hipoteses = (q: Record<string, number>) =>
      t.client('sei-estado').call<{ hipotesesLegais: { identificacao: number; status: boolean }[] }>('GET', 'hipoteses', { query: q });
    expect((await hipoteses({ ativos: 0 })).body.hipotesesLegais.map((h) => h.identificacao)).toContain(3);
    expect((await hipoteses({ ativos: 1 })).body.hipotesesLegais.map((h) => h.identificacao)).not.toContain(3);
    // still listed and still valid: SEI keeps hipóteses by id (spec §2.6)
    expect((await hipoteses({})).body.hipotesesLegais).toContainEqual(expect.objectContaining({ identificacao: 3, status: false }));
  });

  it('renames a hipótese and sets its status with who, when, why, before and after in its history and one audit event each', async () => {
    const r = await api('PATCH', '/listas/hipoteses/3', { ativo: true, nome: 'Sigilo Fiscal (art. 198 do CTN)', motivo: 'lei 99/2026 suspensa' });
    expect(r).toEqual({ status: 200, body: { codigo: 3, nome: 'Sigilo Fiscal (art. 198 do CTN)', ativo: true, alterado: true } });
    const h = (await api('GET', '/listas/hipoteses/historico?codigo=3')).body.historico;
    // the actor is the token's label (the first administrator token is "inicial")
    expect(h.map((x: any) => [x.por, x.motivo, x.antes, x.depois])).toEqual([
      ['inicial', 'lei 99/2026 suspensa', { nome: 'Sigilo Fiscal (Art. 198 do Código Tributário Nacional)', ativo: false }, { nome: 'Sigilo Fiscal (art. 198 do CTN)', ativo: true }],
      ['cli', 'revogada pela lei 99/2026', { nome: 'Sigilo Fiscal (Art. 198 do Código Tributário Nacional)', ativo: true }, { nome: 'Sigilo Fiscal (Art. 198 do Código Tributário Nacional)', ativo: false }],
      ['elo', expect.stringContaining('carga inicial'), null, { nome: 'Sigilo Fiscal (Art. 198 do Código Tributário Nacional)', ativo: true }],
    ]);
    const events = (await api('GET', '/eventos?tipo=lista_de_codigos.entrada_alterada')).body.eventos;
    expect(events[0]).toMatchObject({ autor: 'inicial', dados: { lista: 'hipoteses', codigo: 3, motivo: 'lei 99/2026 suspensa' } });
    expect(events).toHaveLength(2);
    // the same values again change nothing and write nothing
    const before = t.snapshot();
    expect((await api('PATCH', '/listas/hipoteses/3', { ativo: true, motivo: 'de novo' })).body.alterado).toBe(false);
    expect(t.snapshot()).toEqual(before);
  });

  it('appends a motivo de urgência at the next position and serves it last', async () => {
    const r = await api('POST', '/listas/motivos', { nome: 'Calamidade pública', motivo: 'decreto estadual' });
    expect(r).toEqual({ status: 201, body: { codigo: 6, nome: 'Calamidade pública', ativo: true } });
    const served = await t.client('sei-estado').call<{ motivosUrgencia: { descricao: string }[] }>('GET', 'motivosUrgencia');
    expect(served.body.motivosUrgencia.at(-1)).toEqual({ descricao: 'Calamidade pública' });
    expect(served.body.motivosUrgencia).toHaveLength(6);
  });

  const refusals: [string, string, string, unknown, number, string, string][] = [
    ['a código already used', 'POST', '/listas/especies', { codigo: 42, nome: 'Despacho Decisório', motivo: 'x' }, 409, 'codelist_code_used', '9027'],
    ['a código used by an espécie added at runtime', 'POST', '/listas/especies', { codigo: 900, nome: 'Outra', motivo: 'x' }, 409, 'codelist_code_used', '9027'],
    ['a name another entry has (case and accents aside)', 'POST', '/listas/especies', { codigo: 950, nome: 'DESPACHO', motivo: 'x' }, 409, 'codelist_name_taken', '9030'],
    ['renaming to a name another entry has', 'PATCH', '/listas/especies/900', { nome: 'Ofício', motivo: 'x' }, 409, 'codelist_name_taken', '9030'],
    ['renaming 179 "Anexo"', 'PATCH', '/listas/especies/179', { nome: 'Anexos', motivo: 'x' }, 409, 'codelist_entry_kept', '9028'],
    ['deactivating an espécie', 'PATCH', '/listas/especies/42', { ativo: false, motivo: 'x' }, 409, 'codelist_entry_kept', '9028'],
    ['adding an inactive espécie', 'POST', '/listas/especies', { nome: 'Nova', ativo: false, motivo: 'x' }, 409, 'codelist_entry_kept', '9028'],
    ['renaming a motivo', 'PATCH', '/listas/motivos/1', { nome: 'Prazo legal ou judicial', motivo: 'x' }, 409, 'codelist_append_only', '9029'],
    ['a motivo at a position other than the next', 'POST', '/listas/motivos', { codigo: 2, nome: 'Outro motivo', motivo: 'x' }, 409, 'codelist_append_only', '9029'],
    ['a change without its reason', 'PATCH', '/listas/hipoteses/1', { ativo: false }, 400, 'validation_failed', '0001'],
    ['a change of nothing', 'PATCH', '/listas/hipoteses/1', { motivo: 'x' }, 400, 'validation_failed', '0001'],
    ['an unknown field (the wire’s "status" for "ativo")', 'PATCH', '/listas/hipoteses/1', { status: false, motivo: 'x' }, 400, 'validation_failed', '0001'],
    ['a código that is not listed', 'PATCH', '/listas/hipoteses/77', { ativo: false, motivo: 'x' }, 404, 'not_found', '9003'],
  ];
  for (const [what, method, path, body, status, code, codigoErro] of refusals)
    it(`refuses ${what} (${code}) and keeps the store as it was`, async () => {
      const before = t.snapshot();
      const r = await api(method, path, body);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body).toMatchObject({ code, codigoErro });
      expect(r.body.detail).toMatch(/[ãçéêóú]/); // Portuguese, for the administrator
      expect(t.snapshot()).toEqual(before);
    });

  it('has no way to remove an entry: no route, and the schema itself refuses a DELETE or a rewrite of history', async () => {
    const before = t.snapshot();
    expect((await api('DELETE', '/listas/especies/42')).status).toBe(404);
    const sql = ['DELETE FROM code_list_entries WHERE codigo = 42', "UPDATE code_list_changes SET reason = 'x'", 'DELETE FROM code_list_changes', "UPDATE code_list_entries SET codigo = 43000 WHERE codigo = 42"];
    const store = t.hub.store as unknown as { db?: import('better-sqlite3').Database; pool?: import('pg').Pool };
    for (const s of sql) {
      if (store.db) expect(() => store.db!.prepare(s).run(), s).toThrow(/never removed|append-only|keeps its code/);
      else await expect(store.pool!.query(s), s).rejects.toThrow(/never removed|append-only|keeps its code/);
    }
    expect(t.snapshot()).toEqual(before);
  });

  it('lets two administrators race for one código: one is added, the other refused, one history row', async () => {
    const [a, b] = await Promise.all([
      api('POST', '/listas/especies', { codigo: 960, nome: 'Termo de Fomento', motivo: 'a' }),
      api('POST', '/listas/especies', { codigo: 960, nome: 'Termo de Colaboração', motivo: 'b' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((await api('GET', '/listas/especies/historico?codigo=960')).body.historico).toHaveLength(1);
  });

  it('lets monitors and participants’ administrators read the lists and their history, and only the federation administrator change them', async () => {
    const monitor = JSON.parse((await cli('token', 'create', '--role', 'monitor', '--json')).out).token as string;
    expect((await api('GET', '/listas/hipoteses', undefined, monitor)).status).toBe(200);
    expect((await api('GET', '/listas/hipoteses/historico', undefined, monitor)).status).toBe(200);
    const before = t.snapshot();
    const r = await api('POST', '/listas/especies', { nome: 'Qualquer', motivo: 'x' }, monitor);
    expect(r).toMatchObject({ status: 403, body: { code: 'not_authorised' } });
    expect(t.snapshot()).toEqual(before);
  });

  it('documents the routes in the OpenAPI document with the lists as an enum and the body schemas', async () => {
    const doc = (await api('GET', '/openapi.json')).body;
    const add = doc.paths['/listas/{lista}'].post;
    expect(add.parameters[0].schema.enum).toEqual(['especies', 'hipoteses', 'motivos']);
    expect(add.requestBody.content['application/json'].schema.required).toEqual(['nome', 'motivo']);
    expect(Object.keys(doc.paths['/listas/{lista}/{codigo}'].patch.requestBody.content['application/json'].schema.properties)).toEqual(['nome', 'ativo', 'motivo']);
    expect((await api('GET', '/listas/especiesX')).status).toBe(404);
  });

  it('answers `elo codelist` with Portuguese help, exit 2 on wrong use and exit 1 with the reason on a refusal', async () => {
    const help = await cli('codelist', 'add', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Um código nunca é reutilizado');
    expect((await cli('codelist', 'list', 'especiez')).code).toBe(2);
    expect((await cli('codelist', 'add', 'especies', '--nome', 'X')).code).toBe(2);
    const before = t.snapshot();
    const refused = await cli('codelist', 'set', 'especies', '--codigo', '179', '--nome', 'Anexos', '--motivo', 'x');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('179 "Anexo" fica como está');
    expect(t.snapshot()).toEqual(before);
    const history = await cli('codelist', 'history', 'especies', '--codigo', '901');
    expect(history.out).toMatch(/901 {2}— → "Nota Técnica Conjunta" {2}por cli: pedido do comitê/);
    const listed = JSON.parse((await cli('codelist', 'list', 'motivos', '--json')).out);
    expect(listed.at(-1)).toEqual({ codigo: 6, nome: 'Calamidade pública', ativo: true });
  });
});
