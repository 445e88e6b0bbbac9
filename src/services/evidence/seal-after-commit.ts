import type { TramiteRecord } from '../../domain/tramite.ts';
import type { Store } from '../../store/index.ts';

type Tramites = Store['tramites'];

/**
 * The writes whose follow-up moves complete a trâmite's components (services/transfers/workflow.ts
 * `componentsComplete`: the start when nothing is requested, and the last component received).
 */
const WRITES = ['create', 'markReceived'] as const;

function committed(result: unknown): TramiteRecord[] {
  if (Array.isArray(result)) return result as TramiteRecord[];
  const r = result as { ok?: boolean; tramite?: TramiteRecord } | null;
  return r?.ok && r.tramite ? [r.tramite] : [];
}

/**
 * The services' view of the trâmite store in which a write that leaves a trâmite with its
 * components complete (`componentsCompleteAt` recorded) is followed, once committed, by its hub
 * seal (issue 11 item 2). The seal runs after the commit and before the write returns, so the
 * seal exists when the sender learns its components are complete; `seal` never throws (a
 * failure is logged and left to the sweep), so sealing never fails a transfer.
 */
export function sealingTramites(tramites: Tramites, seal: (idt: number) => Promise<void>): Tramites {
  const wrapped: Partial<Tramites> = {};
  for (const name of WRITES) {
    const write = tramites[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const result = await write.apply(tramites, args);
      for (const t of committed(result)) if (t.componentsCompleteAt !== null) await seal(t.idt);
      return result;
    };
  }
  return Object.assign(Object.create(tramites) as Tramites, wrapped);
}
