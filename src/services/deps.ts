import type { Ambiente } from '../domain/environment.ts';
import type { Clock, Ids, Timers } from '../domain/clock.ts';
import type { CodeListsData } from '../domain/codelists.ts';
import type { StartBodyAnalyser } from '../domain/tramita/index.ts';
import type { Situacao, Workflow } from '../domain/situacao.ts';
import type { Signer } from '../pki/signer.ts';
import type { CertInput, CrlInput, PkiPolicy } from '../pki/verify/index.ts';
import type { BlobStore, Store } from '../store/index.ts';
import type { TransitionNotifier } from '../domain/notifier.ts';
import type { Metrics } from './metrics.ts';
import type { WebhookDeps } from './webhooks.ts';
import type { SealPreparer } from './evidence/seal.ts';

/** Where trust comes from: anchors and CRLs are configuration, re-read as they change (issue: Trust §6). */
export interface TrustSource {
  anchors(): Promise<CertInput[]>;
  /** Intermediates the hub knows (its own federation intermediate), besides what clients send. */
  intermediates(): Promise<CertInput[]>;
  crls(): Promise<CrlInput[]>;
  policy(): Partial<PkiPolicy>;
  /**
   * Anchors (by SHA-256 fingerprint) whose stale CRLs only warn: a deployment may accept that
   * for a chain whose CRL distribution it does not control (issue: Trust §1, soft-fail per anchor).
   */
  crlSoftFail(anchorFingerprint256: string): boolean;
}

export interface TransferSettings {
  /** The environment this hub serves; a certificate declaring the other one is refused (spec §1.4). */
  environment?: Ambiente;
  /** Largest JSON body accepted (spec §1.5.9: at least 50 MB). */
  maxJsonBytes: number;
  /** Why the runtime holds JSON bodies to maxJsonBytes, said in the refusal (a Worker's isolate memory). */
  maxJsonReason?: string;
  /**
   * Largest stored metadata (JSON body or signed package XML) the hub seals (issue 11 item 2).
   * A seal is built in the seal thread (runtime/seal-worker.ts), not on the event loop, but its
   * memory there peaks at about 35 times the metadata (a 16 MB body of 20,000 documents: 6 s and
   * 560 MB here), and the thread's heap is bounded. Larger trâmites stay unsealed (logged once)
   * and their dossiê answers 409/9073. Absent: no bound.
   */
  sealMaxMetadataBytes?: number;
  /** Idle period before automatic cancellation (spec §5.4; default 8 days). */
  autoCancelAfterMs: number;
  /** Idle time after which a warning event is recorded (before the cancellation). */
  autoCancelWarningMs: number;
  /** Window before a certificate's expiry in which an event warns monitors. */
  certExpiryWarningMs: number;
  /** How long the long-poll pendências request is held (spec §2.15: answer before 300 s). */
  longPollMs: number;
  /** Requests one system may have in progress at once (services/admission.ts). */
  maxRequestsPerSystem: number;
  /** Long-poll pendências requests one system may hold at once (spec §2.15). */
  maxLongPollsPerSystem: number;
  /**
   * A completion receipt whose dataDeRecebimento differs from the hub's situação-4 time is
   * accepted (logged, alerted, both dates kept) instead of refused (spec §7.2 step 1).
   */
  acceptReceiptDateMismatch?: boolean;
  /** Largest declared component (`tamanhoEmBytes`), checked at declaration (spec §2.8, §2.9). */
  maxComponentBytes: number;
  /** Bytes a system's unfinished trâmites (1–4) may declare together. */
  systemQuotaBytes: number;
  /** Free space of the data folder below which uploads and new trâmites are refused. */
  minFreeBytes: number;
  /** How long the metadata of a cancelled trâmite (7, 10) is kept. */
  cancelledRetentionMs: number;
  /** Age after 5/6 or 8/9 at which component bytes are removed; 0 = never. */
  purgeComponentsAfterMs: number;
  /**
   * The smallest IDT to allocate: an installation coming from Tramita.GOV.BR sets it above the
   * IDTs its SEI already holds, so a new IDT never collides with one of the bus's (README "Vindo
   * do Tramita.GOV.BR"). 0: none.
   */
  idtFloor?: number;
  /** Large JSON bodies that may wait while another is analysed (more get 503); default 2. */
  maxJsonWaiting?: number;
}

/** Free bytes of the volume holding the data folder (runtime/ reads it; tests fake it). */
export type FreeSpace = () => Promise<number>;

/** Operational log: one structured line per event, for operators (not part of the store). */
export type Log = (entry: { level: 'info' | 'warn' | 'error'; event: string; data?: Record<string, unknown> }) => void;

/** The federation CA, as the onboarding approval uses it: a CSR in, a registered certificate out. */
export interface CertificateIssuer {
  issueFromCsr(systemId: string, csrPem: string, at: Date): Promise<{ certificatePem: string; fingerprint256: string; serial: string; notAfter: string }>;
}

/** Everything a service needs, passed in (STYLE: a deps object; services never see Hono). */
export interface ServiceDeps {
  store: Store;
  blobs: BlobStore;
  clock: Clock;
  ids: Ids;
  /** The federation files' code lists: the seed of the store's lists the first time (services/code-lists.ts). */
  codeLists: CodeListsData;
  trust: TrustSource;
  hubSigner: Signer;
  settings: TransferSettings;
  log: Log;
  /** Free space of the data folder; without it the free-space floor is not enforced. */
  freeSpace?: FreeSpace;
  /** Builds and prepares the seals of large packages off the event loop (runtime: a worker thread); in this thread when absent. */
  sealPreparer?: SealPreparer;
  /** Runs the analysis of large start bodies off the event loop (runtime: a worker thread). */
  startBodyAnalyser?: StartBodyAnalyser;
  /** Wakes held long-polls when a transition commits; in memory when not given (services/notifier.ts). */
  notifier?: TransitionNotifier;
  /** Real-time timers (the long-poll hold); runtime supplies them, tests fire them by hand. */
  timers?: Timers;
  /** Signs a system's CSR with the federation CA at an onboarding approval (runtime: the CA in the data folder). */
  certificateIssuer?: CertificateIssuer;
  /** The trâmite workflow the services decide every move by; the protocol's (domain/situacao.ts WORKFLOW) by default. */
  workflow?: Workflow;
  /** Thresholds of the monitor's stuck list (services/monitoring); its defaults when not given. */
  monitoring?: { stuckMinutes?: Partial<Record<Situacao, number>> };
  /** Operational counters (runtime: prom-client, src/runtime/metrics.ts); none counted when not given. */
  metrics?: Metrics;
  /** Push notifications (services/webhooks.ts): the network port, the retry settings and the `onDelivery` hook for metrics. */
  webhooks?: WebhookDeps;
}
