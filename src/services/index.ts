import type { Timers } from '../domain/clock.ts';
import type { ServiceDeps } from './deps.ts';
import { admissionService } from './admission.ts';
import { auditService } from './audit.ts';
import { codeListService } from './code-lists.ts';
import { certificateService } from './certificates.ts';
import { directoryService } from './directory.ts';
import { identityService } from './identity.ts';
import { inProcessNotifier } from '../domain/notifier.ts';
import { nreHoldingService } from './nre-holdings.ts';
import { participantService } from './participants.ts';
import { systemService } from './systems.ts';
import { tokenService } from './tokens.ts';
import { structureTreeService } from './structures-import/structure-tree-service.ts';
import { onboardingService } from './onboarding.ts';
import { unitMappingService } from './unit-mappings.ts';
import { capabilityService } from './capabilities.ts';
import { codeListMappingService } from './code-list-mappings/code-list-mapping-service.ts';
import { preflightService } from './transfers/preflight.ts';
import { structureService } from './structures.ts';
import { autoCancelService } from './transfers/auto-cancel.ts';
import { deliveryService } from './transfers/delivery.ts';
import { lifecycleService } from './transfers/lifecycle.ts';
import { longPollService } from './transfers/long-poll.ts';
import { notifyingTramites } from './transfers/notify-transitions.ts';
import { loggingTramites } from './transfers/log-transitions.ts';
import { noMetrics } from './metrics.ts';
import { replayService } from './transfers/replay.ts';
import { queryService } from './transfers/query.ts';
import { receiptService } from './transfers/receipts.ts';
import { startService } from './transfers/start.ts';
import { signedStartService } from './transfers/signed-start.ts';
import { uploadService } from './transfers/upload.ts';
import { monitoringService } from './monitoring/index.ts';
import { webhookService } from './webhooks.ts';
import { sealService } from './evidence/seal.ts';
import { sealingTramites } from './evidence/seal-after-commit.ts';
import { auditWitness } from './evidence/audit-witness.ts';
import { dossieService } from './evidence/dossie.ts';

export { codeListsOf } from './code-lists.ts';

/** Timers of the platform, when the composition root supplies none (web-standard setTimeout). */
const platformTimers: Timers = {
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/**
 * Builds every use case from one deps object (ARCHITECTURE "services"). What it returns is what
 * `http/` may use: narrow capabilities and plain values, never the Store, the BlobStore or the
 * deps they are built from (ARCHITECTURE "`http/` never holds a store"; test/layers.test.ts).
 */
export function createServices(serviceDeps: ServiceDeps) {
  const notifier = serviceDeps.notifier ?? inProcessNotifier();
  // Every trâmite write of every service signals the notifier once committed.
  const store = Object.assign(Object.create(serviceDeps.store) as ServiceDeps['store'], {
    tramites: notifyingTramites(loggingTramites(serviceDeps.store.tramites, serviceDeps.log), notifier),
  });
  // issue 11: the hub seal follows the commit that completes a trâmite's components
  let sealAfterCommit = async (_idt: number): Promise<void> => {};
  store.tramites = sealingTramites(store.tramites, (idt) => sealAfterCommit(idt));
  const deps: ServiceDeps = { ...serviceDeps, store, notifier, metrics: serviceDeps.metrics ?? noMetrics };
  const seals = sealService(deps);
  sealAfterCommit = seals.sealQuietly;
  // the lists as they stand in the store at each use (seeded from deps.codeLists the first time)
  const codeLists = codeListService(deps);
  const lists = codeLists.snapshot;
  const structures = structureService(deps);
  const start = startService(deps, structures, lists);
  const query = queryService(deps);
  const participants = participantService(deps);
  const systems = systemService(deps, participants);
  const structureTrees = structureTreeService(deps, participants);
  const capabilities = capabilityService(deps);
  // the code lists as they are now; the one place that says where they are read from
  const codeListMappings = codeListMappingService(deps, () => codeLists.current());
  const audit = auditService(deps);
  return {
    identity: identityService(deps),
    admission: admissionService(deps),
    structures,
    directory: directoryService(deps),
    audit,
    codeLists,
    /** Limits the HTTP layer applies before a service sees the body. */
    limits: { maxJsonBytes: deps.settings.maxJsonBytes, maxJsonWaiting: deps.settings.maxJsonWaiting ?? 2, maxJsonReason: deps.settings.maxJsonReason },
    /** A fresh opaque id (request ids). */
    newId: (): string => deps.ids.uuid(),
    /** The operational log (unexpected errors are reported here, not on the console). */
    log: deps.log,
    /** Operational counters (README "Operação"); http/ counts each request here. */
    metrics: deps.metrics ?? noMetrics,
    start,
    replay: replayService(deps, start),
    /** Native face: trâmites started with a package signed by the sending system, and that package back. */
    signedStart: signedStartService(deps, start),
    lifecycle: lifecycleService(deps),
    autoCancel: autoCancelService(deps),
    certificates: certificateService(deps),
    upload: uploadService(deps),
    delivery: deliveryService(deps),
    receipts: receiptService(deps, lists),
    query,
    longPoll: longPollService(deps, (caller, n) => query.longPollStep(caller, n), notifier, deps.timers ?? platformTimers),
    nreHoldings: nreHoldingService(deps),
    participants,
    systems,
    tokens: tokenService(deps, participants),
    structureTrees,
    onboarding: onboardingService(deps, participants, structureTrees, systems),
    unitMappings: unitMappingService(deps),
    capabilities,
    codeListMappings,
    preflight: preflightService(deps, start, { capabilities, codes: codeListMappings }),
    monitoring: monitoringService(deps),
    /** Push notifications: webhook URLs, delivery rounds, dead letters and their replay (README "Notificações por webhook"). */
    webhooks: webhookService(deps),
    /** Hub seals of complete trâmites and their sweep (issue 11 item 2). */
    seals: { sweep: seals.sweep },
    /** The dossiê of a trâmite (issue 11 item 4). */
    dossie: dossieService(deps, seals, auditWitness(audit)),
  };
}

export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps, TrustSource, TransferSettings } from './deps.ts';
export type { TransitionNotifier } from '../domain/notifier.ts';
export type { Metrics } from './metrics.ts';
