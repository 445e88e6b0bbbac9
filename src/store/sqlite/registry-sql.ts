import { containsPattern, textFilters, TRIGRAM } from '../structure-search.ts';
import type { StructureImport, StructureSearch } from '../index.ts';
import type { Participant } from '../../domain/participant.ts';

/**
 * The SQL of the registry, one text for SQLite and D1 (one dialect): the SQLite adapter prepares
 * each once (registry-sqlite.ts), the D1 adapter binds the same texts (d1/registry-d1.ts).
 */
export const REGISTRY_SQL = {
  participantUpsert: `INSERT INTO participants (id, cnpj, nome, esfera, sigla, uf, ibge, status, status_changed_at)
     VALUES (@id, @cnpj, @nome, @esfera, @sigla, @uf, @ibge, @status, @at)
     ON CONFLICT(id) DO UPDATE SET cnpj = excluded.cnpj, nome = excluded.nome, esfera = excluded.esfera, sigla = excluded.sigla,
       uf = excluded.uf, ibge = excluded.ibge
     WHERE (cnpj, nome, esfera, sigla, uf, ibge) IS NOT (excluded.cnpj, excluded.nome, excluded.esfera, excluded.sigla, excluded.uf, excluded.ibge)`,
  repositoryUpsert: `INSERT INTO repositories (id, nome, ativo, participant_id) VALUES (@id, @nome, @ativo, @participant_id)
     ON CONFLICT(id) DO UPDATE SET nome = excluded.nome, ativo = excluded.ativo, participant_id = excluded.participant_id
     WHERE (nome, ativo, participant_id) IS NOT (excluded.nome, excluded.ativo, excluded.participant_id)`,
  structureUpsert: `INSERT INTO structures (repository_id, numero, nome, sigla, ativo, parent_numero, unidade_receptora, apto_receber, apto_enviar, codigo_no_orgao, codigo_unidade_receptora, participant_id)
     VALUES (@repository_id, @numero, @nome, @sigla, @ativo, @parent_numero, @unidade_receptora, @apto_receber, @apto_enviar, @codigo_no_orgao, @codigo_unidade_receptora, @participant_id)
     ON CONFLICT(repository_id, numero) DO UPDATE SET nome = excluded.nome, sigla = excluded.sigla, ativo = excluded.ativo,
       parent_numero = excluded.parent_numero, unidade_receptora = excluded.unidade_receptora, apto_receber = excluded.apto_receber,
       apto_enviar = excluded.apto_enviar, codigo_no_orgao = excluded.codigo_no_orgao, codigo_unidade_receptora = excluded.codigo_unidade_receptora,
       participant_id = excluded.participant_id
     WHERE (nome, sigla, ativo, parent_numero, unidade_receptora, apto_receber, apto_enviar, codigo_no_orgao, codigo_unidade_receptora, participant_id)
       IS NOT (excluded.nome, excluded.sigla, excluded.ativo, excluded.parent_numero, excluded.unidade_receptora, excluded.apto_receber,
       excluded.apto_enviar, excluded.codigo_no_orgao, excluded.codigo_unidade_receptora, excluded.participant_id)`,
  systemUpsert: `INSERT INTO systems (id, nome, participant_id, ativo) VALUES (@id, @nome, @participant_id, @ativo)
     ON CONFLICT(id) DO UPDATE SET nome = excluded.nome, participant_id = excluded.participant_id, ativo = excluded.ativo
     WHERE (nome, participant_id, ativo) IS NOT (excluded.nome, excluded.participant_id, excluded.ativo)`,
  bindingInsert: `INSERT INTO system_bindings (system_id, repository_id, numero, subtree) VALUES (@system_id, @repository_id, @numero, @subtree)
     ON CONFLICT(system_id, repository_id, numero) DO UPDATE SET subtree = excluded.subtree WHERE subtree IS NOT excluded.subtree`,
  bindingsOf: 'SELECT repository_id, numero FROM system_bindings WHERE system_id = ?',
  dropBinding: 'DELETE FROM system_bindings WHERE system_id = ? AND repository_id = ? AND numero = ?',
  participants: 'SELECT * FROM participants ORDER BY id',
  repositories: 'SELECT * FROM repositories ORDER BY id',
  repository: 'SELECT * FROM repositories WHERE id = ?',
  structure: 'SELECT * FROM structures WHERE repository_id = ? AND numero = ?',
  structures: 'SELECT * FROM structures WHERE repository_id = ? ORDER BY length(numero), numero',
  systems: 'SELECT * FROM systems ORDER BY id',
  system: 'SELECT * FROM systems WHERE id = ?',
  bindingsBySystem: 'SELECT * FROM system_bindings WHERE system_id = ? ORDER BY repository_id, numero',
  bindings: 'SELECT * FROM system_bindings ORDER BY system_id, repository_id, numero',
  certificate: 'SELECT * FROM system_certificates WHERE fingerprint256 = ?',
  certificatesBySystem: 'SELECT * FROM system_certificates WHERE system_id = ? ORDER BY added_at',
  certificates: 'SELECT * FROM system_certificates ORDER BY system_id, added_at',
  addCertificate: `INSERT INTO system_certificates (fingerprint256, system_id, subject, serial, not_before, not_after, pem, status, added_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  participant: 'SELECT * FROM participants WHERE id = ?',
  participantByCnpj: 'SELECT * FROM participants WHERE cnpj = ?',
  participantHistory: 'SELECT * FROM participant_status_changes WHERE participant_id = ? ORDER BY seq',
  insertParticipant: `INSERT INTO participants (id, cnpj, nome, sigla, esfera, poder, uf, ibge, contatos_json, status, status_reason, status_changed_at)
       VALUES (@id, @cnpj, @nome, @sigla, @esfera, @poder, @uf, @ibge, @contatos_json, @status, @status_reason, @status_changed_at)`,
  moveParticipant: `UPDATE participants SET status = ?, status_reason = ?, status_changed_at = ?
       WHERE id = ? AND status IN (SELECT value FROM json_each(?))`,
  insertStatusChange: 'INSERT INTO participant_status_changes (participant_id, from_status, to_status, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?)',
  structureOwners: 'SELECT numero, participant_id FROM structures WHERE repository_id = ?',
  participantStructures: 'SELECT * FROM structures WHERE repository_id = ? AND participant_id = ? ORDER BY length(numero), numero',
  importVersion: 'SELECT max(version) AS v FROM structure_imports WHERE repository_id = ? AND participant_id = ?',
  structureImports: 'SELECT * FROM structure_imports WHERE repository_id = ? AND participant_id = ? ORDER BY version',
  insertImport: `INSERT INTO structure_imports (repository_id, participant_id, version, effective_at, at, actor, file_sha256, created, updated, deactivated)
       VALUES (@repository_id, @participant_id, @version, @effective_at, @at, @actor, @file_sha256, @created, @updated, @deactivated)`,
  insertRepository: 'INSERT OR IGNORE INTO repositories (id, nome, ativo, participant_id) VALUES (?, ?, 1, ?)',
  importUpsert: `INSERT INTO structures (repository_id, numero, nome, sigla, ativo, parent_numero, unidade_receptora, apto_receber, apto_enviar,
         codigo_no_orgao, codigo_unidade_receptora, participant_id, successor_numero)
       VALUES (@repository_id, @numero, @nome, @sigla, @ativo, @parent_numero, @unidade_receptora, @apto_receber, @apto_enviar,
         @codigo_no_orgao, @codigo_unidade_receptora, @participant_id, @successor_numero)
       ON CONFLICT(repository_id, numero) DO UPDATE SET nome = excluded.nome, sigla = excluded.sigla, ativo = excluded.ativo,
         parent_numero = excluded.parent_numero, unidade_receptora = excluded.unidade_receptora, apto_receber = excluded.apto_receber,
         apto_enviar = excluded.apto_enviar, codigo_no_orgao = excluded.codigo_no_orgao, codigo_unidade_receptora = excluded.codigo_unidade_receptora,
         successor_numero = excluded.successor_numero
       WHERE structures.participant_id IS excluded.participant_id`,
  lastStructureRowid: 'SELECT max(rowid) AS r FROM structures',
  directoryVersion: 'SELECT v FROM directory_version',
  identityVersion: 'SELECT v FROM identity_version',
  /** Rowids of units of other repositories, at most `limit`: two ranges of the primary key's index, never the repository's own units. */
  unitsOutsideRepository: 'SELECT rowid FROM structures WHERE repository_id < ? UNION ALL SELECT rowid FROM structures WHERE repository_id > ? LIMIT ?',
  /** Units stored since `rowid`, added to the search index in one statement (see migration 14). */
  indexNewStructures: 'INSERT INTO structures_busca(rowid, nome, sigla) SELECT rowid, nome, sigla FROM structures WHERE rowid > ?',
  /** The same units added to the word index of names (see migration 26). */
  indexNewStructureWords: 'INSERT INTO structures_palavras(rowid, nome) SELECT rowid, nome FROM structures WHERE rowid > ?',
  /**
   * Merges the search index into one b-tree (FTS5 'optimize'): after a bulk load the index is
   * many segments, and every search reads each of them — searches of a freshly imported
   * national tree ran 1.2–4× slower (bench/registry.ts) until merged. 2 s for 1,000,000 units.
   */
  optimizeSearchIndex: `INSERT INTO structures_busca(structures_busca) VALUES ('optimize')`,
  optimizeWordIndex: `INSERT INTO structures_palavras(structures_palavras) VALUES ('optimize')`,
  deactivateStructure: 'UPDATE structures SET ativo = 0 WHERE repository_id = ? AND numero = ? AND participant_id = ?',
  insertSystem: 'INSERT INTO systems (id, nome, participant_id, ativo) VALUES (?, ?, ?, ?)',
  insertBinding: 'INSERT INTO system_bindings (system_id, repository_id, numero, subtree, sends, receives) VALUES (?, ?, ?, ?, ?, ?)',
  revoke: `UPDATE system_certificates SET status = 'revoked', revoked_at = ? WHERE fingerprint256 = ? AND status = 'active'`,
} as const;

/**
 * A directory search's FROM and WHERE, with named parameters (SQLite and D1): FTS5 trigram for
 * terms of three characters or more, LIKE for shorter ones, a subtree through the parent index.
 * `where` keeps the conditions apart so a store can tell when the repository is the only one
 * besides the index's own (registry-sqlite.ts counts on the index alone then).
 */
export function searchParts(q: StructureSearch) {
  const where: string[] = ['s.repository_id = @repositoryId'];
  const params: Record<string, string | number> = { repositoryId: q.repositoryId };
  const filters = textFilters(q);
  const indexed = filters.filter((f) => [...f.term].length >= TRIGRAM);
  let from = 'structures s';
  if (indexed.length) {
    from = 'structures_busca f JOIN structures s ON s.rowid = f.rowid';
    where.push('structures_busca MATCH @match');
    params.match = indexed.map((f) => `${f.column} : "${f.term.replace(/"/g, '""')}"`).join(' AND ');
  }
  for (const f of filters.filter((x) => !indexed.includes(x))) {
    where.push(`s.${f.column} LIKE @${f.column} ESCAPE '\\'`);
    params[f.column] = containsPattern(f.term);
  }
  if (q.apenasAtivas) where.push('s.ativo = 1');
  if (q.permiteRecebimento) where.push('s.apto_receber = 1');
  if (q.permiteEnvio) where.push('s.apto_enviar = 1');
  if (q.participantStatuses) {
    where.push('(s.participant_id IS NULL OR s.participant_id IN (SELECT id FROM participants WHERE status IN (SELECT value FROM json_each(@statuses))))');
    params.statuses = JSON.stringify(q.participantStatuses);
  }
  if (q.root) {
    where.push(`s.numero IN (WITH RECURSIVE sub(n) AS (SELECT @root UNION SELECT c.numero FROM structures c JOIN sub ON c.repository_id = @repositoryId AND c.parent_numero = sub.n) SELECT n FROM sub)`);
    params.root = q.root;
  }
  const body = `FROM ${from} WHERE ${where.join(' AND ')}`;
  return { where, params, indexed, body };
}

