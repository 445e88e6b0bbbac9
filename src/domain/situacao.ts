/**
 * The trâmite state machine (spec §5.1, §5.2). The table is the single source of truth: services
 * ask it whether a move is allowed, and the store applies it with compare-and-set.
 */
export const Situacao = {
  INICIADO: 1,
  COMPONENTES_ENVIADOS_REMETENTE: 2,
  METADADOS_RECEBIDO_DESTINATARIO: 3,
  COMPONENTES_RECEBIDOS_DESTINATARIO: 4,
  RECIBO_ENVIADO_DESTINATARIO: 5,
  RECIBO_RECEBIDO_REMETENTE: 6,
  CANCELADO: 7,
  RECUSADO: 8,
  CIENCIA_RECUSA: 9,
  CANCELADO_AUTOMATICAMENTE: 10,
} as const;

export type Situacao = (typeof Situacao)[keyof typeof Situacao];

/** Portuguese names as monitors read them (spec §5.1). */
export const situacaoNome: Record<Situacao, string> = {
  1: 'Aguardando o envio dos arquivos digitais',
  2: 'Arquivos digitais recebidos pelo hub',
  3: 'Metadados recebidos pelo destinatário',
  4: 'Arquivos digitais recebidos pelo destinatário',
  5: 'Recibo de conclusão enviado pelo destinatário',
  6: 'Recibo de conclusão recebido pelo remetente',
  7: 'Cancelado',
  8: 'Recusado, aguardando ciência do remetente',
  9: 'Ciência da recusa dada pelo remetente',
  10: 'Cancelado automaticamente por inatividade',
};

export type Actor = 'sender' | 'receiver' | 'hub' | 'operator';

/**
 * What makes a trâmite move (spec §5.2). Services name the event; the workflow says from where
 * and to where, so the store never decides a move of its own.
 */
export type WorkflowEvent =
  /** The hub holds every requested component (spec §2.8: at once when nothing is requested; §2.10). */
  | 'componentes_recebidos'
  /** The receiver fetched the metadata (spec §2.16). */
  | 'metadados_recebidos'
  /** Nothing is left for the receiver to download (spec §2.19). */
  | 'componentes_entregues'
  /** The receiver's completion receipt was verified (spec §2.20). */
  | 'recibo_conclusao'
  /** The sender fetched the completion receipt (spec §2.21). */
  | 'recibo_recebido'
  | 'cancelamento'
  | 'recusa'
  | 'ciencia'
  /** Idle longer than the configured period (spec §5.4). */
  | 'inatividade';

export interface TransitionRule {
  on: WorkflowEvent;
  from: readonly Situacao[];
  to: Situacao;
  actors: readonly Actor[];
}

/**
 * The whole workflow as data: its transitions and the sets of situações every query and guard
 * uses. Services take it from their deps (the default below), decide each from→to with it, and
 * hand the decision to the store, which only applies it (ARCHITECTURE "The workflow is the
 * domain's"). One table is what lets SQLite, PostgreSQL and D1 share one workflow.
 */
export interface Workflow {
  /** Where a new trâmite starts (spec §5.1). */
  initial: Situacao;
  transitions: readonly TransitionRule[];
  /**
   * Still open: blocks a new trâmite of its NRE (spec §5.4), counts in its sender's quota and is
   * cancelled when idle. SQLite's partial unique index (migration 1) is frozen at 1–4; a table
   * whose open set differs needs a new migration (see store/sqlite/migrations.ts).
   */
  open: readonly Situacao[];
  /** No transition leaves them (spec §5.1). */
  final: readonly Situacao[];
  /** Cancelled (7, 10): nothing of the trâmite is delivered any more (spec §2.16). */
  cancelled: readonly Situacao[];
  /** The receiver holds the process: its completion receipt was given (spec §6, §6.2). */
  concluded: readonly Situacao[];
  /** Concluded or refused: component bytes may be purged once old (README "retenção"). */
  finished: readonly Situacao[];
  /** The receiver may download components (spec §2.19). */
  downloadable: readonly Situacao[];
  /** The metadata is served to the receiver (spec §2.16); the sender reads it in any situação but a cancelled one. */
  readableByReceiver: readonly Situacao[];
  /** A completion receipt exists and is served (spec §2.21). */
  receiptAvailable: readonly Situacao[];
  /** Pendências per side (spec §5.3); `senderReplay` is listed only for a replay (SEI reads 1 as a replay request). */
  pendencias: { receiver: readonly Situacao[]; sender: readonly Situacao[]; senderReplay: readonly Situacao[] };
}

