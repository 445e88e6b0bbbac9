import type { Span } from './json-members.ts';
import type { UnitKey } from './registry.ts';
import type { Situacao } from './situacao.ts';

/** One transfer of a process (or documento avulso) to one structure (spec §1.1, §4.2). */
export interface TramiteRecord {
  idt: number;
  nre: string;
  kind: 'processo' | 'documento';
  protocolo: string;
  remetente: UnitKey;
  destinatario: UnitKey;
  /** Centralising unit that really receives (spec §2.16), when the destination has one. */
  receptora: UnitKey | null;
  senderSystemId: string;
  receiverSystemId: string;
  situacao: Situacao;
  ticket: string;
  isReplay: boolean;
  envioParcial: boolean;
  urgente: boolean;
  motivoUrgencia: number | null;
  /** Blob holding the exact bytes of the start request body (ARCHITECTURE "Byte stability"). */
  metadataBlobKey: string;
  metadataFormat?: 'json' | 'xml-assinado';
  /** Where `processo`/`documento` lies in that body, byte offsets (relayed from storage as is). */
  packageSpan: Span | null;
  /** Where `cabecalho.propriedadesAdicionais` lies in it, when present. */
  propsSpan: Span | null;
  createdAt: string;
  lastTransitionAt: string;
  /** Time of 1 → 2: the send receipt's date (spec §2.13). */
  componentsCompleteAt: string | null;
  refusal: { motivo: string; justificativa: string; at: string } | null;
}

/** A distinct component hash of a trâmite (spec §2.10: a hash is satisfied once per trâmite). */
export interface TramiteComponent {
  hash: string;
  size: number;
  /** Protocolo of the first process that declared it (informative; lookups are by hash). */
  protocolo: string;
  /** Must be uploaded by the sender in this trâmite (spec §6.2). */
  requested: boolean;
  received: boolean;
  /** Must be downloaded by the receiver in this trâmite (spec §3.7). */
  pendingForReceiver: boolean;
  delivered: boolean;
  /** How many non-retirado components carry this hash (for receipts with duplicates, §7.1). */
  occurrences: number;
}

export interface HistoryEntry {
  situacao: Situacao;
  at: string;
}

export interface CompletionReceipt {
  dataDeRecebimento: string;
  hashDaAssinatura: string;
  hashes: string[];
  signedString: string;
  signerChainPem: string;
  receivedAt: string;
  /**
   * The hub's own situação-4 time written as `{D}` (spec §7.1, §7.2 step 1), recorded beside the
   * posted date; they differ only when the installation accepts mismatched dates. Null on
   * receipts stored before it was recorded.
   */
  situacao4Date?: string | null;
}

export interface SendReceipt {
  dataDeRecebimentoDoUltimoComponenteDigital: string;
  hashes: string[];
  signedString: string;
  hashDaAssinatura: string;
  chainPem: string;
}

/** NRE: 16 digits (spec §4.1). */
export const isNre = (s: string): boolean => /^\d{16}$/.test(s);

/**
 * Elo allocates NREs with leading digit 9, a range the reference bus (whose NREs start with
 * zeros) cannot collide with (spec §4.1, migration).
 */
export const formatOwnNre = (sequence: number): string => `9${String(sequence).padStart(15, '0')}`;

/**
 * IDTs start above the reference bus values migrated installations hold, and stay below 2^53
 * (spec §4.2).
 */
export const FIRST_IDT = 1_000_000_001;
