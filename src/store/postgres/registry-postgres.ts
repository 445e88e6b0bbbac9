import { seedStatus, type FederationSeed, type Structure } from '../../domain/registry.ts';
import { containsPattern, countLimit, textFilters } from '../structure-search.ts';
import type { RegistryReader, RegistryWriter, SeedSummary, StructureSearch } from '../index.ts';
import type pg from 'pg';
import * as registryRows from '../registry-rows.ts';
import { one, rows, run, stmt, tx } from './db.ts';
import { appendAudit } from './audit.ts';

type ParticipantRow = registryRows.ParticipantRow;
type RepositoryRow = registryRows.RepositoryRow<boolean>;
type StructureRow = registryRows.StructureRow<boolean>;
type SystemRow = registryRows.SystemRow<boolean>;
type BindingRow = registryRows.BindingRow<boolean>;
type CertificateRow = registryRows.CertificateRow<boolean>;
const { toParticipant, toParticipantStatusChange } = registryRows;
const { toStructure, toCertificate, toRepository, toSystem, toBinding } = registryRows.registryRowMappers((v: boolean) => v);

const s = {
  // status only on insert: after seeding, administrators govern it (see domain/registry.ts seedStatus)
  participantUpsert: stmt<[string, string, string, string, string, string | null, string | null, string, string]>(
    `INSERT INTO participants (id, cnpj, nome, esfera, sigla, uf, ibge, status, status_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET cnpj = excluded.cnpj, nome = excluded.nome, esfera = excluded.esfera, sigla = excluded.sigla,
       uf = excluded.uf, ibge = excluded.ibge
     WHERE (participants.cnpj, participants.nome, participants.esfera, participants.sigla, participants.uf, participants.ibge)
       IS DISTINCT FROM (excluded.cnpj, excluded.nome, excluded.esfera, excluded.sigla, excluded.uf, excluded.ibge)`,
  ),
  participant: stmt<[string], ParticipantRow>('SELECT * FROM participants WHERE id = $1'),
  participantForUpdate: stmt<[string], ParticipantRow>('SELECT * FROM participants WHERE id = $1 FOR UPDATE'),
  participantByCnpj: stmt<[string], ParticipantRow>('SELECT * FROM participants WHERE cnpj = $1'),
  participantHistory: stmt<[string], registryRows.ParticipantStatusChangeRow>('SELECT * FROM participant_status_changes WHERE participant_id = $1 ORDER BY seq'),
  insertParticipant: stmt<[string, string, string, string, string, string, string | null, string | null, string, string, string, string]>(
    `INSERT INTO participants (id, cnpj, nome, sigla, esfera, poder, uf, ibge, contatos_json, status, status_reason, status_changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
  ),
  moveParticipant: stmt<[string, string, string, string, string[]]>(
    'UPDATE participants SET status = $1, status_reason = $2, status_changed_at = $3 WHERE id = $4 AND status = ANY($5)',
  ),
  insertStatusChange: stmt<[string, string | null, string, string, string, string]>(
    'INSERT INTO participant_status_changes (participant_id, from_status, to_status, at, actor, reason) VALUES ($1, $2, $3, $4, $5, $6)',
  ),
  directoryVersion: stmt<[], { v: string }>('SELECT COALESCE((SELECT v FROM directory_version), 0) AS v'),
  identityVersion: stmt<[], { v: string }>('SELECT COALESCE((SELECT v FROM identity_version), 0) AS v'),
  /** Every ancestor of each structure, nearest first, in one round trip (depth bounded: a cycle never loops). */
  ancestors: stmt<[number, string[]], StructureRow & { start: string; depth: number }>(
    `WITH RECURSIVE anc(start, numero, depth) AS (
       SELECT s.numero, s.parent_numero, 1 FROM structures s WHERE s.repository_id = $1 AND s.numero = ANY($2) AND s.parent_numero IS NOT NULL
       UNION ALL
       SELECT anc.start, p.parent_numero, anc.depth + 1 FROM anc JOIN structures p ON p.repository_id = $1 AND p.numero = anc.numero
       WHERE p.parent_numero IS NOT NULL AND anc.depth < 64)
     SELECT p.*, anc.start, anc.depth FROM anc JOIN structures p ON p.repository_id = $1 AND p.numero = anc.numero ORDER BY anc.start, anc.depth`,
  ),
  structureOwners: stmt<[number], { numero: string; participant_id: string | null }>('SELECT numero, participant_id FROM structures WHERE repository_id = $1'),
  participantStructures: stmt<[number, string], StructureRow>(
    'SELECT * FROM structures WHERE repository_id = $1 AND participant_id = $2 ORDER BY length(numero), numero',
  ),
  importVersion: stmt<[number, string], { v: number | null }>('SELECT max(version) AS v FROM structure_imports WHERE repository_id = $1 AND participant_id = $2'),
  structureImports: stmt<[number, string], registryRows.StructureImportRow>(
    'SELECT * FROM structure_imports WHERE repository_id = $1 AND participant_id = $2 ORDER BY version',
  ),
  importLock: stmt<[string]>("SELECT pg_advisory_xact_lock(hashtextextended('elo.estruturas:' || $1, 0))"),
  insertImport: stmt<[number, string, number, string, string, string, string, number, number, number]>(
    `INSERT INTO structure_imports (repository_id, participant_id, version, effective_at, at, actor, file_sha256, created, updated, deactivated)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  ),
  insertRepository: stmt<[number, string, string]>('INSERT INTO repositories (id, nome, ativo, participant_id) VALUES ($1, $2, TRUE, $3) ON CONFLICT DO NOTHING'),
  /** A batch of units as parallel arrays (one round trip for thousands of rows). */
  importUpsert: stmt<[number, string, string[], string[], string[], boolean[], (string | null)[], boolean[], boolean[], boolean[], string[], string[], (string | null)[]]>(
    `INSERT INTO structures (repository_id, participant_id, numero, nome, sigla, ativo, parent_numero, unidade_receptora, apto_receber, apto_enviar,
       codigo_no_orgao, codigo_unidade_receptora, successor_numero)
     SELECT $1::bigint, $2::text, * FROM unnest($3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::boolean[], $9::boolean[], $10::boolean[],
       $11::text[], $12::text[], $13::text[])
     ON CONFLICT (repository_id, numero) DO UPDATE SET nome = excluded.nome, sigla = excluded.sigla, ativo = excluded.ativo,
       parent_numero = excluded.parent_numero, unidade_receptora = excluded.unidade_receptora, apto_receber = excluded.apto_receber,
       apto_enviar = excluded.apto_enviar, codigo_no_orgao = excluded.codigo_no_orgao, codigo_unidade_receptora = excluded.codigo_unidade_receptora,
       successor_numero = excluded.successor_numero
     WHERE structures.participant_id IS NOT DISTINCT FROM excluded.participant_id`,
  ),
  deactivateStructures: stmt<[number, string, string[]]>('UPDATE structures SET ativo = FALSE WHERE repository_id = $1 AND participant_id = $2 AND numero = ANY($3)'),
  insertSystem: stmt<[string, string, string, boolean]>('INSERT INTO systems (id, nome, participant_id, ativo) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING'),
  insertBinding: stmt<[string, number, string, boolean, boolean, boolean]>(
    'INSERT INTO system_bindings (system_id, repository_id, numero, subtree, sends, receives) VALUES ($1, $2, $3, $4, $5, $6)',
  ),
  repositoryUpsert: stmt<[number, string, boolean, string | null]>(
    `INSERT INTO repositories (id, nome, ativo, participant_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET nome = excluded.nome, ativo = excluded.ativo, participant_id = excluded.participant_id
     WHERE (repositories.nome, repositories.ativo, repositories.participant_id) IS DISTINCT FROM (excluded.nome, excluded.ativo, excluded.participant_id)`,
  ),
  structureUpsert: stmt<[number, string, string, string, boolean, string | null, boolean, boolean, boolean, string, string, string | null]>(
    `INSERT INTO structures (repository_id, numero, nome, sigla, ativo, parent_numero, unidade_receptora, apto_receber, apto_enviar, codigo_no_orgao, codigo_unidade_receptora, participant_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (repository_id, numero) DO UPDATE SET nome = excluded.nome, sigla = excluded.sigla, ativo = excluded.ativo,
       parent_numero = excluded.parent_numero, unidade_receptora = excluded.unidade_receptora, apto_receber = excluded.apto_receber,
       apto_enviar = excluded.apto_enviar, codigo_no_orgao = excluded.codigo_no_orgao, codigo_unidade_receptora = excluded.codigo_unidade_receptora,
       participant_id = excluded.participant_id
     WHERE (structures.nome, structures.sigla, structures.ativo, structures.parent_numero, structures.unidade_receptora, structures.apto_receber,
       structures.apto_enviar, structures.codigo_no_orgao, structures.codigo_unidade_receptora, structures.participant_id)
       IS DISTINCT FROM (excluded.nome, excluded.sigla, excluded.ativo, excluded.parent_numero, excluded.unidade_receptora, excluded.apto_receber,
       excluded.apto_enviar, excluded.codigo_no_orgao, excluded.codigo_unidade_receptora, excluded.participant_id)`,
  ),
  systemUpsert: stmt<[string, string, string, boolean]>(
    `INSERT INTO systems (id, nome, participant_id, ativo) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET nome = excluded.nome, participant_id = excluded.participant_id, ativo = excluded.ativo
     WHERE (systems.nome, systems.participant_id, systems.ativo) IS DISTINCT FROM (excluded.nome, excluded.participant_id, excluded.ativo)`,
  ),
  bindingInsert: stmt<[string, number, string, boolean]>(
    `INSERT INTO system_bindings (system_id, repository_id, numero, subtree) VALUES ($1, $2, $3, $4)
     ON CONFLICT (system_id, repository_id, numero) DO UPDATE SET subtree = excluded.subtree WHERE system_bindings.subtree IS DISTINCT FROM excluded.subtree`,
  ),
  bindingsOf: stmt<[string], { repository_id: number; numero: string }>('SELECT repository_id, numero FROM system_bindings WHERE system_id = $1'),
  dropBinding: stmt<[string, number, string]>('DELETE FROM system_bindings WHERE system_id = $1 AND repository_id = $2 AND numero = $3'),
  participants: stmt<[], ParticipantRow>('SELECT * FROM participants ORDER BY id'),
  repositories: stmt<[], RepositoryRow>('SELECT * FROM repositories ORDER BY id'),
  repository: stmt<[number], RepositoryRow>('SELECT * FROM repositories WHERE id = $1'),
  structure: stmt<[number, string], StructureRow>('SELECT * FROM structures WHERE repository_id = $1 AND numero = $2'),
  structures: stmt<[number], StructureRow>('SELECT * FROM structures WHERE repository_id = $1 ORDER BY length(numero), numero'),
  systems: stmt<[], SystemRow>('SELECT * FROM systems ORDER BY id'),
  system: stmt<[string], SystemRow>('SELECT * FROM systems WHERE id = $1'),
  bindingsBySystem: stmt<[string], BindingRow>('SELECT * FROM system_bindings WHERE system_id = $1 ORDER BY repository_id, numero'),
  bindings: stmt<[], BindingRow>('SELECT * FROM system_bindings ORDER BY system_id, repository_id, numero'),
  certificate: stmt<[string], CertificateRow>('SELECT * FROM system_certificates WHERE fingerprint256 = $1'),
  certificatesBySystem: stmt<[string], CertificateRow>('SELECT * FROM system_certificates WHERE system_id = $1 ORDER BY added_at'),
  certificates: stmt<[], CertificateRow>('SELECT * FROM system_certificates ORDER BY system_id, added_at'),
  addCertificate: stmt<[string, string, string, string, string, string, string, string, string, string | null]>(
    `INSERT INTO system_certificates (fingerprint256, system_id, subject, serial, not_before, not_after, pem, status, added_at, revoked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
  ),
  revoke: stmt<[string, string]>(`UPDATE system_certificates SET status = 'revoked', revoked_at = $1 WHERE fingerprint256 = $2 AND status = 'active'`),
};

/**
 * Directory search: pg_trgm indexes over elo_fold (lower + unaccent) of nome and sigla answer
 * substrings of three characters or more; shorter ones are compared the same way without the
 * index; a subtree through the parent index; units in the order they were first stored (seq).
 */
const searches = new Map<string, ReturnType<typeof stmt<unknown[], StructureRow>>>();
function searchStatements(q: StructureSearch) {
  const params: unknown[] = [q.repositoryId];
  const where: string[] = ['s.repository_id = $1'];
  for (const f of textFilters(q)) where.push(`elo_fold(s.${f.column}) LIKE elo_fold($${params.push(containsPattern(f.term))})`);
  if (q.apenasAtivas) where.push('s.ativo');
  if (q.permiteRecebimento) where.push('s.apto_receber');
  if (q.permiteEnvio) where.push('s.apto_enviar');
  if (q.participantStatuses)
    where.push(`(s.participant_id IS NULL OR s.participant_id IN (SELECT id FROM participants WHERE status = ANY($${params.push([...q.participantStatuses])}::text[])))`);
  if (q.root)
    where.push(
      `s.numero IN (WITH RECURSIVE sub(n) AS (SELECT $${params.push(q.root)}::text COLLATE "C" UNION SELECT c.numero FROM structures c JOIN sub ON c.repository_id = $1 AND c.parent_numero = sub.n) SELECT n FROM sub)`,
    );
  const body = `FROM structures s WHERE ${where.join(' AND ')}`;
  const named = (text: string) => {
    let st = searches.get(text);
    if (!st) searches.set(text, (st = stmt<unknown[], StructureRow>(text)));
    return st;
  };
  const n = params.length;
  return {
    page: named(`SELECT s.* ${body} ORDER BY s.seq LIMIT $${n + 1} OFFSET $${n + 2}`),
    count: named(`SELECT count(*) AS n FROM (SELECT 1 ${body} LIMIT $${n + 1}) x`) as unknown as ReturnType<typeof stmt<unknown[], { n: number }>>,
    params,
  };
}

export function postgresRegistry(pool: pg.Pool): RegistryReader & RegistryWriter {
  return {
    async listParticipants() {
      return (await rows(pool, s.participants)).map(toParticipant);
    },
    async listRepositories() {
      return (await rows(pool, s.repositories)).map(toRepository);
    },
    async getRepository(id) {
      const r = await one(pool, s.repository, id);
      return r ? toRepository(r) : null;
    },
    async getStructure(repositoryId, numero) {
      const r = await one(pool, s.structure, repositoryId, numero);
      return r ? toStructure(r) : null;
    },
    async listStructures(repositoryId) {
      // Stable order across pages (spec §2.3): by numeric id.
      return (await rows(pool, s.structures, repositoryId)).map(toStructure);
    },
    async listSystems() {
      return (await rows(pool, s.systems)).map(toSystem);
    },
    async getSystem(id) {
      const r = await one(pool, s.system, id);
      return r ? toSystem(r) : null;
    },
    async listBindings(systemId) {
      return (systemId ? await rows(pool, s.bindingsBySystem, systemId) : await rows(pool, s.bindings)).map(toBinding);
    },
    async getCertificate(fp) {
      const r = await one(pool, s.certificate, fp);
      return r ? toCertificate(r) : null;
    },
    async listCertificates(systemId) {
      return (systemId ? await rows(pool, s.certificatesBySystem, systemId) : await rows(pool, s.certificates)).map(toCertificate);
    },
    async applySeed(seed: FederationSeed, at: string): Promise<SeedSummary> {
      return tx(pool, async (c) => {
        let changed = 0;
        for (const p of seed.participantes)
          changed += await run(c, s.participantUpsert, p.id, p.cnpj, p.nome, p.esfera, p.sigla ?? '', p.uf ?? null, p.ibge ?? null, seedStatus(p), at);
        for (const r of seed.repositorios) changed += await run(c, s.repositoryUpsert, r.id, r.nome, r.ativo, r.participante);
        for (const e of seed.estruturas)
          changed += await run(
            c,
            s.structureUpsert,
            e.repositorio,
            e.numero,
            e.nome,
            e.sigla,
            e.ativo,
            e.pai,
            e.unidadeReceptora,
            e.aptoParaReceberTramites,
            e.aptoParaEnviarTramites,
            e.codigoNoOrgaoEntidade,
            e.codigoUnidadeReceptora,
            seed.repositorios.find((r) => r.id === e.repositorio)?.participante ?? null,
          );
        for (const sys of seed.sistemas) {
          changed += await run(c, s.systemUpsert, sys.id, sys.nome, sys.participante, sys.ativo);
          for (const x of sys.estruturas) changed += await run(c, s.bindingInsert, sys.id, x.repositorio, x.numero, x.subarvore);
          // The seed is declarative: a binding it no longer lists is withdrawn.
          const listed = new Set(sys.estruturas.map((x) => `${x.repositorio}/${x.numero}`));
          for (const old of await rows(c, s.bindingsOf, sys.id))
            if (!listed.has(`${old.repository_id}/${old.numero}`)) changed += await run(c, s.dropBinding, sys.id, old.repository_id, old.numero);
        }
        return {
          participantes: seed.participantes.length,
          repositorios: seed.repositorios.length,
          estruturas: seed.estruturas.length,
          sistemas: seed.sistemas.length,
          changed,
        };
      });
    },
    async addCertificate(c) {
      await run(pool, s.addCertificate, c.fingerprint256, c.systemId, c.subject, c.serial, c.notBefore, c.notAfter, c.pem, c.status, c.addedAt, c.revokedAt);
    },
    async revokeCertificate(fp, at) {
      return (await run(pool, s.revoke, at, fp)) === 1;
    },
    async getParticipant(id) {
      const r = await one(pool, s.participant, id);
      return r ? toParticipant(r) : null;
    },
    async findParticipantByCnpj(cnpj) {
      const r = await one(pool, s.participantByCnpj, cnpj);
      return r ? toParticipant(r) : null;
    },
    async participantHistory(id) {
      return (await rows(pool, s.participantHistory, id)).map(toParticipantStatusChange);
    },
    async addParticipant(p, change, audit) {
      return tx(pool, async (c) => {
        const inserted = await run(
          c,
          s.insertParticipant,
          p.id,
          p.cnpj,
          p.nome,
          p.sigla,
          p.esfera,
          p.poder,
          p.uf,
          p.ibge,
          JSON.stringify(p.contatos),
          p.status,
          p.statusReason,
          p.statusChangedAt,
        );
        if (inserted !== 1) {
          // another registration of the same id or CNPJ won (the unique indexes decide, on any node)
          const byId = await one(c, s.participant, p.id);
          if (byId) return { ok: false as const, reason: 'id_taken' as const, existing: toParticipant(byId) };
          const byCnpj = await one(c, s.participantByCnpj, p.cnpj);
          return { ok: false as const, reason: 'cnpj_taken' as const, existing: toParticipant(byCnpj!) };
        }
        await run(c, s.insertStatusChange, p.id, null, p.status, p.statusChangedAt, change.actor, change.reason);
        await appendAudit(c, p.statusChangedAt, audit);
        return { ok: true as const, participant: toParticipant((await one(c, s.participant, p.id))!) };
      });
    },
    async searchStructures(q) {
      const st = searchStatements(q);
      const upTo = countLimit(q);
      const [counted, page] = await Promise.all([one(pool, st.count, ...st.params, upTo), rows(pool, st.page, ...st.params, q.limit, q.offset)]);
      const n = counted?.n ?? 0;
      return { items: page.map(toStructure), total: Math.min(n, upTo - 1), estimated: n >= upTo };
    },
    async directoryVersion() {
      return Number((await one(pool, s.directoryVersion))!.v);
    },
    async identityVersion() {
      return Number((await one(pool, s.identityVersion))!.v);
    },
    async ancestorsOf(repositoryId, numeros) {
      const out = new Map<string, Structure[]>(numeros.map((n) => [n, []]));
      if (numeros.length === 0) return out;
      const found = await rows(pool, s.ancestors, repositoryId, numeros);
      for (const r of found) out.get(r.start)?.push(toStructure(r));
      return out;
    },
    async structureOwners(repositoryId) {
      return new Map((await rows(pool, s.structureOwners, repositoryId)).map((r) => [r.numero, r.participant_id]));
    },
    async participantStructures(repositoryId, participantId) {
      const [structures, version] = await Promise.all([
        rows(pool, s.participantStructures, repositoryId, participantId),
        one(pool, s.importVersion, repositoryId, participantId),
      ]);
      return { structures: structures.map(toStructure), version: version?.v ?? 0 };
    },
    async structureImports(repositoryId, participantId) {
      return (await rows(pool, s.structureImports, repositoryId, participantId)).map(registryRows.toStructureImport);
    },
    async applyStructureImport(i, audit) {
      return tx(pool, async (c) => {
        // imports of one participant's tree take turns on every node
        await run(c, s.importLock, `${i.repositoryId}/${i.participantId}`);
        const current = (await one(c, s.importVersion, i.repositoryId, i.participantId))?.v ?? 0;
        if (current !== i.expectedVersion) return { ok: false as const, reason: 'version_conflict' as const, current };
        if (i.repositoryName !== null) await run(c, s.insertRepository, i.repositoryId, i.repositoryName, i.participantId);
        const BATCH = 5000;
        for (let at = 0; at < i.upserts.length; at += BATCH) {
          const b = i.upserts.slice(at, at + BATCH);
          await run(
            c,
            s.importUpsert,
            i.repositoryId,
            i.participantId,
            b.map((x) => x.numero),
            b.map((x) => x.nome),
            b.map((x) => x.sigla),
            b.map((x) => x.ativo),
            b.map((x) => x.parentNumero),
            b.map((x) => x.unidadeReceptora),
            b.map((x) => x.aptoParaReceberTramites),
            b.map((x) => x.aptoParaEnviarTramites),
            b.map((x) => x.codigoNoOrgaoEntidade),
            b.map((x) => x.codigoUnidadeReceptora),
            b.map((x) => x.successorNumero),
          );
        }
        for (let at = 0; at < i.deactivate.length; at += BATCH) await run(c, s.deactivateStructures, i.repositoryId, i.participantId, i.deactivate.slice(at, at + BATCH));
        const version = current + 1;
        await run(c, s.insertImport, i.repositoryId, i.participantId, version, i.effectiveAt, i.at, i.actor, i.fileSha256, i.created, i.updated, i.deactivated);
        await appendAudit(c, i.at, { ...audit, data: { ...audit.data, versao: version } });
        return { ok: true as const, version };
      });
    },
    async addSystem(system, bindings, at, audit) {
      return tx(pool, async (c) => {
        if ((await run(c, s.insertSystem, system.id, system.nome, system.participantId, system.ativo)) !== 1)
          return { ok: false as const, reason: 'id_taken' as const, existing: toSystem((await one(c, s.system, system.id))!) };
        for (const b of bindings) await run(c, s.insertBinding, system.id, b.repositoryId, b.numero, b.subtree, b.sends, b.receives);
        await appendAudit(c, at, audit);
        return { ok: true as const };
      });
    },
    async moveParticipant(id, from, to, change, audit) {
      return tx(pool, async (c) => {
        const before = await one(c, s.participantForUpdate, id);
        if (!before) return { ok: false as const, reason: 'not_found' as const };
        if ((await run(c, s.moveParticipant, to, change.reason, change.at, id, [...from])) !== 1)
          return { ok: false as const, reason: 'conflict' as const, current: toParticipant(before) };
        await run(c, s.insertStatusChange, id, before.status, to, change.at, change.actor, change.reason);
        await appendAudit(c, change.at, audit);
        return { ok: true as const, participant: toParticipant((await one(c, s.participant, id))!), from: toParticipant(before).status };
      });
    },
  };
}
