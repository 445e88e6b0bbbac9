import { EloError } from '../../domain/errors.ts';
import {
  analyseStartBody,
  INLINE_START_BODY_BYTES,
  type StartBodyAnalysis,
  type StartKind,
} from '../../domain/tramita/index.ts';
import type { CodeListsSnapshot } from '../code-lists.ts';
import type { ServiceDeps } from '../deps.ts';

export type AcceptedStartBody<K extends StartKind> = Extract<StartBodyAnalysis, { ok: true; kind: K }>;

/**
 * Analyses a start body: a small one right here, a large one through the runtime's analyser
 * (off the event loop) when there is one. Returns the bytes (the analyser may have moved them
 * to another thread and back) and the accepted analysis, or throws the catalogued refusal. The
 * code lists are the current ones at each call (an espécie added while the hub runs is valid at
 * the next start, in this thread or the analyser's).
 */
export function startBodyAnalysis(deps: ServiceDeps, lists: () => Promise<CodeListsSnapshot>) {
  return async function analyse<K extends StartKind>(raw: Uint8Array, kind: K): Promise<{ raw: Uint8Array; analysis: AcceptedStartBody<K> }> {
    const current = await lists();
    const done =
      raw.byteLength <= INLINE_START_BODY_BYTES || !deps.startBodyAnalyser
        ? { raw, analysis: analyseStartBody(raw, kind, current.sets) }
        : await deps.startBodyAnalyser(raw, kind, { version: current.version, data: current.data });
    const a = done.analysis;
    if (!a.ok) throw new EloError(a.code, a.mensagem, a.conflicts ? { conflicts: a.conflicts } : a.issues ? { issues: a.issues } : undefined);
    return { raw: done.raw, analysis: a as AcceptedStartBody<K> };
  };
}
