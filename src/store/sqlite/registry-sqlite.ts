import type {
  FederationSeed,
  Participant,
  Repository,
  Structure,
  System,
  SystemBinding,
  SystemCertificate,
} from '../../domain/registry.ts';
import type { RegistryReader, RegistryWriter, SeedSummary } from '../index.ts';
import type { Db } from './open.ts';

type Row = Record<string, unknown>;
const bool = (v: unknown): boolean => v === 1 || v === true;

const toStructure = (r: Row): Structure => ({
  repositoryId: r.repository_id as number,
  numero: r.numero as string,
  nome: r.nome as string,
  sigla: r.sigla as string,
  ativo: bool(r.ativo),
  parentNumero: (r.parent_numero as string | null) ?? null,
  unidadeReceptora: bool(r.unidade_receptora),
  aptoParaReceberTramites: bool(r.apto_receber),
  aptoParaEnviarTramites: bool(r.apto_enviar),
  codigoNoOrgaoEntidade: r.codigo_no_orgao as string,
  codigoUnidadeReceptora: r.codigo_unidade_receptora as string,
});

const toCertificate = (r: Row): SystemCertificate => ({
  fingerprint256: r.fingerprint256 as string,
  systemId: r.system_id as string,
  subject: r.subject as string,
  serial: r.serial as string,
  notBefore: r.not_before as string,
  notAfter: r.not_after as string,
  pem: r.pem as string,
  status: r.status as SystemCertificate['status'],
  addedAt: r.added_at as string,
  revokedAt: (r.revoked_at as string | null) ?? null,
});

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
      for (const old of db.prepare('SELECT repository_id, numero FROM system_bindings WHERE system_id = ?').all(s.id) as { repository_id: number; numero: string }[])
        if (!listed.has(`${old.repository_id}/${old.numero}`))
          changed += db.prepare('DELETE FROM system_bindings WHERE system_id = ? AND repository_id = ? AND numero = ?').run(s.id, old.repository_id, old.numero).changes;
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
      return (db.prepare('SELECT * FROM participants ORDER BY id').all() as Row[]).map(
        (r): Participant => ({
          id: r.id as string,
          cnpj: r.cnpj as string,
          nome: r.nome as string,
          esfera: r.esfera as Participant['esfera'],
          ativo: bool(r.ativo),
        }),
      );
    },
    async listRepositories() {
      return (db.prepare('SELECT * FROM repositories ORDER BY id').all() as Row[]).map(toRepository);
    },
    async getRepository(id) {
      const r = db.prepare('SELECT * FROM repositories WHERE id = ?').get(id) as Row | undefined;
      return r ? toRepository(r) : null;
    },
    async getStructure(repositoryId, numero) {
      const r = db.prepare('SELECT * FROM structures WHERE repository_id = ? AND numero = ?').get(repositoryId, numero) as Row | undefined;
      return r ? toStructure(r) : null;
    },
    async listStructures(repositoryId) {
      // Stable order across pages (spec §2.3): by numeric id.
      return (
        db.prepare('SELECT * FROM structures WHERE repository_id = ? ORDER BY length(numero), numero').all(repositoryId) as Row[]
      ).map(toStructure);
    },
    async listSystems() {
      return (db.prepare('SELECT * FROM systems ORDER BY id').all() as Row[]).map(toSystem);
    },
    async getSystem(id) {
      const r = db.prepare('SELECT * FROM systems WHERE id = ?').get(id) as Row | undefined;
      return r ? toSystem(r) : null;
    },
    async listBindings(systemId) {
      const rows = (
        systemId
          ? db.prepare('SELECT * FROM system_bindings WHERE system_id = ?').all(systemId)
          : db.prepare('SELECT * FROM system_bindings').all()
      ) as Row[];
      return rows.map(
        (r): SystemBinding => ({
          systemId: r.system_id as string,
          repositoryId: r.repository_id as number,
          numero: r.numero as string,
          subtree: bool(r.subtree),
        }),
      );
    },
    async getCertificate(fp) {
      const r = db.prepare('SELECT * FROM system_certificates WHERE fingerprint256 = ?').get(fp) as Row | undefined;
      return r ? toCertificate(r) : null;
    },
    async listCertificates(systemId) {
      const rows = (
        systemId
          ? db.prepare('SELECT * FROM system_certificates WHERE system_id = ? ORDER BY added_at').all(systemId)
          : db.prepare('SELECT * FROM system_certificates ORDER BY system_id, added_at').all()
      ) as Row[];
      return rows.map(toCertificate);
    },
    async applySeed(seed) {
      return applySeed(seed);
    },
    async addCertificate(c) {
      db.prepare(
        `INSERT INTO system_certificates (fingerprint256, system_id, subject, serial, not_before, not_after, pem, status, added_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(c.fingerprint256, c.systemId, c.subject, c.serial, c.notBefore, c.notAfter, c.pem, c.status, c.addedAt, c.revokedAt);
    },
    async revokeCertificate(fp, at) {
      return (
        db.prepare(`UPDATE system_certificates SET status = 'revoked', revoked_at = ? WHERE fingerprint256 = ? AND status = 'active'`).run(at, fp)
          .changes === 1
      );
    },
  };
}

const toRepository = (r: Row): Repository => ({
  id: r.id as number,
  nome: r.nome as string,
  ativo: bool(r.ativo),
  participantId: (r.participant_id as string | null) ?? null,
});

const toSystem = (r: Row): System => ({
  id: r.id as string,
  nome: r.nome as string,
  participantId: r.participant_id as string,
  ativo: bool(r.ativo),
});
