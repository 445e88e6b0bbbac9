/**
 * Storage ports (ARCHITECTURE "Layers": async, split by capability). Operations are coarse: each
 * method is one atomic unit of work (a transaction in SQLite, a batch in D1 later), so that a
 * transition, its history row and its audit event are written together or not at all.
 */
import type { CodeListsData } from '../domain/codelists.ts';
import type { CodeListChange, CodeListEntry, CodeListKind } from '../domain/codelist-entries.ts';
import type { DeclaredCapabilities } from '../domain/capabilities.ts';
import type { CodeListName } from '../domain/code-list-mapping.ts';
import type {
  Participant,
  Repository,
  Structure,
  System,
  SystemBinding,
  SystemCertificate,
  UnitKey,
  FederationSeed,
} from '../domain/registry.ts';
import type { NreRegistration, RegisteredDocument } from '../domain/nre-rules.ts';
import type { AdminRole, AdminTokenInfo } from '../domain/admin-roles.ts';
import type { Invitation, OnboardingData, OnboardingRequest, OnboardingStatus } from '../domain/onboarding.ts';
import type { ParticipantStatus, ParticipantStatusChange } from '../domain/participant.ts';
import type { Situacao } from '../domain/situacao.ts';
import type { WebhookEvent, WebhookState } from '../domain/webhooks.ts';
import type {
  CompletionReceipt,
  HistoryEntry,
  SendReceipt,
  TramiteComponent,
  TramiteRecord,
} from '../domain/tramite.ts';

export interface AuditEntry {
  kind: string;
  actor: string;
  idt?: number | null;
  data?: Record<string, unknown>;
}

export interface RegistryReader {
  listParticipants(): Promise<Participant[]>;
  getParticipant(id: string): Promise<Participant | null>;
  findParticipantByCnpj(cnpj: string): Promise<Participant | null>;
  /** Every change of the participant's status, oldest first. */
  participantHistory(id: string): Promise<ParticipantStatusChange[]>;
  listRepositories(): Promise<Repository[]>;
  getRepository(id: number): Promise<Repository | null>;
  getStructure(repositoryId: number, numero: string): Promise<Structure | null>;
  listStructures(repositoryId: number): Promise<Structure[]>;
  listSystems(): Promise<System[]>;
  getSystem(id: string): Promise<System | null>;
  listBindings(systemId?: string): Promise<SystemBinding[]>;
  getCertificate(fingerprint256: string): Promise<SystemCertificate | null>;
  listCertificates(systemId?: string): Promise<SystemCertificate[]>;
  /**
   * A page of a repository's structures matching `q`, in a stable order (the order units were
   * first stored), and how many match: exact up to `countUpTo`, else `countUpTo` with `estimated`.
   * Served from indexes (trigram search on nome and sigla), never by loading the repository.
   */
  searchStructures(q: StructureSearch): Promise<{ items: Structure[]; total: number; estimated: boolean }>;
  /**
   * A number that moves whenever a unit, a repository or a participant changes, whoever wrote it
   * (another node, `elo` on the data folder): what directory caches are keyed by.
   */
  directoryVersion(): Promise<number>;
  /**
   * A number that moves whenever a participant, a system, a binding or a certificate changes,
   * whoever wrote it: what the per-request identity cache is keyed by, so that a revocation or a
   * suspension takes effect at the next request on every node.
   */
  identityVersion(): Promise<number>;
  /** The ancestors of each given structure, nearest first. */
  ancestorsOf(repositoryId: number, numeros: string[]): Promise<Map<string, Structure[]>>;
  /** Who owns each structure of a repository (numero → participant id): what an import may touch. */
  structureOwners(repositoryId: number): Promise<Map<string, string | null>>;
  /** A participant's units in a repository, and the version of its last import there (0: none). */
  participantStructures(repositoryId: number, participantId: string): Promise<{ structures: Structure[]; version: number }>;
  /** The imports of a participant's tree in a repository, oldest first. */
  structureImports(repositoryId: number, participantId: string): Promise<StructureImportRecord[]>;
}

export interface StructureSearch {
  repositoryId: number;
  /** Substring of the name, ignoring case and accents. */
  nome?: string;
  /** Substring of the sigla, ignoring case and accents. */
  sigla?: string;
  /** Only this structure and its descendants. */
  root?: string;
  apenasAtivas?: boolean;
  permiteRecebimento?: boolean;
  permiteEnvio?: boolean;
  /** Only units of participants in one of these statuses (or of no participant): who may receive. */
  participantStatuses?: readonly string[];
  offset: number;
  limit: number;
  countUpTo: number;
}

/** One import of a participant's unit tree: a version, with its effective date and what changed. */
export interface StructureImportRecord {
  repositoryId: number;
  participantId: string;
  version: number;
  effectiveAt: string;
  at: string;
  actor: string;
  fileSha256: string;
  created: number;
  updated: number;
  deactivated: number;
}

