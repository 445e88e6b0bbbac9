import type { Participant } from '../../domain/participant.ts';
import { seedStatus, type Structure } from '../../domain/registry.ts';
import { countLimit } from '../structure-search.ts';
import type { RegistryReader, RegistryWriter, StructureSearch } from '../index.ts';
import * as registryRows from '../registry-rows.ts';
import { bool } from '../sqlite/rows.ts';
import { importRecordValues, importUpsertValues, participantInsertValues, REGISTRY_SQL as R, searchParts, wordBound } from '../sqlite/registry-sql.ts';
import { all, atomically, byName, first, run, changed, type Bindable, type D1Conn, type Queued } from './db.ts';

type ParticipantRow = registryRows.ParticipantRow;
type RepositoryRow = registryRows.RepositoryRow<number>;
type StructureRow = registryRows.StructureRow<number>;
type SystemRow = registryRows.SystemRow<number>;
type BindingRow = registryRows.BindingRow<number>;
type CertificateRow = registryRows.CertificateRow<number>;
const { toParticipant, toParticipantStatusChange } = registryRows;
/** What a writer of the registry port resolves to. */
type Out<K extends keyof RegistryWriter> = RegistryWriter[K] extends (...a: never[]) => Promise<infer T> ? T : never;

const { toStructure, toCertificate, toRepository, toSystem, toBinding } = registryRows.registryRowMappers(bool);

/** Lock keys (db.ts) of the registry's read-then-write units. */
const key = {
  /** The units of every repository and their search index: one writer at a time, as in SQLite. */
  directory: 'diretorio',
  participant: (id: string) => `participante:${id}`,
  cnpj: (cnpj: string) => `cnpj:${cnpj}`,
  system: (id: string) => `sistema:${id}`,
  import: (repositoryId: number, participantId: string) => `importacao:${repositoryId}/${participantId}`,
};

/**
 * The registry on D1, with the SQLite adapter's statements (sqlite/registry-sql.ts). Each write
 * is one batch (all or nothing); a write that reads first (an id already taken, the version an
 * import was prepared against, a participant's status) is a unit of work on the key it read
 * (db.ts), so a concurrent writer of the same key makes it decide again instead of overwriting.
 * New units enter the search index in the same batch as their rows (migration 14's bulk step),
 * under the directory key, so no two batches index the same rows.
 */
