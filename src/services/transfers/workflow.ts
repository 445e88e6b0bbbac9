import { ruleFor, WORKFLOW, type Situacao, type TransitionRule, type Workflow, type WorkflowEvent } from '../../domain/situacao.ts';
import type { AuditEntry, CreateFlow, Move, MoveCondition } from '../../store/index.ts';
import type { ServiceDeps } from '../deps.ts';

/**
 * The workflow decisions of the transfer services, as data the store applies (ARCHITECTURE "The
 * workflow is the domain's"). Every from→to comes from the table in deps (the protocol's by
 * default); the store receives `Move`s and sets of situações and decides nothing.
 */
export function workflowDecisions(deps: Pick<ServiceDeps, 'workflow'>) {
  const wf: Workflow = deps.workflow ?? WORKFLOW;
  const rule = (on: WorkflowEvent): TransitionRule | null => ruleFor(wf, on);
  const follow = (on: WorkflowEvent, audit: AuditEntry, when?: MoveCondition): Move[] => {
    const r = rule(on);
    return r ? [{ from: r.from, to: r.to, audit, ...(when ? { when } : {}) }] : [];
  };
  /** The hub's move once it holds every requested component (spec §2.8, §2.10). */
  const componentsComplete = () => follow('componentes_recebidos', { kind: 'tramite.componentes_completos', actor: 'hub' }, 'requested_all_received');
  /** The hub's move once nothing is left for the receiver to download (spec §2.19). */
  const componentsDelivered = () => follow('componentes_entregues', { kind: 'tramite.componentes_entregues', actor: 'hub' }, 'nothing_pending_for_receiver');
  return {
    wf,
    rule,
    componentsComplete,
    componentsDelivered,
    /** A new trâmite: where it starts, what counts as open for its NRE, and on at once when nothing is requested. */
    creation: (): CreateFlow => ({ initial: wf.initial, open: wf.open, then: componentsComplete() }),
    /** The receiver fetched the metadata (spec §2.16): its move, then the hub's when nothing is pending. */
    metadataFetched: (actor: string): Move[] => [...follow('metadados_recebidos', { kind: 'tramite.metadados_recebidos', actor }), ...componentsDelivered()],
    /** Situações in which the sender still uploads components (spec §2.10, §2.11). */
    awaitingComponents: (): readonly Situacao[] => rule('componentes_recebidos')?.from ?? [wf.initial],
  };
}

export type WorkflowDecisions = ReturnType<typeof workflowDecisions>;

/** "na situação 1", "nas situações 3 e 4", "nas situações 1 a 4": where a rule applies, as a sentence says it. */
export function naSituacao(list: readonly Situacao[]): string {
  const s = [...list].sort((a, b) => a - b);
  if (s.length === 0) return 'em nenhuma situação';
  if (s.length === 1) return `na situação ${s[0]}`;
  if (s.length >= 3 && s.every((x, i) => i === 0 || x === s[i - 1]! + 1)) return `nas situações ${s[0]} a ${s[s.length - 1]}`;
  return `nas situações ${s.slice(0, -1).join(', ')} e ${s[s.length - 1]}`;
}