/** A planned import, applied whole or not at all. */
export interface StructureImport extends Omit<StructureImportRecord, 'version'> {
  /** Creates the repository, owned by the participant, when it does not exist yet. */
  repositoryName: string | null;
  /** The version the plan was made against: another import in the meantime refuses this one. */
  expectedVersion: number;
  /** New and changed units, whole. */
  upserts: Structure[];
  /** Units to deactivate (never deleted: spec §4.3). */
  deactivate: string[];
}

export interface SeedSummary {
  participantes: number;
  repositorios: number;
  estruturas: number;
  sistemas: number;
  /** How many rows were new or changed: 0 on a repeated seed. */
  changed: number;
}

export interface RegistryWriter {
  /** Upserts the declarative federation; unchanged rows are left untouched. */
  applySeed(seed: FederationSeed, at: string): Promise<SeedSummary>;
  addCertificate(cert: SystemCertificate): Promise<void>;
  revokeCertificate(fingerprint256: string, at: string): Promise<boolean>;
  /**
   * Registers a system of a participant with the structures it acts for and the audit event, in
   * one transaction; refused, with nothing written, when the id is taken.
   */
  addSystem(system: System, bindings: SystemBinding[], at: string, audit: AuditEntry): Promise<{ ok: true } | { ok: false; reason: 'id_taken'; existing: System }>;
  /** Applies a planned import of a participant's tree, its version row and audit event, in one transaction. */
  applyStructureImport(i: StructureImport, audit: AuditEntry): Promise<{ ok: true; version: number } | { ok: false; reason: 'version_conflict'; current: number }>;
  /**
   * Registers a participant with its first status, the status row of its history and the audit
   * event, in one transaction. Refused, with nothing written, when its id or CNPJ is taken.
   */
  addParticipant(
    p: Participant,
    change: { actor: string; reason: string },
    audit: AuditEntry,
  ): Promise<{ ok: true; participant: Participant } | { ok: false; reason: 'cnpj_taken' | 'id_taken'; existing: Participant }>;
  /**
   * Moves a participant to `to` only while its status is one of `from` (compare-and-set: the
   * services decide the move from the domain's lifecycle), with its history row and audit event.
   */
  moveParticipant(
    id: string,
    from: readonly ParticipantStatus[],
    to: ParticipantStatus,
    change: { at: string; actor: string; reason: string },
    audit: AuditEntry,
  ): Promise<{ ok: true; participant: Participant; from: ParticipantStatus } | { ok: false; reason: 'not_found' } | { ok: false; reason: 'conflict'; current: Participant }>;
}

/** What a new trâmite is made of: the record's own fields, less what the store assigns. */
export type NewTramite = Pick<
  TramiteRecord,
  | 'kind'
  | 'protocolo'
  | 'remetente'
  | 'destinatario'
  | 'receptora'
  | 'senderSystemId'
  | 'receiverSystemId'
  | 'isReplay'
  | 'envioParcial'
  | 'urgente'
  | 'motivoUrgencia'
  | 'metadataBlobKey'
  | 'packageSpan'
  | 'propsSpan'
  | 'metadataFormat'
> & {
  /** Existing NRE, or null to allocate one. */
  nre: string | null;
  /** Ticket shared by several trâmites (documento avulso to many destinatários, spec §2.9). */
  ticket: string | null;
  /** The trâmite this one replays (spec §2.25). */
  replayOf?: number | null;
  /** Create only if the NRE's registration is still at this version (the rules were checked against it). */
  expectedNreVersion?: number;
  components: Omit<TramiteComponent, 'received' | 'delivered'>[];
  /** Bytes of the stored body (counted in the sender's quota once per distinct body). */
  metadataSize?: number;
  /**
   * Refuse, in the creating transaction, when the sender's trâmites in `situacoes` would then
   * declare more than `maxBytes` (distinct requested hashes and bodies, as stored once).
   */
  quota?: { maxBytes: number; situacoes: readonly Situacao[] };
  /** The smallest IDT this hub may allocate (a migration from another bus: README "Vindo do Tramita.GOV.BR"). */
  idtFloor?: number;
};

export type CreateResult =
  | { ok: true; tramite: TramiteRecord }
  | { ok: false; reason: 'open_tramite'; open: { idt: number; situacao: Situacao; nre: string } }
  | { ok: false; reason: 'nre_changed' }
  | { ok: false; reason: 'quota_exceeded'; inUseBytes: number; addedBytes: number; maxBytes: number };

/** A system bound to an NRE: it may send the process on and learn its registration (spec §4.1, §6). */
export interface NreHolder {
  systemId: string;
  /** A trâmite of the NRE reached 5 with it as a party, an imported holding, or an administrator's reassignment. */
  source: 'tramite' | 'importacao' | 'administracao';
  at: string;
}

export type NreHoldersResult =
  | { ok: true; version: number }
  | { ok: false; reason: 'nre_changed' }
  | { ok: false; reason: 'open_tramite'; open: { idt: number; situacao: Situacao; senderSystemId: string } };

