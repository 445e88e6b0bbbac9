import { describe, expect, it } from 'vitest';
import type { FederationSeed } from '../../domain/registry.ts';
import { openTestStore, testStoreKind } from '../../../test/harness/stores.ts';

const seed = (bindings: { repositorio: number; numero: string; subarvore: boolean }[]): FederationSeed => ({
  participantes: [{ id: 'p1', cnpj: '00000000000191', nome: 'P1', esfera: 'estadual', ativo: true }],
  repositorios: [{ id: 1, nome: 'R', ativo: true, participante: 'p1' }],
  estruturas: [
    { repositorio: 1, numero: '10', pai: null, nome: 'Raiz', sigla: 'R', ativo: true, unidadeReceptora: false, aptoParaReceberTramites: true, aptoParaEnviarTramites: true, codigoNoOrgaoEntidade: '', codigoUnidadeReceptora: '' },
    { repositorio: 1, numero: '11', pai: '10', nome: 'Filha', sigla: 'F', ativo: true, unidadeReceptora: false, aptoParaReceberTramites: true, aptoParaEnviarTramites: true, codigoNoOrgaoEntidade: '', codigoUnidadeReceptora: '' },
  ],
  sistemas: [{ id: 's1', nome: 'S1', participante: 'p1', ativo: true, estruturas: bindings }],
});

describe.each([testStoreKind()])('%s registry seed', (kind) => {
  it('changes nothing when the same seed is applied twice', async () => {
    const store = await openTestStore(kind);
    const first = await store.registry.applySeed(seed([{ repositorio: 1, numero: '10', subarvore: true }]), 'a');
    expect(first.changed).toBeGreaterThan(0);
    expect((await store.registry.applySeed(seed([{ repositorio: 1, numero: '10', subarvore: true }]), 'b')).changed).toBe(0);
  });

  it('withdraws a binding the seed no longer lists (the seed is declarative)', async () => {
    const store = await openTestStore(kind);
    await store.registry.applySeed(seed([{ repositorio: 1, numero: '10', subarvore: true }, { repositorio: 1, numero: '11', subarvore: false }]), 'a');
    const r = await store.registry.applySeed(seed([{ repositorio: 1, numero: '11', subarvore: false }]), 'b');
    expect(r.changed).toBe(1);
    expect((await store.registry.listBindings('s1')).map((b) => b.numero)).toEqual(['11']);
  });
});
