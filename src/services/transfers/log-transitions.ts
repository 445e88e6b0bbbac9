import type { TramiteRecord } from '../../domain/tramite.ts';
import type { Store } from '../../store/index.ts';
import type { Log } from '../deps.ts';

type Tramites = Store['tramites'];

/** Writes that create a trâmite or change its situação or what is pending in it (as notify-transitions.ts). */
const WRITES = ['create', 'transition', 'markReceived', 'recordDownload', 'advance', 'completeWithReceipt'] as const;

/** The moment a write is made at, where each write takes it (src/store/index.ts TramiteWriter). */
const AT: Record<(typeof WRITES)[number], (args: unknown[]) => unknown> = {
  create: (a) => a[1],
  markReceived: (a) => a[4],
  recordDownload: (a) => a[4],
  transition: (a) => (a[0] as { at?: unknown }).at,
  advance: (a) => (a[0] as { at?: unknown }).at,
  completeWithReceipt: (a) => (a[0] as { at?: unknown }).at,
};

/**
 * The trâmites whose situação a committed write changed: the store stamps `lastTransitionAt`
 * only when the situação moves (or the trâmite is created), so a write that only recorded a
 * component or a range, or repeated a move, leaves an older stamp and logs nothing.
 */
function moved(result: unknown, at: unknown): TramiteRecord[] {
  const touched = Array.isArray(result) ? (result as TramiteRecord[]) : [];
  const r = result as { ok?: boolean; tramite?: TramiteRecord } | null;
  if (!Array.isArray(result) && r?.ok && r.tramite) touched.push(r.tramite);
  return touched.filter((t) => t.lastTransitionAt === at);
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
      const result = await write.apply(tramites, args);
      for (const t of moved(result, AT[name](args))) {
        log({ level: 'info', event: 'tramite.transicao', data: { idt: t.idt, situacao: t.situacao, operacao: name } });
      }
      return result;
    };
  }
  return Object.assign(Object.create(tramites) as Tramites, wrapped);
}
