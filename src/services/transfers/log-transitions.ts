import type { Situacao } from '../../domain/situacao.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { Store } from '../../store/index.ts';
import type { Log } from '../deps.ts';

type Tramites = Store['tramites'];

/** Writes that create a trâmite or may change its situação (as notify-transitions.ts). */
const WRITES = ['create', 'transition', 'markReceived', 'recordDownload', 'advance', 'completeWithReceipt'] as const;

/**
 * The trâmites whose situação a committed write moved. A create always does; the writes that
 * answer a TransitionResult say so in `changed` (a repeat, or a component recorded without its
 * follow-up move, changes nothing); `markReceived` answers bare records, so their situação is
 * compared with the one read before the write.
 */
function moved(name: (typeof WRITES)[number], result: unknown, before: Map<number, Situacao>): TramiteRecord[] {
  if (Array.isArray(result)) return (result as TramiteRecord[]).filter((t) => before.get(t.idt) !== t.situacao);
  const r = result as { ok?: boolean; tramite?: TramiteRecord; changed?: boolean } | null;
  if (!r?.ok || !r.tramite) return [];
  return name === 'create' || r.changed ? [r.tramite] : [];
}

/**
 * One log line per transition (README "Operação"): the IDT, the situação it reached and the
 * write that made it, never the metadata, the parties' documents or anything a person typed.
 * Every service writes through this one place, so no transition goes unlogged. A write that
 * makes several moves at once (2 → 3 → 4 when nothing is pending) logs the situação it left.
 */
export function loggingTramites(tramites: Tramites, log: Log): Tramites {
  const wrapped: Partial<Tramites> = {};
  for (const name of WRITES) {
    const write = tramites[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const before = new Map<number, Situacao>();
      if (name === 'markReceived') {
        for (const idt of args[0] as number[]) {
          const t = await tramites.get(idt);
          if (t) before.set(idt, t.situacao);
        }
      }
      const result = await write.apply(tramites, args);
      for (const t of moved(name, result, before)) {
        log({ level: 'info', event: 'tramite.transicao', data: { idt: t.idt, situacao: t.situacao, operacao: name } });
      }
      return result;
    };
  }
  return Object.assign(Object.create(tramites) as Tramites, wrapped);
}