/** Allowed transitions, what causes them and who may (spec §5.2). */
export const transitions: readonly TransitionRule[] = [
  { on: 'componentes_recebidos', from: [1], to: 2, actors: ['hub'] },
  { on: 'metadados_recebidos', from: [2], to: 3, actors: ['receiver'] },
  { on: 'componentes_entregues', from: [3], to: 4, actors: ['hub'] },
  { on: 'recibo_conclusao', from: [4], to: 5, actors: ['receiver'] },
  { on: 'recibo_recebido', from: [5], to: 6, actors: ['sender'] },
  { on: 'cancelamento', from: [1, 2, 3, 4], to: 7, actors: ['sender', 'operator'] },
  { on: 'recusa', from: [3, 4], to: 8, actors: ['receiver'] },
  { on: 'ciencia', from: [8], to: 9, actors: ['sender'] },
  { on: 'inatividade', from: [1, 2, 3, 4], to: 10, actors: ['hub'] },
];

/** Situações in which a trâmite is still open: it blocks a new trâmite of its NRE (spec §5.4). */
export const OPEN_SITUACOES: readonly Situacao[] = [1, 2, 3, 4];
export const FINAL_SITUACOES: readonly Situacao[] = [6, 7, 9, 10];

/** The protocol's workflow (spec §5). */
export const WORKFLOW: Workflow = {
  initial: 1,
  transitions,
  open: OPEN_SITUACOES,
  final: FINAL_SITUACOES,
  cancelled: [7, 10],
  concluded: [5, 6],
  finished: [5, 6, 8, 9],
  downloadable: [3, 4],
  readableByReceiver: [2, 3, 4, 5, 6, 8, 9],
  receiptAvailable: [5, 6],
  pendencias: { receiver: [2, 3, 4], sender: [5, 8], senderReplay: [1] },
};

/** The rule an event follows, or null when the workflow has no such move. */
export function ruleFor(wf: Workflow, on: WorkflowEvent): TransitionRule | null {
  return wf.transitions.find((t) => t.on === on) ?? null;
}

/** Situações whose components or bodies may still be read or re-used: all but the cancelled ones. */
export function needingSituacoes(wf: Workflow): Situacao[] {
  const all = new Set<Situacao>([wf.initial, ...wf.transitions.flatMap((t) => [...t.from, t.to])]);
  return [...all].filter((s) => !wf.cancelled.includes(s)).sort((a, b) => a - b);
}

export function canTransition(from: Situacao, to: Situacao, actor?: Actor, wf: Workflow = WORKFLOW): boolean {
  return wf.transitions.some(
    (t) => t.to === to && t.from.includes(from) && (actor === undefined || t.actors.includes(actor)),
  );
}

export const isSituacao = (n: number): n is Situacao => Number.isInteger(n) && n >= 1 && n <= 10;

/** Who must act next, for pendências (spec §5.3) and for monitors. */
export function expectedActor(s: Situacao, wf: Workflow = WORKFLOW): 'sender' | 'receiver' | null {
  if (s === wf.initial) return 'sender';
  if (wf.pendencias.receiver.includes(s)) return 'receiver';
  if (wf.pendencias.sender.includes(s)) return 'sender';
  return null;
}

/**
 * Whether a trâmite in situação `s` is listed in `tramites/pendentes` for the given side
 * (spec §5.3): a normal trâmite in 1 is never listed — SEI reads status 1 as a replay request.
 */
export function isPendenciaFor(side: 'sender' | 'receiver', s: Situacao, isReplay: boolean, wf: Workflow = WORKFLOW): boolean {
  if (side === 'receiver') return wf.pendencias.receiver.includes(s);
  return wf.pendencias.sender.includes(s) || (isReplay && wf.pendencias.senderReplay.includes(s));
}