/**
 * A fact about a trâmite's components that the store checks inside the transaction of a move.
 * It is never a situação: which move depends on it is the workflow's decision (services).
 */
export type MoveCondition =
  /**
   * Every requested component is received by the hub (spec §2.8, §2.10). A move applied under it
   * also records when (`componentsCompleteAt`, the send receipt's date, spec §2.13).
   */
  | 'requested_all_received'
  /** No component is left for the receiver to download (spec §2.19). */
  | 'nothing_pending_for_receiver';

/**
 * A move decided by the services from the workflow (domain/situacao.ts): compare-and-set from one
 * of `from` to `to`, with its history row and `audit` event in the same transaction.
 */
export interface Move {
  from: readonly Situacao[];
  to: Situacao;
  audit: AuditEntry;
  /** Applied only while this holds; checked in the same transaction. */
  when?: MoveCondition;
}

/**
 * Moves that follow a write in its transaction (e.g. 1 → 2 when the last component arrives),
 * each applied in order when the trâmite is then in its `from` and its condition holds, and
 * skipped otherwise. Decided by the services; the store only applies them.
 */
export type FollowUps = readonly Move[];

/** What the workflow says about a trâmite being created. */
export interface CreateFlow {
  /** The situação it starts in. */
  initial: Situacao;
  /** Situações that count as open for the one-open-trâmite-per-NRE check (spec §5.4). */
  open: readonly Situacao[];
  then: FollowUps;
}

export type TransitionResult =
  | { ok: true; tramite: TramiteRecord; changed: boolean }
  | { ok: false; reason: 'conflict'; current: TramiteRecord }
  | { ok: false; reason: 'not_found' };

export interface TramiteQuery {
  idt?: number;
  nre?: string;
  protocolo?: string;
  remetente?: Partial<UnitKey>;
  destinatario?: Partial<UnitKey>;
  /** Only trâmites where this system is sender or receiver. */
  partySystemId?: string;
  limit?: number;
}

export interface TramiteReader {
  get(idt: number): Promise<TramiteRecord | null>;
  getByTicket(ticket: string): Promise<TramiteRecord[]>;
  history(idt: number): Promise<HistoryEntry[]>;
  components(idt: number): Promise<TramiteComponent[]>;
  query(q: TramiteQuery): Promise<TramiteRecord[]>;
  /** Trâmites where the system is sender or receiver and in one of the situações. */
  listForSystem(systemId: string, side: 'sender' | 'receiver', situacoes: readonly Situacao[]): Promise<TramiteRecord[]>;
  nreExists(nre: string): Promise<boolean>;
  getSendReceipt(idt: number): Promise<SendReceipt | null>;
  getCompletionReceipt(idt: number): Promise<CompletionReceipt | null>;
  /** Whether any trâmite or component refers to a blob. */
  isBlobReferenced(key: string): Promise<boolean>;
  /** Where the bytes of a component hash are stored, if the hub holds them. */
  blobKeyOf(hash: string): Promise<string | null>;
  /** Documents registered for an NRE (spec §6), or null when the NRE is unknown. */
  nreRegistration(nre: string): Promise<NreRegistration | null>;
  /**
   * Hashes a system already holds for an NRE (spec §6.2): part of an earlier trâmite of the NRE
   * in which it was the sender, or the receiver of a trâmite now in `concluded` (5 or 6).
   */
  heldHashes(nre: string, systemId: string, concluded: readonly Situacao[]): Promise<Set<string>>;
  /**
   * Whether a system is bound to the NRE (see `nreHolders`): a party of one of its trâmites that
   * reached 5, or bound by import or by an administrator.
   */
  isNreParty(nre: string, systemId: string): Promise<boolean>;
  /** Trâmites in `situacoes` (the open ones) whose last transition is older than `before`. */
  listIdle(situacoes: readonly Situacao[], before: string): Promise<TramiteRecord[]>;
  /** Systems bound to an NRE; none for an unknown NRE or one with nothing bound (open to any sender). */
  nreHolders(nre: string): Promise<NreHolder[]>;
  /** Long-poll deliveries of a system since `since`, as "idt/situacao", and the last status given for each IDT. */
  // `recentAt`: when each recent pair was given, so a held long-poll knows when it may be offered again.
  longPollDeliveries(systemId: string, since: string): Promise<{ recent: Set<string>; lastStatus: Map<number, number>; recentAt?: Map<string, string> }>;
  /** Pendências already returned to a system by `todas=0` (spec §2.14). */
  deliveredPendencias(systemId: string): Promise<Set<string>>;
  /**
   * How many trâmites are in each situação (absent: none), only those whose last transition is
   * older than `idleBefore` when given: the operational metrics (README "Operação").
   */
  countBySituacao(idleBefore?: string): Promise<Map<Situacao, number>>;
}

