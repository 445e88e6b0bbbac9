import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessCli } from '../harness/cli.ts';
import { startTestHub, type TestHub } from '../harness/hub.ts';

/**
 * README "Mapeamento de espécies e hipóteses": a system's own document types and restriction
 * hypotheses, mapped one to one to the federation's espécies and hipóteses legais, with
 * suggestions by accent-insensitive name, history, coverage, and CSV export that imports back;
 * a broken file is refused whole, listing every line, and changes nothing.
 */
describe('code-list mappings of a system', () => {
  let t: TestHub;
  let agent: Agent;
  let admin = '';
  const work = mkdtempSync(join(tmpdir(), 'elo-mapeamento-codigos-'));
  const cli = inProcessCli(() => t.env, () => work);
  const api = async (method: string, path: string, body?: string, type = 'application/json') => {
    const res = await fetch(`${t.hub.url}/admin/api/sistemas/sei-municipio/mapeamentos${path}`, {
      method,
      dispatcher: agent,
      headers: { authorization: `Bearer ${admin}`, 'content-type': type },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : null };
  };

  beforeAll(async () => {
    t = await startTestHub();
    agent = new Agent({ connect: { ca: t.caPem } });
    admin = (JSON.parse((await cli('token', 'create', '--role', 'admin', '--json')).out) as { token: string }).token;
  });
  afterAll(async () => {
    await agent?.close();
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('imports the system’s document types (Windows-1252, commas) and suggests espécies by name without accents', async () => {
    // "Ofício" and "Despacho" as Excel saves them here: Windows-1252, comma-separated
    const latin1 = Uint8Array.from(Buffer.from('codigo,nome\r\nOF,OFICIO\r\nDESP,Despacho\r\nMEMO,Memorando circular\r\nXYZ,Zzkw qwv\r\n', 'latin1'));
    writeFileSync(join(work, 'tipos.csv'), latin1);
    const imported = await cli('mapping', 'import', 'tipos.csv', '--sistema', 'sei-municipio', '--lista', 'especies', '--json');
    expect(imported.code, imported.err).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ criados: 4, renomeados: 0, mapeamentosAlterados: 0, total: 4 });
    const suggested = JSON.parse((await cli('mapping', 'suggest', '--sistema', 'sei-municipio', '--lista', 'especies', '--json')).out) as { codigo: { codigo: string }; sugestoes: { codigo: number; nome: string }[] }[];
    const first = (codigo: string) => suggested.find((s) => s.codigo.codigo === codigo)!.sugestoes[0];
    expect(first('OF')).toMatchObject({ nome: 'Ofício' });
    expect(first('DESP')).toMatchObject({ codigo: 42, nome: 'Despacho' });
    expect(first('XYZ')).toBeUndefined();
  });

  it('refuses a broken file whole, naming every bad line, and changes nothing', async () => {
    const before = t.snapshot();
    const broken = 'codigo;nome;federacao\n;Sem código;\nOF;Ofício;99999\nDESP;Despacho;abc\nOF;Repetido;\nA;Anexo;179\nB;Anexo de novo;179\n';
    writeFileSync(join(work, 'ruim.csv'), broken);
    const r = await cli('mapping', 'import', 'ruim.csv', '--sistema', 'sei-municipio', '--lista', 'especies');
    expect(r.code).toBe(1);
    expect(r.err).toContain('recusado inteiro e nada mudou. 5 problema(s)');
    expect(r.err).toContain('linha 2: codigo em branco');
    expect(r.err).toContain('linha 3: federacao 99999 não é uma espécie documental da federação');
    expect(r.err).toContain('linha 4: federacao "abc" deve ser o código numérico');
    expect(r.err).toContain('linha 5: codigo OF repetido (já na linha 3)');
    expect(r.err).toContain('linha 7: a espécie documental 179 já está na linha 6');
    const api400 = await api('POST', '/especies', 'numero;nome\n1;x\n', 'text/csv');
    expect(api400.status).toBe(400);
    expect(api400.text).toContain('coluna \\"numero\\" desconhecida');
    expect(t.snapshot()).toEqual(before);
  });

  it('maps one to one with history, refuses a taken or unknown espécie, and reports coverage', async () => {
    expect((await cli('mapping', 'set', '--sistema', 'sei-municipio', '--lista', 'especies', '--codigo', 'DESP', '--federacao', '42')).code).toBe(0);
    const before = t.snapshot();
    const taken = await cli('mapping', 'set', '--sistema', 'sei-municipio', '--lista', 'especies', '--codigo', 'MEMO', '--federacao', '42');
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('A espécie documental 42 (Despacho) já está mapeada para o código local "DESP"');
    const unknown = await api('PUT', '/especies/codigos/MEMO', JSON.stringify({ federacao: 99999 }));
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('99999 não é uma espécie documental da federação');
    const noCode = await api('PUT', '/especies/codigos/NADA', JSON.stringify({ federacao: 1 }));
    expect(noCode.status).toBe(404);
    expect(t.snapshot()).toEqual(before);
    expect((await api('PUT', '/especies/codigos/DESP', JSON.stringify({ federacao: null }))).status).toBe(200);
    expect((await cli('mapping', 'set', '--sistema', 'sei-municipio', '--lista', 'especies', '--codigo', 'DESP', '--federacao', '42')).code).toBe(0);
    const history = (await api('GET', '/especies/codigos/DESP/historico')).body!.historico as { federacao: number | null; por: string }[];
    expect(history.map((h) => [h.federacao, h.por])).toEqual([[42, 'cli'], [null, 'admin'], [42, 'cli']]);
    const shown = await cli('mapping', 'history', '--sistema', 'sei-municipio', '--lista', 'especies', '--codigo', 'DESP');
    expect(shown.out.split('\n')).toHaveLength(3);
    const coverage = (await api('GET', '/especies/cobertura')).body!;
    expect(coverage).toMatchObject({ mapeados: 1, total: 4 });
    expect(coverage.codigosSemMapeamento.map((c: { codigo: string }) => c.codigo)).toEqual(['MEMO', 'OF', 'XYZ']);
    expect(coverage.federacaoSemCodigo).toHaveLength(145);
    expect(coverage.federacaoSemCodigo.some((f: { codigo: number }) => f.codigo === 42)).toBe(false);
  });

  it('exports the mappings as CSV that imports back to the same state, and moves mappings by file only when the result stays one to one', async () => {
    const csv = (await cli('mapping', 'export', '--sistema', 'sei-municipio', '--lista', 'especies')).out;
    expect(csv).toContain('codigo;nome;federacao;nomeNaFederacao\r\nDESP;Despacho;42;Despacho\r\nMEMO;Memorando circular;;\r\n');
    const viaApi = await api('GET', '/especies?formato=csv');
    // fetch's text() drops the BOM the file carries (WHATWG decode); the rows are the same
    expect(viaApi.text).toBe(csv.replace(/^\uFEFF/, ''));
    writeFileSync(join(work, 'ida.csv'), csv);
    const before = t.snapshot();
    const again = await cli('mapping', 'import', 'ida.csv', '--sistema', 'sei-municipio', '--lista', 'especies', '--json');
    expect(JSON.parse(again.out)).toEqual({ criados: 0, renomeados: 0, mapeamentosAlterados: 0, total: 4 });
    expect(t.snapshot()).toEqual(before);
    // moving 42 from DESP to MEMO by file while DESP keeps it would break one-to-one: nothing changes
    const conflict = await api('POST', '/especies', 'codigo;nome;federacao\nMEMO;Memorando circular;42\n', 'text/csv');
    expect(conflict.status).toBe(400);
    expect(conflict.text).toContain('a espécie documental 42 ficaria mapeada pelos códigos DESP e MEMO');
    expect(t.snapshot()).toEqual(before);
    // the same move with DESP's line saying where it goes now is accepted, each change in the history
    const moved = await api('POST', '/especies', 'codigo;nome;federacao\nDESP;Despacho;\nMEMO;Memorando circular;42\n', 'text/csv');
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ mapeamentosAlterados: 2 });
    expect(((await api('GET', '/especies/codigos/MEMO/historico')).body!.historico as unknown[]).length).toBe(1);
  });

  it('maps the system’s restriction hypotheses to hipóteses legais the same way, inactive ones left out of suggestions and coverage', async () => {
    const r = await api('POST', '/hipoteses', '\uFEFFcodigo;nome;federacao\nH-PESSOAL;Informacao pessoal;1\nH-FISCAL;Sigilo fiscal;\nH-ANTIGA;Informação sigilosa classificada anteriormente;\n', 'text/csv');
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ criados: 3, mapeamentosAlterados: 1 });
    const suggestions = (await api('GET', '/hipoteses/sugestoes')).body!.sugestoes as { codigo: { codigo: string }; sugestoes: { codigo: number }[] }[];
    expect(suggestions.find((s) => s.codigo.codigo === 'H-FISCAL')!.sugestoes[0]!.codigo).toBe(3);
    expect(suggestions.flatMap((s) => s.sugestoes.map((x) => x.codigo))).not.toContain(9);
    const coverage = (await api('GET', '/hipoteses/cobertura')).body!;
    expect(coverage.federacaoSemCodigo.map((f: { codigo: number }) => f.codigo)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const list = (await api('GET', '/hipoteses')).body!;
    expect(list.codigos.map((c: { codigo: string; federacao: number | null }) => [c.codigo, c.federacao])).toEqual([['H-ANTIGA', null], ['H-FISCAL', null], ['H-PESSOAL', 1]]);
    expect((await cli('mapping', 'coverage', '--sistema', 'sei-municipio', '--lista', 'outra')).code).toBe(2);
  });
});