/** Letters of Portuguese names (Latin, with their accented forms) and digits: token characters of the word index's tokenizer in every Unicode version. */
const PLAIN_WORD = /^[0-9A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F]+$/;

/**
 * The word index's query (migration 26) that finds only matches of a search, or null when none
 * does: the search is one name term of plain letters and digits, four or more. A name that has a
 * word equal to the term, or beginning with it, contains the term, folded alike (both indexes
 * fold case and accents with SQLite's one function), so the word index's count is a lower bound
 * of the trigram index's: a broad word ("saúde", "escola", "secret") reaches the 1,001st match
 * in one doclist instead of checking a phrase of trigrams at every match. Prefixes of 4 to 6
 * letters have an index of their own; a longer term is bound by the words equal to it. A term
 * with a space, a hyphen or a letter outside Latin is a phrase to the word tokenizer, whose
 * words may stand apart in a name, so it gets no bound.
 */
export function wordBound(q: StructureSearch): string | null {
  const filters = textFilters(q);
  if (filters.length !== 1 || filters[0]!.column !== 'nome') return null;
  const term = filters[0]!.term;
  if (!PLAIN_WORD.test(term) || term.length < 4) return null;
  return term.length <= 6 ? `"${term}"*` : `"${term}"`;
}

/** The named values of REGISTRY_SQL.insertParticipant for a new participant. */
export const participantInsertValues = (p: Participant) => ({
  id: p.id,
  cnpj: p.cnpj,
  nome: p.nome,
  sigla: p.sigla,
  esfera: p.esfera,
  poder: p.poder,
  uf: p.uf,
  ibge: p.ibge,
  contatos_json: JSON.stringify(p.contatos),
  status: p.status,
  status_reason: p.statusReason,
  status_changed_at: p.statusChangedAt,
});