export interface TramiteWriter {
  /**
   * Creates a trâmite in `flow.initial`, refusing when the NRE already has a trâmite in
   * `flow.open` (spec §5.4), and applies `flow.then` (e.g. on to 2 when nothing is requested,
   * spec §2.8), atomically.
   */
  create(t: NewTramite, at: string, audit: AuditEntry, flow: CreateFlow): Promise<CreateResult>;
  /**
   * Compare-and-set transition with history and audit (ARCHITECTURE "The workflow is the
   * domain's"): a trâmite already in `to` is an unchanged repeat, one elsewhere a conflict.
   */
  transition(input: { idt: number; from: readonly Situacao[]; to: Situacao; at: string; audit: AuditEntry; refusal?: TramiteRecord['refusal'] }): Promise<TransitionResult>;
  /** Applies follow-up moves alone, in one transaction (e.g. 2 → 3, then 3 → 4 when nothing is pending). */
  advance(input: { idt: number; at: string; moves: FollowUps }): Promise<TransitionResult>;
  /**
   * Marks the hash received (its bytes are already in the blob store under `blobKey`) for every
   * trâmite of the ticket, then applies `then` to each (the move when its last requested hash
   * arrives), in one transaction.
   */
  markReceived(idts: number[], hash: string, size: number, blobKey: string, at: string, audit: AuditEntry, then: FollowUps): Promise<TramiteRecord[]>;
  /** Records a served download range, marks the hash delivered when [0,size) is covered, then applies `then`. */
  recordDownload(idt: number, hash: string, ini: number, fim: number, at: string, audit: AuditEntry, then: FollowUps): Promise<TransitionResult>;
  saveSendReceipt(idt: number, receipt: SendReceipt): Promise<void>;
  /**
   * Stores the verified receipt and makes the move (4 → 5), compare-and-set, registering the
   * package's documents for its NRE and binding `holders` to it in the same transaction (spec §6:
   * registered when a trâmite reaches 5; its parties then hold the process).
   */
  completeWithReceipt(input: {
    idt: number;
    receipt: CompletionReceipt;
    move: Omit<Move, 'when'>;
    at: string;
    register: RegisteredDocument[];
    holders: readonly string[];
  }): Promise<TransitionResult>;
  markPendenciasDelivered(systemId: string, items: { idt: number; situacao: Situacao }[]): Promise<void>;
  recordLongPollDelivery(systemId: string, item: { idt: number; situacao: Situacao }, at: string): Promise<void>;
  /** Drops delivery bookkeeping of trâmites in `final` and long-poll rows older than `before`. */
  pruneDeliveries(before: string, final: readonly Situacao[]): Promise<void>;
  /**
   * Replaces the systems bound to an NRE (import, release, reassignment), compare-and-set on the
   * registration version the decision was made on (`null`: the NRE must still be unknown, and is
   * created with `protocolo`; otherwise a non-null `protocolo` replaces the registered one). Unless
   * `holders` is empty (a release), refused while a trâmite of the NRE is in `open` from a sender
   * outside `holders`: its completion would bind that sender again. Bumps the version, so a start checked before it checks again; the audit
   * event is written in the same transaction.
   */
  setNreHolders(
    input: { nre: string; protocolo: string | null; expectedVersion: number | null; holders: string[]; source: NreHolder['source']; open: readonly Situacao[] },
    at: string,
    audit: AuditEntry,
  ): Promise<NreHoldersResult>;
}

export interface AuditLog {
  /** Appends an event that is not part of a transition (refusals, rejected receipts). */
  append(entry: AuditEntry, at: string): Promise<void>;
  list(filter?: { idt?: number; kind?: string; limit?: number }): Promise<(AuditEntry & { seq: number; at: string })[]>;
  /** Every chain's head (issue 11 §7: the log is hash chains, one per node), by chain id. */
  chainHeads(): Promise<AuditChainHead[]>;
  /** The rows of `chain` after `after`, in position order (then seq), at most `limit`. */
  chainRows(chain: string, after: number, limit: number): Promise<ChainedAuditRow[]>;
  /** Rows no chain holds: those before the first chained row, and the first one after it (inserted). */
  outsideChains(): Promise<{ preChain: number; lastPreChainSeq: number | null; firstInsertedSeq: number | null }>;
  /** Stores a signed checkpoint; false when the chain already has one at that position. */
  addCheckpoint(c: AuditCheckpoint): Promise<boolean>;
  /** Checkpoints by chain and position. */
  checkpoints(): Promise<AuditCheckpoint[]>;
  /** The last position of the trâmite's events in each chain that holds some, newest event first. */
  lastPositionsOf(idt: number): Promise<{ chain: string; position: number }[]>;
}

/** A chain's head: its last row's position and hash (position 0 and '' when empty). */
export interface AuditChainHead {
  chain: string;
  position: number;
  hash: string;
}

/** An audit row as stored, with its link fields (domain/audit-chain.ts). */
export interface ChainedAuditRow {
  seq: number;
  at: string;
  kind: string;
  actor: string;
  idt: number | null;
  dataJson: string;
  chain: string;
  position: number;
  prevHash: string;
  hash: string;
}

