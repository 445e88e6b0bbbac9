import { describe, expect, it } from 'vitest';
import type { Structure } from '../domain/registry.ts';
import type { ServiceDeps } from './deps.ts';
import { directoryCache } from './directory-cache.ts';
import { directoryService } from './directory.ts';

const unit = (numero: string, nome: string, parentNumero: string | null = null): Structure => ({
  repositoryId: 1,
  numero,
  nome,
  sigla: nome.slice(0, 3).toUpperCase(),
  ativo: true,
  parentNumero,
  unidadeReceptora: false,
  aptoParaReceberTramites: true,
  aptoParaEnviarTramites: true,
  codigoNoOrgaoEntidade: '',
  codigoUnidadeReceptora: '',
  participantId: null,
  successorNumero: null,
});

/** A registry whose reads can be held open, to interleave two requests around a change. */
function fakeRegistry() {
  const state = { version: 1, nome: 'Saúde', searches: 0, ancestorReads: 0, hold: null as Promise<void> | null };
  const registry = {
    directoryVersion: async () => state.version,
    async searchStructures() {
      state.searches++;
      const seen = state.nome; // what the store held when the read ran
      if (state.hold) await state.hold;
      return { items: [unit('10', seen, '1')], total: 1, estimated: false };
    },
    async ancestorsOf(_rep: number, numeros: string[]) {
      state.ancestorReads++;
      return new Map(numeros.map((n) => [n, [unit('1', 'Prefeitura')]]));
    },
    getParticipant: async () => null,
    getStructure: async () => null,
  };
  return { state, deps: { store: { registry } } as unknown as Pick<ServiceDeps, 'store'> };
}

const q = { repositoryId: 1, nome: 'sau', offset: 0, limit: 50, countUpTo: 1000 };

describe('directory cache (services/directory-cache.ts)', () => {
  it('answers a repeated search and a shared parent’s lineage from memory while the directory version stays', async () => {
    const { state, deps } = fakeRegistry();
    const dir = directoryService(deps);
    await dir.searchStructures(q);
    const again = await dir.searchStructures(q);
    expect(again.items[0]!.ancestors.map((a) => a.numero)).toEqual(['1']);
    expect([state.searches, state.ancestorReads]).toEqual([1, 1]);
  });

  it('answers a search that differs only in case and accents from the page already read, but keeps short terms apart', async () => {
    const { state, deps } = fakeRegistry();
    const dir = directoryService(deps);
    for (const nome of ['Saúde', 'saude', ' SAUDE ', 'saúde']) await dir.searchStructures({ ...q, nome });
    expect(state.searches).toBe(1);
    // below three characters the stores' LIKE is not accent-insensitive: "sé" and "se" differ
    for (const nome of ['sé', 'se']) await dir.searchStructures({ ...q, nome });
    expect(state.searches).toBe(3);
  });

  it('reads again once the version moved', async () => {
    const { state, deps } = fakeRegistry();
    const dir = directoryService(deps);
    await dir.searchStructures(q);
    state.nome = 'Saúde e Assistência';
    state.version++;
    expect((await dir.searchStructures(q)).items[0]!.structure.nome).toBe('Saúde e Assistência');
    expect(state.searches).toBe(2);
  });

  it('does not keep a page read before a change that a concurrent request already saw', async () => {
    const { state, deps } = fakeRegistry();
    const dir = directoryService(deps);
    let release = () => {};
    state.hold = new Promise((r) => (release = r));
    const slow = dir.searchStructures(q); // reads the old name, then waits
    await new Promise((r) => setImmediate(r));
    state.hold = null;
    state.nome = 'Saúde e Assistência';
    state.version++;
    expect((await dir.searchStructures(q)).items[0]!.structure.nome).toBe('Saúde e Assistência');
    release();
    expect((await slow).items[0]!.structure.nome).toBe('Saúde'); // answered as read…
    expect((await dir.searchStructures(q)).items[0]!.structure.nome).toBe('Saúde e Assistência'); // …but not kept
  });

  it('forgets the oldest pages past its bound of units', () => {
    const cache = directoryCache({ maxPageUnits: 100, maxLineages: 10, maxParticipants: 10 });
    const page = (n: number) => ({ items: Array.from({ length: n }, (_, i) => unit(String(i), 'x')), total: n, estimated: false });
    cache.at(1);
    cache.pages.set('a', page(60));
    cache.pages.set('b', page(30));
    cache.pages.get('a'); // a hit refreshes 'a': 'b' is now the oldest
    cache.pages.set('c', page(30));
    expect([cache.pages.get('a'), cache.pages.get('b'), cache.pages.get('c')].map((p) => p?.total ?? null)).toEqual([60, null, 30]);
    cache.pages.set('huge', page(101)); // larger than the whole bound: never kept
    expect(cache.pages.get('huge')).toBeUndefined();
  });
});
