import type { TramiteRecord } from '../../domain/tramite.ts';
import type { Store } from '../../store/index.ts';
import type { Log } from '../deps.ts';

type Tramites = Store['tramites'];

/** Writes that create a trâmite or change its situação or what is pending in it (as notify-transitions.ts). */
const WRITES = ['create', 'transition', 'markReceived', 'recordDownload', 'advance', 'completeWithReceipt'] as const;

/** The trâmites a committed write touched, and whether it changed anything (a repeat changes nothing). */
function committed(result: unknown): TramiteRecord[] {
  if (Array.isArray(result)) return result as TramiteRecord[];
  const r = result as { ok?: boolean; tramite?: TramiteRecord; changed?: boolean } | null;
  return r?.ok && r.tramite && r.changed !== false ? [r.tramite] : [];
}

/**
 * One log line per committed trâmite write (README "Operação"): the IDT, the write and the
 * situação it left, never the metadata, the parties' documents or anything a person typed.
 * Every service writes through this one place, so no transition goes unlogged.
 */
export function loggingTramites(tramites: Tramites, log: Log): Tramites {
  const wrapped: Partial<Tramites> = {};
  for (const name of WRITES) {
    const write = tramites[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const result = await write.apply(tramites, args);
      for (const t of committed(result)) {
        log({ level: 'info', event: 'tramite.transicao', data: { idt: t.idt, situacao: t.situacao, operacao: name } });
      }
      return result;
    };
  }
  return Object.assign(Object.create(tramites) as Tramites, wrapped);
}