/** A chain's head signed by the hub (domain/audit-chain.ts checkpointBytes). */
export interface AuditCheckpoint {
  chain: string;
  position: number;
  hash: string;
  at: string;
  /** RSA-SHA256 over checkpointBytes, base64. */
  signature: string;
  /** The signer's certificate and intermediates, PEM, leaf first. */
  chainPem: string;
}

export interface AdminTokenStore {
  /**
   * Stores the SHA-256 of a token (tokens themselves are never kept), with the audit event of its
   * creation when given, in one transaction.
   */
  addToken(tokenSha256: string, role: AdminRole, at: string, label: string, opts?: { participantId?: string | null; audit?: AuditEntry }): Promise<void>;
  findToken(tokenSha256: string): Promise<AdminTokenInfo | null>;
  countTokens(): Promise<number>;
  listTokens(): Promise<AdminTokenInfo[]>;
  /** Revokes the token (false when it is unknown or already revoked), with its audit event. */
  revokeToken(tokenSha256: string, at: string, audit: AuditEntry): Promise<boolean>;
}

/** When a trâmite's stored bytes were removed by the retention policy. */
export interface RetentionStatus {
  componentsPurgedAt: string | null;
  metadataPurgedAt: string | null;
}

/**
 * Retention of stored bytes. Blobs are content-addressed and shared between trâmites: the store
 * decides, in one transaction, that nothing that still needs a blob refers to it, and forgets it;
 * the caller deletes the file afterwards (mark in the database first, then delete the file).
 */
export interface RetentionStore {
  status(idt: number): Promise<RetentionStatus | null>;
  /** Marks the component bytes of trâmites in `situacoes` whose last transition is before `before` as no longer kept; one audit event each. */
  expireComponents(situacoes: readonly Situacao[], before: string, at: string, audit: Omit<AuditEntry, 'idt'>): Promise<number[]>;
  /** Component blobs whose hash no trâmite in `needing` (with its components kept) and no kept body refers to. */
  releasableComponentBlobs(needing: readonly Situacao[], limit: number): Promise<{ hash: string; key: string; size: number }[]>;
  /** Checks that again and forgets the blob with an audit event per trâmite that held it, atomically; true when the file must now be deleted. */
  releaseComponentBlob(hash: string, key: string, needing: readonly Situacao[], at: string, audit: Omit<AuditEntry, 'idt'>): Promise<boolean>;
  /** Body keys of trâmites in `situacoes` whose last transition is before `before` and whose body is still kept. */
  expiringMetadata(situacoes: readonly Situacao[], before: string, limit: number): Promise<string[]>;
  /** Marks those trâmites' body (`key`) removed, one audit event each; `release` when nothing else refers to the file. */
  expireMetadata(key: string, situacoes: readonly Situacao[], before: string, at: string, audit: Omit<AuditEntry, 'idt'>): Promise<{ idts: number[]; release: boolean }>;
}

/** Invitations and partners' onboarding requests (domain/onboarding.ts); the services decide every move. */
export interface OnboardingStore {
  addInvitation(invitation: Invitation, audit: AuditEntry): Promise<void>;
  findInvitation(sha256: string): Promise<Invitation | null>;
  /**
   * Uses the invitation for a request: only while it is unused and unexpired at `at`, in one
   * transaction with the request row (status `status`) and the audit event.
   */
  submitOnboarding(
    invitationSha256: string,
    at: string,
    status: OnboardingStatus,
    data: OnboardingData,
    audit: AuditEntry,
  ): Promise<{ ok: true; id: number } | { ok: false; reason: 'unknown' | 'expired' | 'used' }>;
  getOnboarding(id: number): Promise<OnboardingRequest | null>;
  onboardingByInvitation(invitationSha256: string): Promise<OnboardingRequest | null>;
  listOnboarding(status?: OnboardingStatus): Promise<OnboardingRequest[]>;
  /** Moves a request from `from` to `to` (compare-and-set), with who, why, the certificate and the audit event. */
  decideOnboarding(
    id: number,
    from: OnboardingStatus,
    to: OnboardingStatus,
    decision: { at: string; by: string; reason: string; certificatePem: string | null },
    audit: AuditEntry,
  ): Promise<boolean>;
}

/** A system's own unit (its code in the system) and the federation structure it maps to. */
export interface LocalUnit {
  systemId: string;
  codigo: string;
  nome: string;
  sigla: string;
  mapped: UnitKey | null;
  mappedAt: string | null;
  mappedBy: string | null;
}

/** Each system's own unit codes and their one-to-one mapping to federation structures, with history. */
export interface MappingStore {
  /** Adds or renames a system's local units (a code never disappears: its mapping has history). */
  upsertLocalUnits(systemId: string, units: { codigo: string; nome: string; sigla: string }[], at: string, audit: AuditEntry): Promise<{ created: number; updated: number }>;
  listLocalUnits(systemId: string): Promise<LocalUnit[]>;
  /**
   * Maps (or, with null, unmaps) a local unit, with its history row and audit event; refused when
   * the unit is unknown or another local unit of the system already maps to that structure.
   */
  mapLocalUnit(
    systemId: string,
    codigo: string,
    to: UnitKey | null,
    at: string,
    actor: string,
    audit: AuditEntry,
  ): Promise<{ ok: true } | { ok: false; reason: 'unknown_unit' } | { ok: false; reason: 'taken'; by: string }>;
  mappingHistory(systemId: string, codigo: string): Promise<{ mapped: UnitKey | null; at: string; actor: string }[]>;
}

