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

/** Allowed transitions and who may cause them (spec §5.2). */
export const transitions: ReadonlyArray<{ from: readonly Situacao[]; to: Situacao; actors: readonly Actor[] }> = [
  { from: [1], to: 2, actors: ['hub'] },
  { from: [2], to: 3, actors: ['receiver'] },
  { from: [3], to: 4, actors: ['hub'] },
  { from: [4], to: 5, actors: ['receiver'] },
  { from: [5], to: 6, actors: ['sender'] },
  { from: [1, 2, 3, 4], to: 7, actors: ['sender', 'operator'] },
  { from: [3, 4], to: 8, actors: ['receiver'] },
  { from: [8], to: 9, actors: ['sender'] },
  { from: [1, 2, 3, 4], to: 10, actors: ['hub'] },
];

export function canTransition(from: Situacao, to: Situacao, actor?: Actor): boolean {
  return transitions.some(
    (t) => t.to === to && t.from.includes(from) && (actor === undefined || t.actors.includes(actor)),
  );
}

/** Situações in which a trâmite is still open: it blocks a new trâmite of its NRE (spec §5.4). */
export const OPEN_SITUACOES: readonly Situacao[] = [1, 2, 3, 4];
export const FINAL_SITUACOES: readonly Situacao[] = [6, 7, 9, 10];

export const isSituacao = (n: number): n is Situacao => Number.isInteger(n) && n >= 1 && n <= 10;

/** Who must act next, for pendências (spec §5.3) and for monitors. */
export function expectedActor(s: Situacao): 'sender' | 'receiver' | null {
  if (s === 1) return 'sender';
  if (s === 2 || s === 3 || s === 4) return 'receiver';
  if (s === 5 || s === 8) return 'sender';
  return null;
}

/**
 * Whether a trâmite in situação `s` is listed in `tramites/pendentes` for the given side
 * (spec §5.3): a normal trâmite in 1 is never listed — SEI reads status 1 as a replay request.
 */
export function isPendenciaFor(side: 'sender' | 'receiver', s: Situacao, isReplay: boolean): boolean {
  if (side === 'receiver') return s === 2 || s === 3 || s === 4;
  return s === 5 || s === 8 || (s === 1 && isReplay);
}
