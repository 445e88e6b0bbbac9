import type { CodeListsData } from '../domain/codelists.ts';
import type { CodeLists } from '../domain/tramita/index.ts';
import type { ServiceDeps } from './deps.ts';
import { admissionService } from './admission.ts';
import { certificateService } from './certificates.ts';
import { identityService } from './identity.ts';
import { nreHoldingService } from './nre-holdings.ts';
import { structureService } from './structures.ts';
import { autoCancelService } from './transfers/auto-cancel.ts';
import { deliveryService } from './transfers/delivery.ts';
import { lifecycleService } from './transfers/lifecycle.ts';
import { replayService } from './transfers/replay.ts';
import { queryService } from './transfers/query.ts';
import { receiptService } from './transfers/receipts.ts';
import { startService } from './transfers/start.ts';
import { uploadService } from './transfers/upload.ts';

/** The code lists as validation reads them (also built in the runtime's analyser thread). */
export const codeListsOf = (data: CodeListsData): CodeLists => ({
  especies: new Set(data.especies.map((e) => e.codigo)),
  hipotesesLegais: new Set(data.hipotesesLegais.map((h) => h.identificacao)),
  motivosUrgencia: data.motivosUrgencia.length,
});

/** Builds every use case from one deps object (ARCHITECTURE "services"). */
export function createServices(deps: ServiceDeps) {
  const lists = codeListsOf(deps.codeLists);
  const structures = structureService(deps);
  const start = startService(deps, structures, lists);
  return {
    deps,
    identity: identityService(deps),
    admission: admissionService(deps),
    structures,
    directory: deps.store.registry,
    codeLists: deps.codeLists,
    start,
    replay: replayService(deps, start),
    lifecycle: lifecycleService(deps),
    autoCancel: autoCancelService(deps),
    certificates: certificateService(deps),
    upload: uploadService(deps),
    delivery: deliveryService(deps),
    receipts: receiptService(deps, lists),
    query: queryService(deps),
    nreHoldings: nreHoldingService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
export type { ServiceDeps, TrustSource, TransferSettings } from './deps.ts';
