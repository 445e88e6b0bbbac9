import type { TramiteRecord } from '../../domain/tramite.ts';
import type { Store } from '../../store/index.ts';
import type { TransitionNotifier } from '../../domain/notifier.ts';

type Tramites = Store['tramites'];

/** Writes that create a trâmite or change its situação or what is pending in it. */
const WRITES = ['create', 'transition', 'markReceived', 'recordDownload', 'advance', 'completeWithReceipt'] as const;

/** The trâmites a write's result says it committed (a refused write names none). */
function committed(result: unknown): TramiteRecord[] {
  if (Array.isArray(result)) return result as TramiteRecord[];
  const r = result as { ok?: boolean; tramite?: TramiteRecord } | null;
  return r?.ok && r.tramite ? [r.tramite] : [];
}

/**
 * The services' view of the trâmite store: each write, once committed, signals the sender and
 * the receiver of what it touched, so a held long-poll wakes (spec §2.15). Every service writes
 * through this one place, whichever transition it makes; reads pass through unchanged.
 */
export function notifyingTramites(tramites: Tramites, notifier: TransitionNotifier): Tramites {
  const wrapped: Partial<Tramites> = {};
  for (const name of WRITES) {
    const write = tramites[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const result = await write.apply(tramites, args);
      const touched = committed(result);
      if (touched.length) await notifier.notify(touched.flatMap((t) => [t.senderSystemId, t.receiverSystemId]));
      return result;
    };
  }
  return Object.assign(Object.create(tramites) as Tramites, wrapped);
}
