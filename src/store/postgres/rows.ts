/**
 * Typed rows of the PostgreSQL schema and their mappers to domain records. Statements are declared
 * with their row type (`stmt<Params, Row>`), so a row is read through one mapper here. Booleans are
 * BOOLEAN and BIGINTs arrive as numbers (db.ts), so rows need no conversion beyond their shape.
 */
import type { RegisteredDocument } from '../../domain/nre-rules.ts';
import { isSituacao, type Situacao } from '../../domain/situacao.ts';
import type { CompletionReceipt, SendReceipt, TramiteComponent, TramiteRecord } from '../../domain/tramite.ts';
import type { NreHolder } from '../index.ts';

/** A situação read back: the column only ever receives a domain Situacao. */
export function situacaoOf(n: number): Situacao {
  if (!isSituacao(n)) throw new Error(`situação ${n} fora do domínio no banco de dados`);
  return n;
}

export interface TramiteRow {
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
  is_replay: boolean;
  envio_parcial: boolean;
  urgente: boolean;
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
}

const span = (ini: number | null, fim: number | null) => (ini === null || fim === null ? null : { ini, fim });

export const toTramite = (r: TramiteRow): TramiteRecord => ({
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
  isReplay: r.is_replay,
  envioParcial: r.envio_parcial,
  urgente: r.urgente,
  motivoUrgencia: r.motivo_urgencia,
  metadataBlobKey: r.metadata_blob_key,
  packageSpan: span(r.package_ini, r.package_fim),
  propsSpan: span(r.props_ini, r.props_fim),
  createdAt: r.created_at,
  lastTransitionAt: r.last_transition_at,
  componentsCompleteAt: r.components_complete_at,
  refusal:
    r.refusal_motivo === null
      ? null
      : { motivo: r.refusal_motivo, justificativa: r.refusal_justificativa ?? '', at: r.refusal_at ?? '' },
});

export interface ComponentRow {
  hash: string;
  size: number;
  protocolo: string;
  requested: boolean;
  received: boolean;
  pending_receiver: boolean;
  delivered: boolean;
  occurrences: number;
}

export const toComponent = (r: ComponentRow): TramiteComponent => ({
  hash: r.hash,
  size: r.size,
  protocolo: r.protocolo,
  requested: r.requested,
  received: r.received,
  pendingForReceiver: r.pending_receiver,
  delivered: r.delivered,
  occurrences: r.occurrences,
});

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

export interface NreDocumentRow {
  protocolo: string;
  ordem: number;
  especie: number;
  retirado: boolean;
  anexado: string | null;
  components_json: string;
  registered_idt: number;
}

export const toRegisteredDocument = (r: NreDocumentRow): RegisteredDocument => ({
  protocolo: r.protocolo,
  ordem: r.ordem,
  especie: r.especie,
  retirado: r.retirado,
  anexado: r.anexado,
  components: JSON.parse(r.components_json),
  registeredIdt: r.registered_idt,
});

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

/** A set of situações as one bound array parameter (`situacao = ANY($n::int[])`): one statement for any set. */
export const situacaoSet = (s: readonly Situacao[]): number[] => [...s];
