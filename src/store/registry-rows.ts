/**
 * Typed rows of the registry tables, the same in every store adapter, and their mappers to
 * domain records; only how booleans are stored differs between stores (SQLite 0/1, PostgreSQL
 * BOOLEAN), so each adapter hands in its reading of a boolean.
 */
import { ESFERAS, PARTICIPANT_STATUSES, PODERES, type Participant, type ParticipantStatusChange } from '../domain/participant.ts';
import type { StructureImportRecord } from './index.ts';
import type { Repository, Structure, System, SystemBinding, SystemCertificate } from '../domain/registry.ts';

export interface ParticipantRow {
  id: string;
  cnpj: string;
  nome: string;
  esfera: string;
  sigla: string;
  poder: string;
  uf: string | null;
  ibge: string | null;
  contatos_json: string;
  status: string;
  status_reason: string;
  status_changed_at: string;
}
export interface ParticipantStatusChangeRow {
  seq: number;
  participant_id: string;
  from_status: string | null;
  to_status: string;
  at: string;
  actor: string;
  reason: string;
}
export interface RepositoryRow<B> {
  id: number;
  nome: string;
  ativo: B;
  participant_id: string | null;
}
export interface StructureRow<B> {
  repository_id: number;
  numero: string;
  nome: string;
  sigla: string;
  ativo: B;
  parent_numero: string | null;
  unidade_receptora: B;
  apto_receber: B;
  apto_enviar: B;
  codigo_no_orgao: string;
  codigo_unidade_receptora: string;
  participant_id: string | null;
  successor_numero: string | null;
}
export interface SystemRow<B> {
  id: string;
  nome: string;
  participant_id: string;
  ativo: B;
}
export interface BindingRow<B> {
  system_id: string;
  repository_id: number;
  numero: string;
  subtree: B;
  sends: B;
  receives: B;
}
export interface StructureImportRow {
  repository_id: number;
  participant_id: string;
  version: number;
  effective_at: string;
  at: string;
  actor: string;
  file_sha256: string;
  created: number;
  updated: number;
  deactivated: number;
}
export const toStructureImport = (r: StructureImportRow): StructureImportRecord => ({
  repositoryId: r.repository_id,
  participantId: r.participant_id,
  version: r.version,
  effectiveAt: r.effective_at,
  at: r.at,
  actor: r.actor,
  fileSha256: r.file_sha256,
  created: r.created,
  updated: r.updated,
  deactivated: r.deactivated,
});
export interface CertificateRow<B> {
  fingerprint256: string;
  system_id: string;
  subject: string;
  serial: string;
  not_before: string;
  not_after: string;
  pem: string;
  status: string;
  added_at: string;
  revoked_at: string | null;
}

/** One of `values`, or `fallback` for a value the column never receives through the services. */
const oneOf = <T extends string>(values: readonly T[], v: string | null, fallback: T): T => values.find((x) => x === v) ?? fallback;

export const toParticipant = (r: ParticipantRow): Participant => ({
  id: r.id,
  cnpj: r.cnpj,
  nome: r.nome,
  sigla: r.sigla,
  esfera: oneOf(ESFERAS, r.esfera, 'municipal'),
  poder: oneOf(PODERES, r.poder, 'outro'),
  uf: r.uf,
  ibge: r.ibge,
  contatos: JSON.parse(r.contatos_json) as Participant['contatos'],
  // an unknown status transfers nothing: `suspenso` is the safe reading
  status: oneOf(PARTICIPANT_STATUSES, r.status, 'suspenso'),
  statusReason: r.status_reason,
  statusChangedAt: r.status_changed_at,
});

export const toParticipantStatusChange = (r: ParticipantStatusChangeRow): ParticipantStatusChange => ({
  participantId: r.participant_id,
  from: r.from_status === null ? null : oneOf(PARTICIPANT_STATUSES, r.from_status, 'suspenso'),
  to: oneOf(PARTICIPANT_STATUSES, r.to_status, 'suspenso'),
  at: r.at,
  actor: r.actor,
  reason: r.reason,
});

export function registryRowMappers<B>(bool: (v: B) => boolean) {
  const toStructure = (r: StructureRow<B>): Structure => ({
    repositoryId: r.repository_id,
    numero: r.numero,
    nome: r.nome,
    sigla: r.sigla,
    ativo: bool(r.ativo),
    parentNumero: r.parent_numero,
    unidadeReceptora: bool(r.unidade_receptora),
    aptoParaReceberTramites: bool(r.apto_receber),
    aptoParaEnviarTramites: bool(r.apto_enviar),
    codigoNoOrgaoEntidade: r.codigo_no_orgao,
    codigoUnidadeReceptora: r.codigo_unidade_receptora,
    participantId: r.participant_id,
    successorNumero: r.successor_numero,
  });

  const toCertificate = (r: CertificateRow<B>): SystemCertificate => ({
    fingerprint256: r.fingerprint256,
    systemId: r.system_id,
    subject: r.subject,
    serial: r.serial,
    notBefore: r.not_before,
    notAfter: r.not_after,
    pem: r.pem,
    // anything but an active certificate is treated as revoked: never trusted by mistake
    status: r.status === 'active' ? 'active' : 'revoked',
    addedAt: r.added_at,
    revokedAt: r.revoked_at,
  });

  const toRepository = (r: RepositoryRow<B>): Repository => ({
    id: r.id,
    nome: r.nome,
    ativo: bool(r.ativo),
    participantId: r.participant_id,
  });

  const toSystem = (r: SystemRow<B>): System => ({
    id: r.id,
    nome: r.nome,
    participantId: r.participant_id,
    ativo: bool(r.ativo),
  });

  const toBinding = (r: BindingRow<B>): SystemBinding => ({
    systemId: r.system_id,
    repositoryId: r.repository_id,
    numero: r.numero,
    subtree: bool(r.subtree),
    sends: bool(r.sends),
    receives: bool(r.receives),
  });
  return { toStructure, toCertificate, toRepository, toSystem, toBinding };
}
