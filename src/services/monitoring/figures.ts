import { ruleFor, type Workflow } from '../../domain/situacao.ts';
import type { BacklogRow, PeriodRow } from '../../store/index.ts';

/** Figures of one participant, or of one pair (sender → recipient), over a period (README "Monitorando"). */
export interface Figures {
  /** Trâmites it started (as sender) in the period. */
  enviados: number;
  /** Trâmites addressed to it (as recipient) started in the period. */
  recebidos: number;
  /** Of those, how many reached the completion receipt (5 or 6). */
  concluidos: number;
  recusados: { total: number; porMotivo: Record<string, number> };
  /** Cancelled by the sender or an operator (7). */
  cancelados: number;
  /** Cancelled by the hub for inactivity (10). */
  canceladosAutomaticamente: number;
  /** Seconds from the start to the completion receipt, of the concluded ones. */
  tempoAteConclusao: { mediana: number | null; p95: number | null };
  /** Trâmites waiting now (not in a final situação), whenever started, and the age of the oldest, in seconds. */
  pendentes: { total: number; idadeDoMaisAntigo: number | null };
}

const empty = (): Figures => ({
  enviados: 0,
  recebidos: 0,
  concluidos: 0,
  recusados: { total: 0, porMotivo: {} },
  cancelados: 0,
  canceladosAutomaticamente: 0,
  tempoAteConclusao: { mediana: null, p95: null },
  pendentes: { total: 0, idadeDoMaisAntigo: null },
});

/** The nearest-rank percentile of sorted values (p in 0–100). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Aggregates a period's trâmites and the current backlog per participant and per pair. Each
 * trâmite counts for both its parties (sent for one, received for the other); a trâmite between
 * two systems of the same participant counts once for it. `keyOf` names a system's participant.
 */
export function aggregate(o: {
  rows: readonly PeriodRow[];
  backlog: readonly BacklogRow[];
  keyOf: (systemId: string) => string;
  /** Only these participants (and pairs including one of them); all when null. */
  only: string | null;
  now: Date;
  wf: Workflow;
}) {
  const cancelled = ruleFor(o.wf, 'cancelamento')?.to;
  const auto = ruleFor(o.wf, 'inatividade')?.to;
  const byParticipant = new Map<string, { f: Figures; durations: number[]; oldest: string | null }>();
  const byPair = new Map<string, { f: Figures; durations: number[]; oldest: string | null; remetente: string; destinatario: string }>();
  const entry = (k: string) => {
    let e = byParticipant.get(k);
    if (!e) byParticipant.set(k, (e = { f: empty(), durations: [], oldest: null }));
    return e;
  };
  const pairEntry = (s: string, r: string) => {
    const k = `${s}\u0000${r}`;
    let e = byPair.get(k);
    if (!e) byPair.set(k, (e = { f: empty(), durations: [], oldest: null, remetente: s, destinatario: r }));
    return e;
  };
  const wanted = (s: string, r: string) => o.only === null || s === o.only || r === o.only;
  const outcome = (f: Figures, durations: number[], row: PeriodRow) => {
    if (row.concludedAt) {
      f.concluidos++;
      durations.push((new Date(row.concludedAt).getTime() - new Date(row.createdAt).getTime()) / 1000);
    }
    if (row.refusalMotivo !== null) {
      f.recusados.total++;
      f.recusados.porMotivo[row.refusalMotivo] = (f.recusados.porMotivo[row.refusalMotivo] ?? 0) + 1;
    }
    if (row.situacao === cancelled) f.cancelados++;
    if (row.situacao === auto) f.canceladosAutomaticamente++;
  };
  for (const row of o.rows) {
    const s = o.keyOf(row.senderSystemId);
    const r = o.keyOf(row.receiverSystemId);
    if (!wanted(s, r)) continue;
    const parties = s === r ? [s] : [s, r];
    for (const p of parties) {
      if (o.only !== null && p !== o.only) continue;
      const e = entry(p);
      if (p === s) e.f.enviados++;
      if (p === r) e.f.recebidos++;
      outcome(e.f, e.durations, row);
    }
    const pe = pairEntry(s, r);
    pe.f.enviados++;
    pe.f.recebidos++;
    outcome(pe.f, pe.durations, row);
  }
  const older = (a: string | null, b: string) => (a === null || b < a ? b : a);
  for (const b of o.backlog) {
    const s = o.keyOf(b.senderSystemId);
    const r = o.keyOf(b.receiverSystemId);
    if (!wanted(s, r)) continue;
    for (const p of s === r ? [s] : [s, r]) {
      if (o.only !== null && p !== o.only) continue;
      const e = entry(p);
      e.f.pendentes.total += b.count;
      e.oldest = older(e.oldest, b.oldestCreatedAt);
    }
    const pe = pairEntry(s, r);
    pe.f.pendentes.total += b.count;
    pe.oldest = older(pe.oldest, b.oldestCreatedAt);
  }
  const finish = (e: { f: Figures; durations: number[]; oldest: string | null }): Figures => {
    const sorted = [...e.durations].sort((a, b) => a - b);
    e.f.tempoAteConclusao = { mediana: percentile(sorted, 50), p95: percentile(sorted, 95) };
    e.f.pendentes.idadeDoMaisAntigo = e.oldest === null ? null : Math.max(0, Math.round((o.now.getTime() - new Date(e.oldest).getTime()) / 1000));
    return e.f;
  };
  return {
    participantes: [...byParticipant.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([participante, e]) => ({ participante, ...finish(e) })),
    pares: [...byPair.values()]
      .sort((a, b) => a.remetente.localeCompare(b.remetente) || a.destinatario.localeCompare(b.destinatario))
      .map((e) => ({ remetente: e.remetente, destinatario: e.destinatario, ...finish(e) })),
  };
}