export function d1Registry(c: D1Conn): RegistryReader & RegistryWriter {
  const one = async <Row, T>(sql: string, map: (r: Row) => T, ...v: Bindable[]): Promise<T | null> => {
    const r = await first<Row>(c, sql, ...v);
    return r ? map(r) : null;
  };
  const named = (sql: string, values: Record<string, Bindable>) => [sql, ...byName(sql, values)] as const;

  /**
   * A search: FTS5 trigram for terms of three characters or more, LIKE for shorter ones, a subtree
   * through the parent index, units in the order first stored (as registry-sqlite.ts, whose
   * comments give the reasons; the count here always reads the index joined to the units).
   */
  function searchStatement(q: StructureSearch) {
    const { where, params, indexed, body } = searchParts(q);
    // one name term and the repository, nothing else: the word index may bound the count
    // (registry-sql.ts wordBound), as on the SQLite store
    const words = indexed.length > 0 && where.length === 2 ? wordBound(q) : null;
    return {
      page: () => {
        const sql = `SELECT s.* ${body} ORDER BY ${indexed.length ? 'f.rowid' : 's.rowid'} LIMIT @limit OFFSET @offset`;
        return all<StructureRow>(c, sql, ...byName(sql, { ...params, limit: q.limit, offset: q.offset }));
      },
      count: async (upTo: number) => {
        const sql = `SELECT count(*) AS n FROM (SELECT 1 ${body} LIMIT @upTo)`;
        return (await first<{ n: number }>(c, sql, ...byName(sql, { ...params, upTo })))!.n;
      },
      wordsAtLeast: words
        ? async (upTo: number) => {
            const sql =
              'SELECT count(*) AS n FROM (SELECT 1 FROM structures_palavras w JOIN structures s ON s.rowid = w.rowid WHERE s.repository_id = @repositoryId AND structures_palavras MATCH @words LIMIT @upTo)';
            return (await first<{ n: number }>(c, sql, ...byName(sql, { repositoryId: q.repositoryId, words, upTo })))!.n;
          }
        : null,
    };
  }

  return {
    async listParticipants() {
      return (await all<ParticipantRow>(c, R.participants)).map(toParticipant);
    },
    async listRepositories() {
      return (await all<RepositoryRow>(c, R.repositories)).map(toRepository);
    },
    getRepository: (id) => one(R.repository, toRepository, id),
    getStructure: (repositoryId, numero) => one(R.structure, toStructure, repositoryId, numero),
    async listStructures(repositoryId) {
      // Stable order across pages (spec §2.3): by numeric id.
      return (await all<StructureRow>(c, R.structures, repositoryId)).map(toStructure);
    },
    async listSystems() {
      return (await all<SystemRow>(c, R.systems)).map(toSystem);
    },
    getSystem: (id) => one(R.system, toSystem, id),
    async listBindings(systemId) {
      return (systemId ? await all<BindingRow>(c, R.bindingsBySystem, systemId) : await all<BindingRow>(c, R.bindings)).map(toBinding);
    },
    getCertificate: (fp) => one(R.certificate, toCertificate, fp),
    async listCertificates(systemId) {
      return (systemId ? await all<CertificateRow>(c, R.certificatesBySystem, systemId) : await all<CertificateRow>(c, R.certificates)).map(toCertificate);
    },
    getParticipant: (id) => one(R.participant, toParticipant, id),
    findParticipantByCnpj: (cnpj) => one(R.participantByCnpj, toParticipant, cnpj),
    async participantHistory(id) {
      return (await all<registryRows.ParticipantStatusChangeRow>(c, R.participantHistory, id)).map(toParticipantStatusChange);
    },
    async applySeed(seed, at) {
      return atomically<Out<'applySeed'>>(c, async (w) => {
        await w.lock(key.directory);
        // each upsert counts only when it changed its row: its own RETURNING tells (db.ts `changed`)
        const changes: Queued<unknown>[] = [];
        const write = (sql: string, values: Record<string, Bindable>) => changes.push(w.write(`${sql} RETURNING 1`, ...byName(sql, values)));
        const ownerOf = new Map(seed.repositorios.map((r) => [r.id, r.participante]));
        const indexedUpTo = (await w.first<{ r: number | null }>(R.lastStructureRowid))?.r ?? 0;
        for (const p of seed.participantes)
          write(R.participantUpsert, { id: p.id, cnpj: p.cnpj, nome: p.nome, esfera: p.esfera, sigla: p.sigla ?? '', uf: p.uf ?? null, ibge: p.ibge ?? null, status: seedStatus(p), at });
        for (const r of seed.repositorios) write(R.repositoryUpsert, { id: r.id, nome: r.nome, ativo: r.ativo, participant_id: r.participante });
        for (const e of seed.estruturas)
          write(R.structureUpsert, {
            repository_id: e.repositorio,
            numero: e.numero,
            nome: e.nome,
            sigla: e.sigla,
            ativo: e.ativo,
            parent_numero: e.pai,
            unidade_receptora: e.unidadeReceptora,
            apto_receber: e.aptoParaReceberTramites,
            apto_enviar: e.aptoParaEnviarTramites,
            codigo_no_orgao: e.codigoNoOrgaoEntidade,
            codigo_unidade_receptora: e.codigoUnidadeReceptora,
            participant_id: ownerOf.get(e.repositorio) ?? null,
          });
        w.write(R.indexNewStructures, indexedUpTo);
        w.write(R.indexNewStructureWords, indexedUpTo);
        for (const s of seed.sistemas) {
          write(R.systemUpsert, { id: s.id, nome: s.nome, participant_id: s.participante, ativo: s.ativo });
          for (const x of s.estruturas) write(R.bindingInsert, { system_id: s.id, repository_id: x.repositorio, numero: x.numero, subtree: x.subarvore });
          // The seed is declarative: a binding it no longer lists is withdrawn.
          const listed = new Set(s.estruturas.map((x) => `${x.repositorio}/${x.numero}`));
          for (const old of await w.all<{ repository_id: number; numero: string }>(R.bindingsOf, s.id))
            if (!listed.has(`${old.repository_id}/${old.numero}`)) changes.push(w.write(`${R.dropBinding} RETURNING 1`, s.id, old.repository_id, old.numero));
        }
        return () => ({
          participantes: seed.participantes.length,
          repositorios: seed.repositorios.length,
          estruturas: seed.estruturas.length,
          sistemas: seed.sistemas.length,
          changed: changes.reduce((n, q) => n + q.rows.length, 0),
        });
      });
    },
    async addParticipant(p: Participant, change, audit) {
      return atomically<Out<'addParticipant'>>(c, async (w) => {
        await w.lock(key.participant(p.id), key.cnpj(p.cnpj));
        const taken = await w.first<ParticipantRow>(R.participant, p.id);
        if (taken) return () => ({ ok: false as const, reason: 'id_taken' as const, existing: toParticipant(taken) });
        const sameCnpj = await w.first<ParticipantRow>(R.participantByCnpj, p.cnpj);
        if (sameCnpj) return () => ({ ok: false as const, reason: 'cnpj_taken' as const, existing: toParticipant(sameCnpj) });
        w.write(...named(R.insertParticipant, participantInsertValues(p)));
        w.write(R.insertStatusChange, p.id, null, p.status, p.statusChangedAt, change.actor, change.reason);
        w.audit(p.statusChangedAt, audit);
        const after = w.write<ParticipantRow>(R.participant, p.id);
        return () => ({ ok: true as const, participant: toParticipant(after.rows[0]!) });
      });
    },
    async searchStructures(q) {
      const st = searchStatement(q);
      const page = await st.page();
      // a page that ends before its limit counts itself: the second pass is for full pages only
      if (page.length < q.limit && (page.length > 0 || q.offset === 0)) return { items: page.map(toStructure), total: q.offset + page.length, estimated: false };
      const upTo = countLimit(q);
      // a broad name: words that are the term or begin with it bound the count from below
      if (st.wordsAtLeast && (await st.wordsAtLeast(upTo)) >= upTo) return { items: page.map(toStructure), total: upTo - 1, estimated: true };
      const n = await st.count(upTo);
      return { items: page.map(toStructure), total: Math.min(n, upTo - 1), estimated: n >= upTo };
    },
    async directoryVersion() {
      return (await first<{ v: number }>(c, R.directoryVersion))!.v;
    },
    async identityVersion() {
      return (await first<{ v: number }>(c, R.identityVersion))!.v;
    },
    async ancestorsOf(repositoryId, numeros) {
      // a page's units mostly share their ancestors: each unit is read once per call
      const known = new Map<string, Promise<StructureRow | null>>();
      const read = (numero: string) => {
        if (!known.has(numero)) known.set(numero, first<StructureRow>(c, R.structure, repositoryId, numero));
        return known.get(numero)!;
      };
      const out = new Map<string, Structure[]>();
      for (const numero of numeros) {
        const chain: Structure[] = [];
        const seen = new Set([numero]);
        let parent = (await read(numero))?.parent_numero ?? null;
        while (parent && !seen.has(parent)) {
          const p = await read(parent);
          if (!p) break;
          chain.push(toStructure(p));
          seen.add(parent);
          parent = p.parent_numero;
        }
        out.set(numero, chain);
      }
      return out;
    },
    async structureOwners(repositoryId) {
      return new Map((await all<{ numero: string; participant_id: string | null }>(c, R.structureOwners, repositoryId)).map((r) => [r.numero, r.participant_id]));
    },
    async participantStructures(repositoryId, participantId) {
      return {
        structures: (await all<StructureRow>(c, R.participantStructures, repositoryId, participantId)).map(toStructure),
        version: (await first<{ v: number | null }>(c, R.importVersion, repositoryId, participantId))?.v ?? 0,
      };
    },
    async structureImports(repositoryId, participantId) {
      return (await all<registryRows.StructureImportRow>(c, R.structureImports, repositoryId, participantId)).map(registryRows.toStructureImport);
    },
    async applyStructureImport(i, audit) {
      return atomically<Out<'applyStructureImport'>>(c, async (w) => {
        await w.lock(key.import(i.repositoryId, i.participantId), key.directory);
        const current = (await w.first<{ v: number | null }>(R.importVersion, i.repositoryId, i.participantId))?.v ?? 0;
        if (current !== i.expectedVersion) return () => ({ ok: false as const, reason: 'version_conflict' as const, current });
        if (i.repositoryName !== null) w.write(R.insertRepository, i.repositoryId, i.repositoryName, i.participantId);
        const indexedUpTo = (await w.first<{ r: number | null }>(R.lastStructureRowid))?.r ?? 0;
        for (const s of i.upserts)
          w.write(...named(R.importUpsert, importUpsertValues(s, i.participantId)));
        w.write(R.indexNewStructures, indexedUpTo);
        w.write(R.indexNewStructureWords, indexedUpTo);
        for (const numero of i.deactivate) w.write(R.deactivateStructure, i.repositoryId, numero, i.participantId);
        const version = current + 1;
        w.write(...named(R.insertImport, importRecordValues(i, version)));
        w.audit(i.at, { ...audit, data: { ...audit.data, versao: version } });
        return () => ({ ok: true as const, version });
      });
    },
    async addSystem(system, bindings, at, audit) {
      return atomically<Out<'addSystem'>>(c, async (w) => {
        await w.lock(key.system(system.id));
        const taken = await w.first<SystemRow>(R.system, system.id);
        if (taken) return () => ({ ok: false as const, reason: 'id_taken' as const, existing: toSystem(taken) });
        w.write(R.insertSystem, system.id, system.nome, system.participantId, system.ativo);
        for (const b of bindings) w.write(R.insertBinding, system.id, b.repositoryId, b.numero, b.subtree, b.sends, b.receives);
        w.audit(at, audit);
        return () => ({ ok: true as const });
      });
    },
    async moveParticipant(id, from, to, change, audit) {
      return atomically<Out<'moveParticipant'>>(c, async (w) => {
        await w.lock(key.participant(id));
        const before = await w.first<ParticipantRow>(R.participant, id);
        if (!before) return () => ({ ok: false as const, reason: 'not_found' as const });
        if (!(from as readonly string[]).includes(before.status)) return () => ({ ok: false as const, reason: 'conflict' as const, current: toParticipant(before) });
        w.writeOne(R.moveParticipant, to, change.reason, change.at, id, JSON.stringify(from));
        w.write(R.insertStatusChange, id, before.status, to, change.at, change.actor, change.reason);
        w.audit(change.at, audit);
        const after = w.write<ParticipantRow>(R.participant, id);
        return () => ({ ok: true as const, participant: toParticipant(after.rows[0]!), from: toParticipant(before).status });
      });
    },
    async addCertificate(x) {
      await run(c, R.addCertificate, x.fingerprint256, x.systemId, x.subject, x.serial, x.notBefore, x.notAfter, x.pem, x.status, x.addedAt, x.revokedAt);
    },
    async revokeCertificate(fp, at) {
      return (await changed(c, R.revoke, at, fp)) === 1;
    },
  };
}
