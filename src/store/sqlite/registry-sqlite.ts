import type { FederationSeed } from '../../domain/registry.ts';
import type { RegistryReader, RegistryWriter, SeedSummary } from '../index.ts';
import type { Db } from './open.ts';
import * as registryRows from '../registry-rows.ts';
import { bool } from './rows.ts';

type ParticipantRow = registryRows.ParticipantRow<number>;
type RepositoryRow = registryRows.RepositoryRow<number>;
type StructureRow = registryRows.StructureRow<number>;
type SystemRow = registryRows.SystemRow<number>;
type BindingRow = registryRows.BindingRow<number>;
type CertificateRow = registryRows.CertificateRow<number>;
const { toParticipant, toStructure, toCertificate, toRepository, toSystem, toBinding } = registryRows.registryRowMappers(bool);

export function sqliteRegistry(db: Db): RegistryReader & RegistryWriter {
  const upsert = (sql: string) => db.prepare(sql);
  const participantUpsert = upsert(
    `INSERT INTO participants (id, cnpj, nome, esfera, ativo) VALUES (@id, @cnpj, @nome, @esfera, @ativo)
     ON CONFLICT(id) DO UPDATE SET cnpj = excluded.cnpj, nome = excluded.nome, esfera = excluded.esfera, ativo = excluded.ativo
     WHERE (cnpj, nome, esfera, ativo) IS NOT (excluded.cnpj, excluded.nome, excluded.esfera, excluded.ativo)`,
  );
  const repositoryUpsert = upsert(
    `INSERT INTO repositories (id, nome, ativo, participant_id) VALUES (@id, @nome, @ativo, @participant_id)
     ON CONFLICT(id) DO UPDATE SET nome = excluded.nome, ativo = excluded.ativo, participant_id = excluded.participant_id
     WHERE (nome, ativo, participant_id) IS NOT (excluded.nome, excluded.ativo, excluded.participant_id)`,
  );
  const structureUpsert = upsert(
    `INSERT INTO structures (repository_id, numero, nome, sigla, ativo, parent_numero, unidade_receptora, apto_receber, apto_enviar, codigo_no_orgao, codigo_unidade_receptora)
     VALUES (@repository_id, @numero, @nome, @sigla, @ativo, @parent_numero, @unidade_receptora, @apto_receber, @apto_enviar, @codigo_no_orgao, @codigo_unidade_receptora)
     ON CONFLICT(repository_id, numero) DO UPDATE SET nome = excluded.nome, sigla = excluded.sigla, ativo = excluded.ativo,
       parent_numero = excluded.parent_numero, unidade_receptora = excluded.unidade_receptora, apto_receber = excluded.apto_receber,
       apto_enviar = excluded.apto_enviar, codigo_no_orgao = excluded.codigo_no_orgao, codigo_unidade_receptora = excluded.codigo_unidade_receptora
     WHERE (nome, sigla, ativo, parent_numero, unidade_receptora, apto_receber, apto_enviar, codigo_no_orgao, codigo_unidade_receptora)
       IS NOT (excluded.nome, excluded.sigla, excluded.ativo, excluded.parent_numero, excluded.unidade_receptora, excluded.apto_receber,
       excluded.apto_enviar, excluded.codigo_no_orgao, excluded.codigo_unidade_receptora)`,
  );
  const systemUpsert = upsert(
    `INSERT INTO systems (id, nome, participant_id, ativo) VALUES (@id, @nome, @participant_id, @ativo)
     ON CONFLICT(id) DO UPDATE SET nome = excluded.nome, participant_id = excluded.participant_id, ativo = excluded.ativo
     WHERE (nome, participant_id, ativo) IS NOT (excluded.nome, excluded.participant_id, excluded.ativo)`,
  );
  const bindingInsert = upsert(
    `INSERT INTO system_bindings (system_id, repository_id, numero, subtree) VALUES (@system_id, @repository_id, @numero, @subtree)
     ON CONFLICT(system_id, repository_id, numero) DO UPDATE SET subtree = excluded.subtree WHERE subtree IS NOT excluded.subtree`,
  );

  const q = {
    bindingsOf: db.prepare<[string], { repository_id: number; numero: string }>('SELECT repository_id, numero FROM system_bindings WHERE system_id = ?'),
    dropBinding: db.prepare<[string, number, string]>('DELETE FROM system_bindings WHERE system_id = ? AND repository_id = ? AND numero = ?'),
    participants: db.prepare<[], ParticipantRow>('SELECT * FROM participants ORDER BY id'),
    repositories: db.prepare<[], RepositoryRow>('SELECT * FROM repositories ORDER BY id'),
    repository: db.prepare<[number], RepositoryRow>('SELECT * FROM repositories WHERE id = ?'),
    structure: db.prepare<[number, string], StructureRow>('SELECT * FROM structures WHERE repository_id = ? AND numero = ?'),
    structures: db.prepare<[number], StructureRow>('SELECT * FROM structures WHERE repository_id = ? ORDER BY length(numero), numero'),
    systems: db.prepare<[], SystemRow>('SELECT * FROM systems ORDER BY id'),
    system: db.prepare<[string], SystemRow>('SELECT * FROM systems WHERE id = ?'),
    bindingsBySystem: db.prepare<[string], BindingRow>('SELECT * FROM system_bindings WHERE system_id = ?'),
    bindings: db.prepare<[], BindingRow>('SELECT * FROM system_bindings'),
    certificate: db.prepare<[string], CertificateRow>('SELECT * FROM system_certificates WHERE fingerprint256 = ?'),
    certificatesBySystem: db.prepare<[string], CertificateRow>('SELECT * FROM system_certificates WHERE system_id = ? ORDER BY added_at'),
    certificates: db.prepare<[], CertificateRow>('SELECT * FROM system_certificates ORDER BY system_id, added_at'),
    addCertificate: db.prepare<[string, string, string, string, string, string, string, string, string, string | null]>(
      `INSERT INTO system_certificates (fingerprint256, system_id, subject, serial, not_before, not_after, pem, status, added_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    revoke: db.prepare<[string, string]>(`UPDATE system_certificates SET status = 'revoked', revoked_at = ? WHERE fingerprint256 = ? AND status = 'active'`),
  };

  const applySeed = db.transaction((seed: FederationSeed): SeedSummary => {
    let changed = 0;
    const b = (v: boolean) => (v ? 1 : 0);
    for (const p of seed.participantes)
      changed += participantUpsert.run({ id: p.id, cnpj: p.cnpj, nome: p.nome, esfera: p.esfera, ativo: b(p.ativo) }).changes;
    for (const r of seed.repositorios)
      changed += repositoryUpsert.run({ id: r.id, nome: r.nome, ativo: b(r.ativo), participant_id: r.participante }).changes;
    for (const e of seed.estruturas)
      changed += structureUpsert.run({
        repository_id: e.repositorio,
        numero: e.numero,
        nome: e.nome,
        sigla: e.sigla,
        ativo: b(e.ativo),
        parent_numero: e.pai,
        unidade_receptora: b(e.unidadeReceptora),
        apto_receber: b(e.aptoParaReceberTramites),
        apto_enviar: b(e.aptoParaEnviarTramites),
        codigo_no_orgao: e.codigoNoOrgaoEntidade,
        codigo_unidade_receptora: e.codigoUnidadeReceptora,
      }).changes;
    for (const s of seed.sistemas) {
      changed += systemUpsert.run({ id: s.id, nome: s.nome, participant_id: s.participante, ativo: b(s.ativo) }).changes;
      for (const x of s.estruturas)
        changed += bindingInsert.run({ system_id: s.id, repository_id: x.repositorio, numero: x.numero, subtree: b(x.subarvore) }).changes;
      // The seed is declarative: a binding it no longer lists is withdrawn.
      const listed = new Set(s.estruturas.map((x) => `${x.repositorio}/${x.numero}`));
      for (const old of q.bindingsOf.all(s.id))
        if (!listed.has(`${old.repository_id}/${old.numero}`)) changed += q.dropBinding.run(s.id, old.repository_id, old.numero).changes;
    }
    return {
      participantes: seed.participantes.length,
      repositorios: seed.repositorios.length,
      estruturas: seed.estruturas.length,
      sistemas: seed.sistemas.length,
      changed,
    };
  });

  return {
    async listParticipants() {
      return q.participants.all().map(toParticipant);
    },
    async listRepositories() {
      return q.repositories.all().map(toRepository);
    },
    async getRepository(id) {
      const r = q.repository.get(id);
      return r ? toRepository(r) : null;
    },
    async getStructure(repositoryId, numero) {
      const r = q.structure.get(repositoryId, numero);
      return r ? toStructure(r) : null;
    },
    async listStructures(repositoryId) {
      // Stable order across pages (spec §2.3): by numeric id.
      return q.structures.all(repositoryId).map(toStructure);
    },
    async listSystems() {
      return q.systems.all().map(toSystem);
    },
    async getSystem(id) {
      const r = q.system.get(id);
      return r ? toSystem(r) : null;
    },
    async listBindings(systemId) {
      return (systemId ? q.bindingsBySystem.all(systemId) : q.bindings.all()).map(toBinding);
    },
    async getCertificate(fp) {
      const r = q.certificate.get(fp);
      return r ? toCertificate(r) : null;
    },
    async listCertificates(systemId) {
      return (systemId ? q.certificatesBySystem.all(systemId) : q.certificates.all()).map(toCertificate);
    },
    async applySeed(seed) {
      return applySeed(seed);
    },
    async addCertificate(c) {
      q.addCertificate.run(c.fingerprint256, c.systemId, c.subject, c.serial, c.notBefore, c.notAfter, c.pem, c.status, c.addedAt, c.revokedAt);
    },
    async revokeCertificate(fp, at) {
      return q.revoke.run(at, fp).changes === 1;
    },
  };
}
