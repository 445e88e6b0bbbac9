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

describe.each([testStoreKind()])('%s identity version', (kind) => {
  it('moves on every change to participants, systems, bindings and certificates, and on nothing else', async () => {
    const store = await openTestStore(kind);
    const r = store.registry;
    const moved = async (change: () => Promise<unknown>) => {
      const before = await r.identityVersion();
      await change();
      return (await r.identityVersion()) > before;
    };
    expect(await moved(() => r.applySeed(seed([{ repositorio: 1, numero: '10', subarvore: true }]), 'a'))).toBe(true);
    const cert = {
      fingerprint256: 'ab'.repeat(32),
      systemId: 's1',
      subject: 'CN=s1',
      serial: '01',
      notBefore: '2026-01-01T00:00:00Z',
      notAfter: '2028-01-01T00:00:00Z',
      pem: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----',
      status: 'active' as const,
      addedAt: '2026-01-01T00:00:00Z',
      revokedAt: null,
    };
    expect(await moved(() => r.addCertificate(cert))).toBe(true);
    expect(await moved(() => r.revokeCertificate(cert.fingerprint256, '2026-02-01T00:00:00Z'))).toBe(true);
    // a binding withdrawn, then a system deactivated, by the declarative seed
    expect(await moved(() => r.applySeed(seed([{ repositorio: 1, numero: '11', subarvore: false }]), 'b'))).toBe(true);
    const audit = { kind: 'participante.suspenso', actor: 'teste' };
    expect(await moved(() => r.moveParticipant('p1', ['ativo'], 'suspenso', { at: '2026-03-01T00:00:00Z', actor: 'teste', reason: 'teste' }, audit))).toBe(true);
    // reads, and writes elsewhere (a repeated seed changes no row), leave it where it was
    expect(await moved(async () => [await r.getCertificate(cert.fingerprint256), await r.listBindings('s1'), await r.getParticipant('p1'), await r.listSystems()])).toBe(false);
    expect(await moved(() => r.applySeed(seed([{ repositorio: 1, numero: '11', subarvore: false }]), 'c'))).toBe(false);
  });
});
