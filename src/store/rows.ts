/**
 * Typed rows of Elo's schema, the same in every store adapter, and their mappers to domain
 * records. Each adapter declares its statements with these row types, so a row is read through
 * one mapper and never cast field by field; only how booleans and sets of situações are bound
 * differs between stores (see sqlite/rows.ts and postgres/rows.ts).
 */
import { ADMIN_ROLES, type AdminTokenInfo } from '../domain/admin-roles.ts';
import type { RegisteredDocument } from '../domain/nre-rules.ts';
import { ONBOARDING_STATUSES, type Invitation, type OnboardingData, type OnboardingRequest } from '../domain/onboarding.ts';
import { isSituacao, type Situacao } from '../domain/situacao.ts';
import type { CompletionReceipt, SendReceipt, TramiteComponent, TramiteRecord } from '../domain/tramite.ts';
import type { LocalUnit, NreHolder } from './index.ts';

/** A situação read back: the column only ever receives a domain Situacao. */
export function situacaoOf(n: number): Situacao {
  if (!isSituacao(n)) throw new Error(`situação ${n} fora do domínio no banco de dados`);
  return n;
}

export interface TramiteRow<B> {
  idt: number;
  nre: string;
  kind: string;
  protocolo: string;
  rem_rep: number;
  rem_num: string;
  dest_rep: number;
  dest_num: string;
  rec_rep: number | null;
  rec_num: string | null;
  sender_system_id: string;
  receiver_system_id: string;
  situacao: number;
  ticket: string;
  is_replay: B;
  envio_parcial: B;
  urgente: B;
  motivo_urgencia: number | null;
  metadata_blob_key: string;
  created_at: string;
  last_transition_at: string;
  components_complete_at: string | null;
  refusal_motivo: string | null;
  refusal_justificativa: string | null;
  refusal_at: string | null;
  package_ini: number | null;
  package_fim: number | null;
  props_ini: number | null;
  props_fim: number | null;
  metadata_format?: string | null;
}

const span = (ini: number | null, fim: number | null) => (ini === null || fim === null ? null : { ini, fim });


export interface ComponentRow<B> {
  hash: string;
  size: number;
  protocolo: string;
  requested: B;
  received: B;
  pending_receiver: B;
  delivered: B;
  occurrences: number;
}


export interface SendReceiptRow {
  data: string;
  hashes_json: string;
  signed_string: string;
  signature: string;
  chain_pem: string;
}

export const toSendReceipt = (r: SendReceiptRow): SendReceipt => ({
  dataDeRecebimentoDoUltimoComponenteDigital: r.data,
  hashes: stringList(r.hashes_json),
  signedString: r.signed_string,
  hashDaAssinatura: r.signature,
  chainPem: r.chain_pem,
});

export interface CompletionReceiptRow {
  data_de_recebimento: string;
  hash_da_assinatura: string;
  hashes_json: string;
  signed_string: string;
  signer_chain_pem: string;
  received_at: string;
  situacao4_date: string | null;
}

export const toCompletionReceipt = (r: CompletionReceiptRow): CompletionReceipt => ({
  dataDeRecebimento: r.data_de_recebimento,
  hashDaAssinatura: r.hash_da_assinatura,
  hashes: stringList(r.hashes_json),
  signedString: r.signed_string,
  signerChainPem: r.signer_chain_pem,
  receivedAt: r.received_at,
  situacao4Date: r.situacao4_date,
});

export interface NreDocumentRow<B> {
  protocolo: string;
  ordem: number;
  especie: number;
  retirado: B;
  anexado: string | null;
  components_json: string;
  registered_idt: number;
}


export interface NreHolderRow {
  system_id: string;
  source: string;
  at: string;
}

const SOURCES: readonly NreHolder['source'][] = ['tramite', 'importacao', 'administracao'];

export const toNreHolder = (r: NreHolderRow): NreHolder => ({
  systemId: r.system_id,
  source: SOURCES.find((s) => s === r.source) ?? 'administracao',
  at: r.at,
});

export interface AuditRow {
  seq: number;
  at: string;
  kind: string;
  actor: string;
  idt: number | null;
  data_json: string;
}

export const toAuditEvent = (r: AuditRow) => ({
  seq: r.seq,
  at: r.at,
  kind: r.kind,
  actor: r.actor,
  idt: r.idt,
  data: record(r.data_json),
});

function stringList(json: string): string[] {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.map(String) : [];
}

function record(json: string): Record<string, unknown> {
  const v: unknown = JSON.parse(json);
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v } : {};
}

/**
 * The mappers that read boolean columns, for a store's encoding of booleans (SQLite: 0/1 in
 * STRICT INTEGER columns; PostgreSQL: BOOLEAN).
 */