/**
 * The federation's code lists (domain/codelist-entries.ts). Nothing here removes an entry or a
 * history row (the schema refuses it too): a código once stored stays, so it is never reused
 * (spec §2.5, §2.6). Which change is allowed is the services' decision; the store applies it as a
 * compare-and-set, with its history row and audit event, in one transaction.
 */
export interface CodeListStore {
  /**
   * The number of the last change (0: nothing stored yet). Cheap, so a process reads it at every
   * use of the lists and sees at once a change another process (`elo codelist`, another node) made.
   */
  version(): Promise<number>;
  /** Every entry, and the version they are at, read in one snapshot. */
  entries(): Promise<{ version: number; entries: CodeListEntry[] }>;
  /** Stores the first lists, a history row per entry and the audit event, only while no entry is stored (false: some were). */
  seed(entries: readonly CodeListEntry[], change: CodeListChangeBy, audit: AuditEntry): Promise<boolean>;
  /**
   * Adds an entry (`before` null: only while its código was never stored) or changes one (only
   * while it still reads `before`), with its history row and the audit event.
   */
  apply(
    input: { kind: CodeListKind; codigo: number; before: CodeListChange['before']; after: CodeListChange['after'] } & CodeListChangeBy,
    audit: AuditEntry,
  ): Promise<{ ok: true; seq: number } | { ok: false; reason: 'conflict'; current: CodeListEntry | null }>;
  /** Changes, newest first. */
  history(filter: { kind?: CodeListKind; codigo?: number; limit: number }): Promise<CodeListChange[]>;
}

/** Who changed a code list, when and why (kept in its history). */
export interface CodeListChangeBy {
  at: string;
  actor: string;
  reason: string;
}

/** A system's own code (a document type, a restriction hypothesis) and the federation code it maps to. */
export interface LocalCode {
  systemId: string;
  lista: CodeListName;
  codigo: string;
  nome: string;
  /** The espécie's `codigo` or the hipótese's `identificacao`; null: not mapped. */
  mapped: number | null;
  mappedAt: string | null;
  mappedBy: string | null;
}

export type LocalCodeImport =
  | { ok: true; created: number; updated: number; remapped: number }
  /** After the import two local codes would map to one federation code: nothing was written. */
  | { ok: false; reason: 'taken'; conflicts: { federacao: number; codigos: string[] }[] };

/** Each system's own codes of the federation's code lists and their one-to-one mapping, with history. */
export interface CodeMappingStore {
  listLocalCodes(systemId: string, lista: CodeListName): Promise<LocalCode[]>;
  /**
   * Adds or renames local codes and, for rows with `mapped` given (null: no mapping), sets their
   * mapping with a history row when it changes, in one transaction with the audit event; refused
   * whole when the result is not one to one.
   */
  importLocalCodes(systemId: string, lista: CodeListName, rows: { codigo: string; nome: string; mapped?: number | null }[], at: string, actor: string, audit: AuditEntry): Promise<LocalCodeImport>;
  /** Maps (or, with null, unmaps) one local code, with its history row and audit event. */
  mapLocalCode(
    systemId: string,
    lista: CodeListName,
    codigo: string,
    to: number | null,
    at: string,
    actor: string,
    audit: AuditEntry,
  ): Promise<{ ok: true } | { ok: false; reason: 'unknown_code' } | { ok: false; reason: 'taken'; by: string }>;
  codeMappingHistory(systemId: string, lista: CodeListName, codigo: string): Promise<{ mapped: number | null; at: string; actor: string }[]>;
}

/** What each system declared it accepts (domain/capabilities.ts): read by preflight only. */
export interface CapabilityStore {
  getCapabilities(systemId: string): Promise<DeclaredCapabilities | null>;
  /** Replaces the system's declaration, with the audit event, in one transaction. */
  setCapabilities(c: DeclaredCapabilities, audit: AuditEntry): Promise<void>;
}

