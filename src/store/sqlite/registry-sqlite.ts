import type { Participant } from '../../domain/participant.ts';
import { seedStatus, type FederationSeed, type Structure, type System, type SystemBinding } from '../../domain/registry.ts';
import { countLimit } from '../structure-search.ts';
import type { AuditEntry, RegistryReader, RegistryWriter, SeedSummary, StructureImport, StructureSearch } from '../index.ts';
import type { Db } from './open.ts';
import * as registryRows from '../registry-rows.ts';
import { bool } from './rows.ts';
import { auditAppender } from './audit.ts';
import { importRecordValues, importUpsertValues, participantInsertValues, REGISTRY_SQL, searchParts, wordBound } from './registry-sql.ts';

type ParticipantRow = registryRows.ParticipantRow;
type RepositoryRow = registryRows.RepositoryRow<number>;
type StructureRow = registryRows.StructureRow<number>;
type SystemRow = registryRows.SystemRow<number>;
type BindingRow = registryRows.BindingRow<number>;
type CertificateRow = registryRows.CertificateRow<number>;
const { toParticipant, toParticipantStatusChange } = registryRows;
const { toStructure, toCertificate, toRepository, toSystem, toBinding } = registryRows.registryRowMappers(bool);

/** Units added by one write from which the search index is merged afterwards (optimizeSearchIndex). */
const BULK_INDEXED = 10_000;

/** The columns of a search page, in the order `structureRowOf` reads them. */
const PAGE_COLUMNS =
  's.repository_id, s.numero, s.nome, s.sigla, s.ativo, s.parent_numero, s.unidade_receptora, s.apto_receber, s.apto_enviar, s.codigo_no_orgao, s.codigo_unidade_receptora, s.participant_id, s.successor_numero';
type StructureColumns = [number, string, string, string, number, string | null, number, number, number, string, string, string | null, string | null];
const structureRowOf = (c: StructureColumns): StructureRow => ({
  repository_id: c[0],
  numero: c[1],
  nome: c[2],
  sigla: c[3],
  ativo: c[4],
  parent_numero: c[5],
  unidade_receptora: c[6],
  apto_receber: c[7],
  apto_enviar: c[8],
  codigo_no_orgao: c[9],
  codigo_unidade_receptora: c[10],
  participant_id: c[11],
  successor_numero: c[12],
});