export function booleanRowMappers<B>(bool: (v: B) => boolean) {
  const toTramite = (r: TramiteRow<B>): TramiteRecord => ({
    idt: r.idt,
    nre: r.nre,
    kind: r.kind === 'documento' ? 'documento' : 'processo',
    protocolo: r.protocolo,
    remetente: { repositoryId: r.rem_rep, numero: r.rem_num },
    destinatario: { repositoryId: r.dest_rep, numero: r.dest_num },
    receptora: r.rec_rep === null || r.rec_num === null ? null : { repositoryId: r.rec_rep, numero: r.rec_num },
    senderSystemId: r.sender_system_id,
    receiverSystemId: r.receiver_system_id,
    situacao: situacaoOf(r.situacao),
    ticket: r.ticket,
    isReplay: bool(r.is_replay),
    envioParcial: bool(r.envio_parcial),
    urgente: bool(r.urgente),
    motivoUrgencia: r.motivo_urgencia,
    metadataBlobKey: r.metadata_blob_key,
    packageSpan: span(r.package_ini, r.package_fim),
    propsSpan: span(r.props_ini, r.props_fim),
    // absent means the Tramita JSON body, so records of every other trâmite keep their shape
    ...(r.metadata_format === 'xml-assinado' ? { metadataFormat: 'xml-assinado' as const } : {}),
    createdAt: r.created_at,
    lastTransitionAt: r.last_transition_at,
    componentsCompleteAt: r.components_complete_at,
    refusal:
      r.refusal_motivo === null
        ? null
        : { motivo: r.refusal_motivo, justificativa: r.refusal_justificativa ?? '', at: r.refusal_at ?? '' },
  });
  const toComponent = (r: ComponentRow<B>): TramiteComponent => ({
    hash: r.hash,
    size: r.size,
    protocolo: r.protocolo,
    requested: bool(r.requested),
    received: bool(r.received),
    pendingForReceiver: bool(r.pending_receiver),
    delivered: bool(r.delivered),
    occurrences: r.occurrences,
  });
  const toRegisteredDocument = (r: NreDocumentRow<B>): RegisteredDocument => ({
    protocolo: r.protocolo,
    ordem: r.ordem,
    especie: r.especie,
    retirado: bool(r.retirado),
    anexado: r.anexado,
    components: JSON.parse(r.components_json),
    registeredIdt: r.registered_idt,
  });
  return { toTramite, toComponent, toRegisteredDocument };
}


export interface AdminTokenRow {
  token_sha256: string;
  role: string;
  label: string;
  created_at: string;
  participant_id: string | null;
  revoked_at: string | null;
}

/** A token row, or null when its role is none Elo knows (it then authorises nothing). */
export const toAdminToken = (r: AdminTokenRow): AdminTokenInfo | null => {
  const role = ADMIN_ROLES.find((x) => x === r.role);
  return role
    ? { id: r.token_sha256.slice(0, 12), sha256: r.token_sha256, role, label: r.label, participantId: r.participant_id, createdAt: r.created_at, revokedAt: r.revoked_at }
    : null;
};

export interface InvitationRow {
  code_sha256: string;
  created_at: string;
  expires_at: string;
  created_by: string;
  note: string;
  used_at: string | null;
}
export const toInvitation = (r: InvitationRow): Invitation => ({
  sha256: r.code_sha256,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  createdBy: r.created_by,
  note: r.note,
  usedAt: r.used_at,
});

export interface OnboardingRow {
  id: number;
  invitation_sha256: string;
  submitted_at: string;
  status: string;
  request_json: string;
  decided_at: string | null;
  decided_by: string | null;
  reason: string;
  certificate_pem: string | null;
}
export const toOnboarding = (r: OnboardingRow): OnboardingRequest => ({
  id: r.id,
  submittedAt: r.submitted_at,
  // the column only receives a domain status
  status: ONBOARDING_STATUSES.find((s) => s === r.status) ?? 'recusada',
  data: JSON.parse(r.request_json) as OnboardingData,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
  reason: r.reason,
  certificatePem: r.certificate_pem,
});

export interface LocalUnitRow {
  system_id: string;
  codigo: string;
  nome: string;
  sigla: string;
  repository_id: number | null;
  numero: string | null;
  mapped_at: string | null;
  mapped_by: string | null;
}
export const toLocalUnit = (r: LocalUnitRow): LocalUnit => ({
  systemId: r.system_id,
  codigo: r.codigo,
  nome: r.nome,
  sigla: r.sigla,
  mapped: r.repository_id !== null && r.numero !== null ? { repositoryId: r.repository_id, numero: r.numero } : null,
  mappedAt: r.mapped_at,
  mappedBy: r.mapped_by,
});