/** Mutual exclusion per key across every process sharing the store (several hub nodes). */
export interface KeyLocks {
  /** Runs `fn` while no other holder of `key`, on any node, runs. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Search of trâmites for monitors (services/monitoring): every given field must hold. */
export interface TramiteSearch {
  idt?: number;
  nre?: string;
  protocolo?: string;
  /** Each set: the sender or the receiver system is in it (a participant's systems); every set must hold. */
  partySystems?: readonly (readonly string[])[];
  /** The sender's or the recipient's unit (its número; the repository when given). */
  unit?: { numero: string; repositoryId?: number };
  situacoes?: readonly Situacao[];
  /** Started at or after. */
  createdFrom?: string;
  /** Started before. */
  createdBefore?: string;
  /** The cursor: only IDTs below this one (the order is IDT descending, stable while paging). */
  beforeIdt?: number;
  limit: number;
}

/** One trâmite of a period, as figures need it. */
export interface PeriodRow {
  senderSystemId: string;
  receiverSystemId: string;
  situacao: Situacao;
  refusalMotivo: string | null;
  createdAt: string;
  /** When it first reached one of the concluded situações asked for, if it did. */
  concludedAt: string | null;
}

/** Trâmites waiting, per pair of systems and situação. */
export interface BacklogRow {
  senderSystemId: string;
  receiverSystemId: string;
  situacao: Situacao;
  count: number;
  oldestCreatedAt: string;
}

/** A refused request of a system on a transfer face, or a refused certificate (README "Monitorando"). */
export interface RefusedRequest {
  at: string;
  /** Null: a certificate no registered system owns. */
  systemId: string | null;
  participantId: string | null;
  method: string;
  route: string;
  status: number;
  code: string;
  codigoErro: string;
  nre: string | null;
  idt: number | null;
  mensagem: string;
  /** Facts of the refusal (ordem and both hashes for 0047, the open IDT for 0044, the certificate's reason); never document content. */
  details: Record<string, unknown>;
}

/**
 * What monitors read (services/monitoring): searches served from indexes, figures aggregated over
 * a period, and the bounded log of refused requests. Every set of situações comes from the services.
 */
export interface MonitoringStore {
  /** Trâmites matching the search, newest IDT first. */
  search(q: TramiteSearch): Promise<TramiteRecord[]>;
  /** Trâmites in `situacao` whose last transition is before `before`, oldest first. */
  idleIn(situacao: Situacao, before: string, partySystems: readonly (readonly string[])[], limit: number): Promise<TramiteRecord[]>;
  /** Trâmites started in [from, before): at most `limit` rows, and whether more were left out. */
  periodRows(q: { from: string; before: string; concluded: readonly Situacao[]; partySystems: readonly (readonly string[])[]; limit: number }): Promise<{ rows: PeriodRow[]; truncated: boolean }>;
  /** Trâmites now in `situacoes`, counted per pair of systems and situação. */
  backlog(situacoes: readonly Situacao[], partySystems: readonly (readonly string[])[]): Promise<BacklogRow[]>;
  /** How many trâmites are in each situação now. */
  countsBySituacao(partySystems: readonly (readonly string[])[]): Promise<{ situacao: Situacao; count: number }[]>;
  /** Transitions made in [from, before), oldest first, at most `limit`. */
  transitionsIn(q: { from: string; before: string; partySystems: readonly (readonly string[])[]; limit: number }): Promise<{ rows: { situacao: Situacao; at: string }[]; truncated: boolean }>;
  /**
   * Appends a refused request and drops, in the same transaction, rows older than `keepAfter` and
   * rows of the same system beyond the newest `keepPerSystem` (README "Monitorando": bounded).
   */
  recordRefusal(r: RefusedRequest, retention: { keepAfter: string; keepPerSystem: number }): Promise<void>;
  /** Refused requests, newest first; `beforeSeq` is the cursor. */
  refusals(q: {
    participantId?: string;
    systemId?: string;
    codigoErro?: string;
    nre?: string;
    from?: string;
    before?: string;
    beforeSeq?: number;
    limit: number;
  }): Promise<(RefusedRequest & { seq: number })[]>;
}

/** A system's webhook URL (README "Notificações por webhook"), as registered. */
export interface SystemWebhook {
  systemId: string;
  url: string;
  at: string;
  actor: string;
}

/** What one delivery attempt of a claimed event ended in, and the attempts counted so far; the services decide it. */
export type WebhookOutcome =
  | { state: 'entregue'; at: string; attempts: number }
  /** Failed (or not tried: an open circuit): tried again at `nextAttemptAt`. */
  | { state: 'pendente'; at: string; attempts: number; nextAttemptAt: string; error: string }
  /** Out of retries (or nowhere to deliver): listed as a dead letter, with the audit event. */
  | { state: 'morta'; at: string; attempts: number; error: string; audit: AuditEntry };

/**
 * Webhook URLs and the outbox of notifications. Events are written by the trâmite writers in the
 * transaction of each transition (one per party system with a webhook, whatever the situação:
 * which ones are new pendências is the services' decision, made when an event is claimed). Several
 * nodes deliver from one outbox: an event is claimed with a lease, so only one delivers it at a time.
 */
export interface WebhookStore {
  getWebhook(systemId: string): Promise<SystemWebhook | null>;
  listWebhooks(): Promise<SystemWebhook[]>;
  /** Sets (url) or removes (null) a system's webhook, with the audit event, in one transaction. */
  setWebhook(systemId: string, url: string | null, at: string, actor: string, audit: AuditEntry): Promise<void>;
  /**
   * Claims up to `limit` events due at `now` (pending, next attempt reached, no live lease) for
   * `owner` until `leaseUntil`, oldest first; no other claimer gets them while the lease holds.
   */
  claimDue(now: string, owner: string, leaseUntil: string, limit: number): Promise<WebhookEvent[]>;
  /** Records the end of an attempt, only while `owner` still holds the event's lease (false otherwise). */
  finish(id: string, owner: string, outcome: WebhookOutcome): Promise<boolean>;
  /** Forgets a claimed event that is no notification (not a new pendência for its system). */
  discard(id: string, owner: string): Promise<boolean>;
  get(id: string): Promise<WebhookEvent | null>;
  /** Events of the systems (all when undefined), newest first. */
  list(filter: { systemIds?: readonly string[]; state?: WebhookState; limit: number }): Promise<WebhookEvent[]>;
  /** Puts a dead event back to pending, due at `at`, with a fresh retry budget and the audit event (false: not dead). */
  replay(id: string, at: string, audit: AuditEntry): Promise<boolean>;
  /** Forgets delivered events last scheduled before `before` (at most `limit`); returns how many. */
  pruneDelivered(before: string, limit: number): Promise<number>;
}

export interface Store {
  registry: RegistryReader & RegistryWriter;
  tramites: TramiteReader & TramiteWriter;
  audit: AuditLog;
  tokens: AdminTokenStore;
  retention: RetentionStore;
  onboarding: OnboardingStore;
  mappings: MappingStore;
  codeLists: CodeListStore;
  codeMappings: CodeMappingStore;
  capabilities: CapabilityStore;
  monitoring: MonitoringStore;
  webhooks: WebhookStore;
  seals: SealStore;
  /**
   * Locks held across the nodes sharing this store; absent when one process owns the store
   * (SQLite), where the services' in-process locks already exclude each other.
   */
  locks?: KeyLocks;
  close(): Promise<void>;
}

export interface StagedBlob {
  /** Opaque handle of bytes held aside, invisible until committed. */
  id: string;
  sha256: string;
  size: number;
  /** The stream carried more than `maxSize` bytes; reading stopped there. */
  tooLarge: boolean;
  /** The key the bytes will have once committed (content-addressed). */
  key: string;
}

export interface BlobStore {
  /**
   * Streams bytes aside while hashing them (SHA-256, base64), reading at most `maxSize` bytes.
   * Nothing staged is visible until `commit`; `discard` leaves no trace (spec §2.10: a refused
   * upload keeps nothing).
   */
  stage(body: ReadableStream<Uint8Array>, maxSize: number): Promise<StagedBlob>;
  /** Makes staged bytes permanent, content-addressed; identical content is stored once. */
  commit(staged: StagedBlob): Promise<string>;
  discard(staged: StagedBlob): Promise<void>;
  /** Reads [ini, fim) of a blob, or all of it. */
  read(key: string, range?: { ini: number; fim: number }): Promise<ReadableStream<Uint8Array>>;
  readAll(key: string): Promise<Uint8Array>;
  size(key: string): Promise<number | null>;
  /** Removes a blob (callers first make sure nothing refers to it). */
  remove(key: string): Promise<void>;
  /**
   * Ranged uploads (spec §2.11): a staged part is kept aside under its upload, replacing a part
   * with the same range; parts stay invisible until assembled into one staged blob.
   */
  keepPart(upload: string, range: { ini: number; fim: number }, staged: StagedBlob): Promise<void>;
  listParts(upload: string): Promise<{ ini: number; fim: number }[]>;
  /** Streams the parts in order through `stage` (hashing as they pass). */
  assembleParts(upload: string, parts: { ini: number; fim: number }[], maxSize: number): Promise<StagedBlob>;
  dropParts(upload: string): Promise<void>;
  /** Tickets that hold parts (for sweeping abandoned uploads). */
  partTickets(): Promise<string[]>;
  /**
   * Removes staged bytes last written before `before` and no longer staged here: a node that
   * died mid-upload (SIGKILL, power loss) leaves its staging file behind, and on a folder
   * several nodes share, no node may clear all staging at its start. Returns how many it removed.
   */
  dropAbandonedStaging(before: Date): Promise<number>;
}

/** A hub seal: the signed package XML of a trâmite, kept as a blob (issue 11 item 2). */
export interface SealRecord {
  idt: number;
  blobKey: string;
  /** SHA-256 (base64) of the sealed bytes. */
  sha256: string;
  sealedAt: string;
}

/** Hub seals, one per trâmite; written once (the seal of a package is reproducible, never replaced). */
export interface SealStore {
  get(idt: number): Promise<SealRecord | null>;
  /** Records the seal unless the trâmite has one already; true when this call recorded it. */
  save(seal: SealRecord): Promise<boolean>;
  /**
   * Trâmites whose components are complete, whose stored body is still kept and that have no
   * seal yet, oldest first: what the sweep seals (a crash between the commit and the seal).
   */
  unsealed(limit: number): Promise<number[]>;
}

export type { CodeListsData };
