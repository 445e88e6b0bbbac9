import { beforeEach, describe, expect, it } from 'vitest';
import type { Structure } from '../../domain/registry.ts';
import type { StructureSearch } from '../index.ts';
import { openTestStore, testStoreKind, type TestStore } from '../../../test/harness/stores.ts';

/**
 * Directory search (spec §2.3; README "Árvore de unidades"), the same on both stores (this file
 * runs in the SQLite tier and in the PostgreSQL tier): substrings of name and sigla ignoring
 * case and accents, short terms, subtree, filters, stable paging and capped counts.
 */
const unit = (numero: string, nome: string, sigla: string, parent: string | null, extra: Partial<Structure> = {}): Structure => ({
  repositoryId: 7,
  numero,
  nome,
  sigla,
  ativo: true,
  parentNumero: parent,
  unidadeReceptora: false,
  aptoParaReceberTramites: true,
  aptoParaEnviarTramites: true,
  codigoNoOrgaoEntidade: '',
  codigoUnidadeReceptora: '',
  participantId: 'p1',
  successorNumero: null,
  ...extra,
});

describe.each([testStoreKind()])('%s directory search', (kind) => {
  let store: TestStore;
  const names = async (q: Partial<StructureSearch>) =>
    (await store.registry.searchStructures({ repositoryId: 7, offset: 0, limit: 50, countUpTo: 1000, ...q })).items.map((s) => s.numero);

  // a store per test: test stores close when their test ends
  beforeEach(async () => {
    store = await openTestStore(kind);
    const at = '2026-01-01T00:00:00.000Z';
    await store.registry.addParticipant(
      { id: 'p1', cnpj: '00000000000191', nome: 'P', sigla: 'P', esfera: 'estadual', poder: 'executivo', uf: 'MG', ibge: null, contatos: [], status: 'ativo', statusReason: '', statusChangedAt: at },
      { actor: 't', reason: '' },
      { kind: 't', actor: 't' },
    );
    const units = [
      unit('1', 'Governo do Estado', 'GOV', null),
      unit('2', 'Secretaria de Estado de Educação', 'SEE', '1'),
      unit('3', 'Superintendência Regional de Ensino de Uberlândia', 'SRE-UDI', '2'),
      unit('4', 'Secretaria de Estado de Saúde', 'SES', '1', { aptoParaReceberTramites: false }),
      unit('5', 'Coordenação de Protocolo da SEE', 'COPROT', '2', { ativo: false }),
      unit('6', 'Escola Estadual São José', 'EE', '3'),
      ...Array.from({ length: 30 }, (_, i) => unit(String(100 + i), `Escola Estadual Número ${i}`, `EEN${i}`, '3')),
    ];
    const r = await store.registry.applyStructureImport(
      { repositoryId: 7, repositoryName: 'R', participantId: 'p1', expectedVersion: 0, effectiveAt: at, at, actor: 't', fileSha256: 'x', created: units.length, updated: 0, deactivated: 0, upserts: units, deactivate: [] },
      { kind: 't', actor: 't' },
    );
    expect(r.ok).toBe(true);
  });

  it('finds a substring of the name ignoring case and accents, both ways', async () => {
    expect(await names({ nome: 'educacao' })).toEqual(['2']);
    expect(await names({ nome: 'EDUCAÇÃO' })).toEqual(['2']);
    expect(await names({ nome: 'uberlandia' })).toEqual(['3']);
    expect(await names({ nome: 'são josé' })).toEqual(['6']);
    expect(await names({ nome: 'sao jose' })).toEqual(['6']);
  });

  it('finds by sigla, by name and sigla together, and by terms shorter than a trigram', async () => {
    expect(await names({ sigla: 'sre' })).toEqual(['3']);
    expect(await names({ sigla: 'se' })).toEqual(['2', '4']);
    expect(await names({ nome: 'secretaria', sigla: 'ses' })).toEqual(['4']);
    expect(await names({ nome: 'do', sigla: 'gov' })).toEqual(['1']);
  });

  it('takes %, _ and quotes in a term literally', async () => {
    expect(await names({ nome: '%' })).toEqual([]);
    expect(await names({ nome: 'Escola_Estadual' })).toEqual([]);
    expect(await names({ nome: '"Escola"' })).toEqual([]);
  });

  it('restricts to a subtree, to active units and to units apt to receive', async () => {
    expect(await names({ root: '2', nome: 'regional' })).toEqual(['3']);
    expect(await names({ root: '3', limit: 3 })).toEqual(['3', '6', '100']);
    expect(await names({ root: '4' })).toEqual(['4']);
    expect(await names({ nome: 'coordenacao', apenasAtivas: true })).toEqual([]);
    expect(await names({ nome: 'secretaria', permiteRecebimento: true })).toEqual(['2']);
  });

  it('pages in a stable order and counts exactly up to the cap, then says the count is an estimate', async () => {
    const all = await names({ nome: 'escola', limit: 100 });
    expect(all).toHaveLength(31);
    const pages = [...(await names({ nome: 'escola', limit: 10 })), ...(await names({ nome: 'escola', limit: 10, offset: 10 })), ...(await names({ nome: 'escola', limit: 20, offset: 20 }))];
    expect(pages).toEqual(all);
    expect(await store.registry.searchStructures({ repositoryId: 7, nome: 'escola', offset: 0, limit: 5, countUpTo: 1000 })).toMatchObject({ total: 31, estimated: false });
    expect(await store.registry.searchStructures({ repositoryId: 7, nome: 'escola', offset: 0, limit: 5, countUpTo: 10 })).toMatchObject({ total: 10, estimated: true });
    // paging past the cap keeps the count ahead of the page
    expect(await store.registry.searchStructures({ repositoryId: 7, nome: 'escola', offset: 20, limit: 5, countUpTo: 10 })).toMatchObject({ total: 25, estimated: true });
  });

  it('counts only its own repository once another repository holds matching units, also after counting a sole repository', async () => {
    const count = (repositoryId: number) => store.registry.searchStructures({ repositoryId, nome: 'escola', offset: 0, limit: 5, countUpTo: 1000 });
    expect(await count(7)).toMatchObject({ total: 31, estimated: false });
    const at = '2026-02-01T00:00:00.000Z';
    const other = Array.from({ length: 8 }, (_, i) => unit(String(500 + i), `Escola Municipal ${i}`, `EM${i}`, null, { repositoryId: 8 }));
    const r = await store.registry.applyStructureImport(
      { repositoryId: 8, repositoryName: 'Outro', participantId: 'p1', expectedVersion: 0, effectiveAt: at, at, actor: 't', fileSha256: 'w', created: other.length, updated: 0, deactivated: 0, upserts: other, deactivate: [] },
      { kind: 't', actor: 't' },
    );
    expect(r.ok).toBe(true);
    expect(await count(7)).toMatchObject({ total: 31, estimated: false });
    expect(await count(8)).toMatchObject({ total: 8, estimated: false });
    // at the cap's edge, the other repository's 8 matches neither fill nor pass it
    const capped = (repositoryId: number, countUpTo: number) => store.registry.searchStructures({ repositoryId, nome: 'escola', offset: 0, limit: 5, countUpTo });
    expect(await capped(7, 31)).toMatchObject({ total: 31, estimated: false });
    expect(await capped(7, 30)).toMatchObject({ total: 30, estimated: true });
    expect(await capped(8, 8)).toMatchObject({ total: 8, estimated: false });
    expect(await capped(8, 7)).toMatchObject({ total: 7, estimated: true });
  });

  it("pages only its own repository's matches when another repository's lie between them, as a search with one more condition does", async () => {
    const at = '2026-02-01T00:00:00.000Z';
    const apply = (repositoryId: number, expectedVersion: number, upserts: ReturnType<typeof unit>[]) =>
      store.registry.applyStructureImport(
        { repositoryId, repositoryName: `R${repositoryId}`, participantId: 'p1', expectedVersion, effectiveAt: at, at, actor: 't', fileSha256: `f${repositoryId}${expectedVersion}`, created: upserts.length, updated: 0, deactivated: 0, upserts, deactivate: [] },
        { kind: 't', actor: 't' },
      );
    // stored in turns, so the two repositories' matches interleave in the index
    for (let turn = 0; turn < 3; turn++) {
      expect((await apply(8, turn, Array.from({ length: 4 }, (_, i) => unit(String(600 + turn * 4 + i), `Escola Municipal ${turn}-${i}`, `EM${turn}${i}`, null, { repositoryId: 8 })))).ok).toBe(true);
      expect((await apply(7, turn + 1, Array.from({ length: 3 }, (_, i) => unit(String(700 + turn * 3 + i), `Escola Rural ${turn}-${i}`, `ER${turn}${i}`, '3')))).ok).toBe(true);
    }
    const all = await names({ nome: 'escola', limit: 100 });
    expect(all).toHaveLength(40);
    expect(all.filter((n) => /^6\d\d$/.test(n))).toEqual([]);
    // every unit found is active: the same search with that condition takes the other path
    expect(await names({ nome: 'escola', limit: 100, apenasAtivas: true })).toEqual(all);
    const paged = [];
    for (let offset = 0; offset < 40; offset += 7) paged.push(...(await names({ nome: 'escola', limit: 7, offset })));
    expect(paged).toEqual(all);
    expect(await store.registry.searchStructures({ repositoryId: 7, nome: 'escola', offset: 35, limit: 10, countUpTo: 1000 })).toMatchObject({ total: 40, estimated: false });
    expect(await store.registry.searchStructures({ repositoryId: 8, nome: 'escola', offset: 0, limit: 5, countUpTo: 1000 })).toMatchObject({ total: 12, estimated: false });
  });

  it('counts a broad name past the cap as the trigram index does, whole words, prefixes, mid-word and multi-word terms alike', async () => {
    const at = '2026-02-01T00:00:00.000Z';
    const more = [
      ...Array.from({ length: 6 }, (_, i) => unit(String(800 + i), `Escolar Transporte ${i}`, `ET${i}`, '3')),
      ...Array.from({ length: 6 }, (_, i) => unit(String(810 + i), `Telescola Núcleo ${i}`, `TN${i}`, '3')),
      ...Array.from({ length: 3 }, (_, i) => unit(String(820 + i), `Coordenação-Geral ${i}`, `CG${i}`, '3')),
    ];
    const r = await store.registry.applyStructureImport(
      { repositoryId: 7, repositoryName: null, participantId: 'p1', expectedVersion: 1, effectiveAt: at, at, actor: 't', fileSha256: 'm', created: more.length, updated: 0, deactivated: 0, upserts: more, deactivate: [] },
      { kind: 't', actor: 't' },
    );
    expect(r.ok).toBe(true);
    const search = (nome: string, countUpTo: number, permiteEnvio: boolean) =>
      store.registry.searchStructures({ repositoryId: 7, nome, offset: 0, limit: 3, countUpTo, permiteEnvio });
    // every unit may send: with that condition the count walks the trigram index, without it a
    // word of the name may bound it first; both must say the same, under the cap and past it
    const terms = ['escola', 'ESCOLA', 'escol', 'Escolar', 'esco', 'scola', 'telescola', 'escola estadual', 'número', 'numero 1', 'coordenação', 'coordenacao-geral', 'coordenação geral', 'nucleo', 'Núcleo', 'transporte'];
    for (const nome of terms)
      for (const cap of [3, 5, 6, 12, 36, 37, 1000]) expect(await search(nome, cap, false), `${nome}, cap ${cap}`).toEqual(await search(nome, cap, true));
    expect(await search('escola', 1000, false)).toMatchObject({ total: 43, estimated: false });
    expect(await search('escola', 12, false)).toMatchObject({ total: 12, estimated: true });
  });

  it.runIf(kind !== 'postgres')('keeps the word index of names in step with units added, renamed and removed', async () => {
    const check = () => store.sql(`INSERT INTO structures_palavras(structures_palavras) VALUES ('integrity-check')`);
    await check();
    const at = '2026-02-01T00:00:00.000Z';
    const r = await store.registry.applyStructureImport(
      { repositoryId: 7, repositoryName: null, participantId: 'p1', expectedVersion: 1, effectiveAt: at, at, actor: 't', fileSha256: 'n', created: 0, updated: 30, deactivated: 0, upserts: Array.from({ length: 30 }, (_, i) => unit(String(100 + i), `Biblioteca Pública ${i}`, `BP${i}`, '3')), deactivate: [] },
      { kind: 't', actor: 't' },
    );
    expect(r.ok).toBe(true);
    await check();
    const broad = (nome: string) => store.registry.searchStructures({ repositoryId: 7, nome, offset: 0, limit: 2, countUpTo: 10 });
    // the renamed schools are no longer schools, to either index
    expect(await broad('escola')).toMatchObject({ total: 1, estimated: false });
    expect(await broad('biblioteca')).toMatchObject({ total: 10, estimated: true });
    await store.sql(`DELETE FROM structures WHERE repository_id = 7 AND numero IN ('100', '101', '102', '103', '104', '105', '106', '107', '108', '109', '110', '111', '112', '113', '114', '115', '116', '117', '118', '119', '120')`);
    await check();
    expect(await broad('biblioteca')).toMatchObject({ total: 9, estimated: false });
    expect(await broad('bibli')).toMatchObject({ total: 9, estimated: false });
  });

  it('gives each structure its ancestors, nearest first', async () => {
    const a = await store.registry.ancestorsOf(7, ['6', '1', '999']);
    expect(a.get('6')!.map((s) => s.numero)).toEqual(['3', '2', '1']);
    expect(a.get('1')).toEqual([]);
    expect(a.get('999')).toEqual([]);
  });
  it('finds a renamed unit by its new name and sigla, and units added by a later import', async () => {
    const at = '2026-02-01T00:00:00.000Z';
    const r = await store.registry.applyStructureImport(
      {
        repositoryId: 7,
        repositoryName: null,
        participantId: 'p1',
        expectedVersion: 1,
        effectiveAt: at,
        at,
        actor: 't',
        fileSha256: 'y',
        created: 1,
        updated: 1,
        deactivated: 0,
        upserts: [unit('4', 'Secretaria de Estado de Saúde e Saneamento', 'SESAN', '1'), unit('7', 'Ouvidoria-Geral do Estado', 'OGE', '1')],
        deactivate: [],
      },
      { kind: 't', actor: 't' },
    );
    expect(r).toEqual({ ok: true, version: 2 });
    expect(await names({ sigla: 'sesan' })).toEqual(['4']);
    expect(await names({ sigla: 'ses' })).toEqual(['4']);
    expect(await names({ nome: 'saneamento' })).toEqual(['4']);
    expect(await names({ nome: 'ouvidoria' })).toEqual(['7']);
  });

  it.runIf(kind === 'sqlite')('merges the search index into one segment after a bulk import, and still finds every unit', async () => {
    const at = '2026-03-01T00:00:00.000Z';
    const bulk = Array.from({ length: 10_000 }, (_, i) => unit(String(10_000 + i), `Escola Municipal Número ${i}`, `EMN${i}`, '3'));
    const r = await store.registry.applyStructureImport(
      { repositoryId: 7, repositoryName: null, participantId: 'p1', expectedVersion: 1, effectiveAt: at, at, actor: 't', fileSha256: 'z', created: bulk.length, updated: 0, deactivated: 0, upserts: bulk, deactivate: [] },
      { kind: 't', actor: 't' },
    );
    expect(r.ok).toBe(true);
    expect(await store.sql('SELECT count(DISTINCT segid) AS n FROM structures_busca_idx')).toEqual([{ n: 1 }]);
    expect(await names({ nome: 'numero 9999' })).toEqual(['19999']);
    expect(await names({ sigla: 'emn4321' })).toEqual(['14321']);
  });
});