export function sqliteRegistry(db: Db): RegistryReader & RegistryWriter {
  const participantUpsert = db.prepare(REGISTRY_SQL.participantUpsert);
  const repositoryUpsert = db.prepare(REGISTRY_SQL.repositoryUpsert);
  const structureUpsert = db.prepare(REGISTRY_SQL.structureUpsert);
  const systemUpsert = db.prepare(REGISTRY_SQL.systemUpsert);
  const bindingInsert = db.prepare(REGISTRY_SQL.bindingInsert);

  const q = {
    bindingsOf: db.prepare<[string], { repository_id: number; numero: string }>(REGISTRY_SQL.bindingsOf),
    dropBinding: db.prepare<[string, number, string]>(REGISTRY_SQL.dropBinding),
    participants: db.prepare<[], ParticipantRow>(REGISTRY_SQL.participants),
    repositories: db.prepare<[], RepositoryRow>(REGISTRY_SQL.repositories),
    repository: db.prepare<[number], RepositoryRow>(REGISTRY_SQL.repository),
    structure: db.prepare<[number, string], StructureRow>(REGISTRY_SQL.structure),
    structures: db.prepare<[number], StructureRow>(REGISTRY_SQL.structures),
    systems: db.prepare<[], SystemRow>(REGISTRY_SQL.systems),
    system: db.prepare<[string], SystemRow>(REGISTRY_SQL.system),
    bindingsBySystem: db.prepare<[string], BindingRow>(REGISTRY_SQL.bindingsBySystem),
    bindings: db.prepare<[], BindingRow>(REGISTRY_SQL.bindings),
    certificate: db.prepare<[string], CertificateRow>(REGISTRY_SQL.certificate),
    certificatesBySystem: db.prepare<[string], CertificateRow>(REGISTRY_SQL.certificatesBySystem),
    certificates: db.prepare<[], CertificateRow>(REGISTRY_SQL.certificates),
    addCertificate: db.prepare<[string, string, string, string, string, string, string, string, string, string | null]>(REGISTRY_SQL.addCertificate),
    participant: db.prepare<[string], ParticipantRow>(REGISTRY_SQL.participant),
    participantByCnpj: db.prepare<[string], ParticipantRow>(REGISTRY_SQL.participantByCnpj),
    participantHistory: db.prepare<[string], registryRows.ParticipantStatusChangeRow>(REGISTRY_SQL.participantHistory),
    insertParticipant: db.prepare(REGISTRY_SQL.insertParticipant),
    moveParticipant: db.prepare<[string, string, string, string, string]>(REGISTRY_SQL.moveParticipant),
    insertStatusChange: db.prepare<[string, string | null, string, string, string, string]>(REGISTRY_SQL.insertStatusChange),
    structureOwners: db.prepare<[number], { numero: string; participant_id: string | null }>(REGISTRY_SQL.structureOwners),
    participantStructures: db.prepare<[number, string], StructureRow>(REGISTRY_SQL.participantStructures),
    importVersion: db.prepare<[number, string], { v: number | null }>(REGISTRY_SQL.importVersion),
    structureImports: db.prepare<[number, string], registryRows.StructureImportRow>(REGISTRY_SQL.structureImports),
    insertImport: db.prepare(REGISTRY_SQL.insertImport),
    insertRepository: db.prepare<[number, string, string]>(REGISTRY_SQL.insertRepository),
    importUpsert: db.prepare(REGISTRY_SQL.importUpsert),
    lastStructureRowid: db.prepare<[], { r: number | null }>(REGISTRY_SQL.lastStructureRowid),
    directoryVersion: db.prepare<[], { v: number }>(REGISTRY_SQL.directoryVersion),
    identityVersion: db.prepare<[], { v: number }>(REGISTRY_SQL.identityVersion),
    unitsOutsideRepository: db.prepare<[number, number, number], number>(REGISTRY_SQL.unitsOutsideRepository).pluck(),
    indexNewStructures: db.prepare<[number]>(REGISTRY_SQL.indexNewStructures),
    indexNewStructureWords: db.prepare<[number]>(REGISTRY_SQL.indexNewStructureWords),
    optimizeSearchIndex: db.prepare(REGISTRY_SQL.optimizeSearchIndex),
    optimizeWordIndex: db.prepare(REGISTRY_SQL.optimizeWordIndex),
    deactivateStructure: db.prepare<[number, string, string]>(REGISTRY_SQL.deactivateStructure),
    insertSystem: db.prepare<[string, string, string, number]>(REGISTRY_SQL.insertSystem),
    insertBinding: db.prepare<[string, number, string, number, number, number]>(REGISTRY_SQL.insertBinding),
    revoke: db.prepare<[string, string]>(REGISTRY_SQL.revoke),
  };

  const applySeed = db.transaction((seed: FederationSeed, at: string): SeedSummary => {
    let changed = 0;
    const b = (v: boolean) => (v ? 1 : 0);
    const ownerOf = new Map(seed.repositorios.map((r) => [r.id, r.participante]));
    const indexedUpTo = q.lastStructureRowid.get()?.r ?? 0;
    for (const p of seed.participantes)
      changed += participantUpsert.run({
        id: p.id,
        cnpj: p.cnpj,
        nome: p.nome,
        esfera: p.esfera,
        sigla: p.sigla ?? '',
        uf: p.uf ?? null,
        ibge: p.ibge ?? null,
        status: seedStatus(p),
        at,
      }).changes;
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
        participant_id: ownerOf.get(e.repositorio) ?? null,
      }).changes;
    q.indexNewStructures.run(indexedUpTo);
    q.indexNewStructureWords.run(indexedUpTo);
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

  const audited = auditAppender(db);

  /**
   * Directory search: FTS5 trigram (case and accents ignored) for terms of three characters or
   * more, LIKE for shorter ones; a subtree through the parent index; units in the order they
   * were first stored (rowid), so FTS results need no sort and a page stops early.
   */
  const searches = new Map<string, ReturnType<typeof db.prepare>>();
  /**
   * The units stored outside `repositoryId` (their rowids), as of the directory version they
   * were read at, or null when there are more than OTHERS_COUNTED. A federation's directory is
   * usually one national repository beside a few small ones: then a count over the search index
   * alone, less the matches among those few, needs no unit row per match to test the repository
   * (a count reads up to 1,001 matches: 0.56 ms with the join against 0.19 ms without, on
   * 1,000,000 units here).
   */
  const OTHERS_COUNTED = 1000;
  let outside: { version: number; byRepository: Map<number, Set<number> | null> } | null = null;
  const unitsOutside = (repositoryId: number): Set<number> | null => {
    const version = q.directoryVersion.get()!.v;
    if (outside?.version !== version) outside = { version, byRepository: new Map() };
    let set = outside.byRepository.get(repositoryId);
    if (set === undefined) {
      const rows = q.unitsOutsideRepository.all(repositoryId, repositoryId, OTHERS_COUNTED + 1);
      set = rows.length > OTHERS_COUNTED ? null : new Set(rows);
      outside.byRepository.set(repositoryId, set);
    }
    return set;
  };
  function searchStatement(q: StructureSearch) {
    const { where, params, indexed, body } = searchParts(q);
    // the repository is the only condition besides the index's own: counted on the index alone,
    // less the matches among the few units of other repositories (unitsOutside)
    const others = indexed.length > 0 && where.length === 2 ? unitsOutside(q.repositoryId) : null;
    const get = (sql: string) => {
      let st = searches.get(sql);
      if (!st) searches.set(sql, (st = db.prepare(sql)));
      return st;
    };
    /**
     * Matches of `sql` (rowids, at most `upTo`, from one index alone) less those of the few units
     * of other repositories: past `upTo + others.size` matches, at least `upTo` are in the
     * repository.
     */
    const countInRepository = (sql: string, match: string, upTo: number, others: Set<number>): number => {
      if (others.size === 0) return (get(`SELECT count(*) AS n FROM (${sql})`).get({ match, upTo }) as { n: number }).n;
      const rowids = get(sql).pluck().all({ match, upTo: upTo + others.size }) as number[];
      return rowids.reduce((n, r) => (others.has(r) ? n : n + 1), 0);
    };
    const words = others ? wordBound(q) : null;
    return {
      // rows as arrays, named here: better-sqlite3 builds an object per row key by key, which
      // cost a page of 50 about as much again as the index did (bench/registry.ts)
      page: () =>
        (
          get(`SELECT ${PAGE_COLUMNS} ${body} ORDER BY ${indexed.length ? 'f.rowid' : 's.rowid'} LIMIT @limit OFFSET @offset`)
            .raw()
            .all({ ...params, limit: q.limit, offset: q.offset }) as StructureColumns[]
        ).map(structureRowOf),
      count: (upTo: number): number =>
        others
          ? countInRepository('SELECT rowid FROM structures_busca WHERE structures_busca MATCH @match LIMIT @upTo', params.match as string, upTo, others)
          : (get(`SELECT count(*) AS n FROM (SELECT 1 ${body} LIMIT @upTo)`).get({ ...params, upTo }) as { n: number }).n,
      /**
       * A lower bound of the count from the word index (registry-sql.ts `wordBound`), when the
       * search is one name term the index can bound; null otherwise.
       */
      wordsAtLeast:
        others && words
          ? (upTo: number): number => countInRepository('SELECT rowid FROM structures_palavras WHERE structures_palavras MATCH @match LIMIT @upTo', words, upTo, others)
          : null,
    };
  }

  const addSystem = db.transaction((system: System, bindings: SystemBinding[], at: string, audit: AuditEntry) => {
    const taken = q.system.get(system.id);
    if (taken) return { ok: false as const, reason: 'id_taken' as const, existing: toSystem(taken) };
    q.insertSystem.run(system.id, system.nome, system.participantId, system.ativo ? 1 : 0);
    for (const b of bindings) q.insertBinding.run(system.id, b.repositoryId, b.numero, b.subtree ? 1 : 0, b.sends ? 1 : 0, b.receives ? 1 : 0);
    audited(at, audit);
    return { ok: true as const };
  });

  const applyStructureImport = db.transaction((i: StructureImport, audit: AuditEntry) => {
    const current = q.importVersion.get(i.repositoryId, i.participantId)?.v ?? 0;
    if (current !== i.expectedVersion) return { ok: false as const, reason: 'version_conflict' as const, current };
    if (i.repositoryName !== null) q.insertRepository.run(i.repositoryId, i.repositoryName, i.participantId);
    const indexedUpTo = q.lastStructureRowid.get()?.r ?? 0;
    for (const s of i.upserts)
      q.importUpsert.run(importUpsertValues(s, i.participantId));
    q.indexNewStructureWords.run(indexedUpTo);
    if (q.indexNewStructures.run(indexedUpTo).changes >= BULK_INDEXED) {
      q.optimizeSearchIndex.run();
      q.optimizeWordIndex.run();
    }
    for (const numero of i.deactivate) q.deactivateStructure.run(i.repositoryId, numero, i.participantId);
    const version = current + 1;
    q.insertImport.run(importRecordValues(i, version));
    audited(i.at, { ...audit, data: { ...audit.data, versao: version } });
    return { ok: true as const, version };
  });

  const addParticipant = db.transaction((p: Participant, change: { actor: string; reason: string }, audit: AuditEntry) => {
    const taken = q.participant.get(p.id);
    if (taken) return { ok: false as const, reason: 'id_taken' as const, existing: toParticipant(taken) };
    const sameCnpj = q.participantByCnpj.get(p.cnpj);
    if (sameCnpj) return { ok: false as const, reason: 'cnpj_taken' as const, existing: toParticipant(sameCnpj) };
    q.insertParticipant.run(participantInsertValues(p));
    q.insertStatusChange.run(p.id, null, p.status, p.statusChangedAt, change.actor, change.reason);
    audited(p.statusChangedAt, audit);
    return { ok: true as const, participant: toParticipant(q.participant.get(p.id)!) };
  });

  const moveParticipant = db.transaction(
    (id: string, from: readonly string[], to: string, change: { at: string; actor: string; reason: string }, audit: AuditEntry) => {
      const before = q.participant.get(id);
      if (!before) return { ok: false as const, reason: 'not_found' as const };
      if (q.moveParticipant.run(to, change.reason, change.at, id, JSON.stringify(from)).changes !== 1)
        return { ok: false as const, reason: 'conflict' as const, current: toParticipant(before) };
      q.insertStatusChange.run(id, before.status, to, change.at, change.actor, change.reason);
      audited(change.at, audit);
      const participant = toParticipant(q.participant.get(id)!);
      return { ok: true as const, participant, from: toParticipant(before).status };
    },
  );

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
    async applySeed(seed, at) {
      return applySeed(seed, at);
    },
    async getParticipant(id) {
      const r = q.participant.get(id);
      return r ? toParticipant(r) : null;
    },
    async findParticipantByCnpj(cnpj) {
      const r = q.participantByCnpj.get(cnpj);
      return r ? toParticipant(r) : null;
    },
    async participantHistory(id) {
      return q.participantHistory.all(id).map(toParticipantStatusChange);
    },
    async addParticipant(p, change, audit) {
      return addParticipant(p, change, audit);
    },
    async searchStructures(q) {
      const st = searchStatement(q);
      const page = st.page();
      // a page that ends before its limit counts itself: the second pass over the index is for
      // full pages only (a sigla, a rare name: most searches of one unit)
      if (page.length < q.limit && (page.length > 0 || q.offset === 0)) return { items: page.map(toStructure), total: q.offset + page.length, estimated: false };
      const upTo = countLimit(q);
      // a broad name ("saúde", "secret"): words that are the term or begin with it are matches
      // too, and their index counts them past the cap at a fraction of the trigram phrase's cost
      if (st.wordsAtLeast && st.wordsAtLeast(upTo) >= upTo) return { items: page.map(toStructure), total: upTo - 1, estimated: true };
      const n = st.count(upTo);
      return { items: page.map(toStructure), total: Math.min(n, upTo - 1), estimated: n >= upTo };
    },
    async directoryVersion() {
      return q.directoryVersion.get()!.v;
    },
    async identityVersion() {
      return q.identityVersion.get()!.v;
    },
    async ancestorsOf(repositoryId, numeros) {
      // a page's units mostly share their ancestors (the same organ, the same municipality):
      // each unit is read and mapped once per call
      const known = new Map<string, { row: StructureRow; structure: Structure } | null>();
      const read = (numero: string) => {
        if (!known.has(numero)) {
          const row = q.structure.get(repositoryId, numero);
          known.set(numero, row ? { row, structure: toStructure(row) } : null);
        }
        return known.get(numero)!;
      };
      const out = new Map<string, Structure[]>();
      for (const numero of numeros) {
        const chain: Structure[] = [];
        const seen = new Set([numero]);
        let parent = read(numero)?.row.parent_numero ?? null;
        while (parent && !seen.has(parent)) {
          const p = read(parent);
          if (!p) break;
          chain.push(p.structure);
          seen.add(parent);
          parent = p.row.parent_numero;
        }
        out.set(numero, chain);
      }
      return out;
    },
    async structureOwners(repositoryId) {
      return new Map(q.structureOwners.all(repositoryId).map((r) => [r.numero, r.participant_id]));
    },
    async participantStructures(repositoryId, participantId) {
      return {
        structures: q.participantStructures.all(repositoryId, participantId).map(toStructure),
        version: q.importVersion.get(repositoryId, participantId)?.v ?? 0,
      };
    },
    async structureImports(repositoryId, participantId) {
      return q.structureImports.all(repositoryId, participantId).map(registryRows.toStructureImport);
    },
    async applyStructureImport(i, audit) {
      return applyStructureImport(i, audit);
    },
    async addSystem(system, bindings, at, audit) {
      return addSystem(system, bindings, at, audit);
    },
    async moveParticipant(id, from, to, change, audit) {
      return moveParticipant(id, from, to, change, audit);
    },
    async addCertificate(c) {
      q.addCertificate.run(c.fingerprint256, c.systemId, c.subject, c.serial, c.notBefore, c.notAfter, c.pem, c.status, c.addedAt, c.revokedAt);
    },
    async revokeCertificate(fp, at) {
      return q.revoke.run(at, fp).changes === 1;
    },
  };
}