/** The named values of REGISTRY_SQL.importUpsert for one unit of an import (booleans as 0/1). */
export const importUpsertValues = (s: StructureImport['upserts'][number], participantId: string) => ({
  repository_id: s.repositoryId,
  numero: s.numero,
  nome: s.nome,
  sigla: s.sigla,
  ativo: s.ativo ? 1 : 0,
  parent_numero: s.parentNumero,
  unidade_receptora: s.unidadeReceptora ? 1 : 0,
  apto_receber: s.aptoParaReceberTramites ? 1 : 0,
  apto_enviar: s.aptoParaEnviarTramites ? 1 : 0,
  codigo_no_orgao: s.codigoNoOrgaoEntidade,
  codigo_unidade_receptora: s.codigoUnidadeReceptora,
  participant_id: participantId,
  successor_numero: s.successorNumero,
});

/** The named values of REGISTRY_SQL.insertImport: the import's record at `version`. */
export const importRecordValues = (i: StructureImport, version: number) => ({
  repository_id: i.repositoryId,
  participant_id: i.participantId,
  version,
  effective_at: i.effectiveAt,
  at: i.at,
  actor: i.actor,
  file_sha256: i.fileSha256,
  created: i.created,
  updated: i.updated,
  deactivated: i.deactivated,
});
