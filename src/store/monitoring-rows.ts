import type { PeriodRow, RefusedRequest } from './index.ts';
import { situacaoOf } from './rows.ts';

/** A row of `refused_requests`, the same in both stores (README "Monitorando": requests refused before any IDT). */
export interface RefusalRow {
  seq: number;
  at: string;
  system_id: string | null;
  participant_id: string | null;
  method: string;
  route: string;
  status: number;
  code: string;
  codigo_erro: string;
  nre: string | null;
  idt: number | null;
  mensagem: string;
  details_json: string;
}

export const toRefusal = (r: RefusalRow): RefusedRequest & { seq: number } => ({
  seq: Number(r.seq),
  at: r.at,
  systemId: r.system_id,
  participantId: r.participant_id,
  method: r.method,
  route: r.route,
  status: r.status,
  code: r.code,
  codigoErro: r.codigo_erro,
  nre: r.nre,
  idt: r.idt === null ? null : Number(r.idt),
  mensagem: r.mensagem,
  details: JSON.parse(r.details_json) as Record<string, unknown>,
});

/** A trâmite of a figures period as both stores select it (`s`, `r`, `motivo`: short aliases). */
export interface PeriodSqlRow {
  s: string;
  r: string;
  situacao: number;
  motivo: string | null;
  created_at: string;
  concluded_at: string | null;
}

/** The first `limit` rows of a period read with `limit + 1`, and whether there were more. */
export const toPeriodRows = (found: PeriodSqlRow[], limit: number): { truncated: boolean; rows: PeriodRow[] } => ({
  truncated: found.length > limit,
  rows: found.slice(0, limit).map((r) => ({
    senderSystemId: r.s,
    receiverSystemId: r.r,
    situacao: situacaoOf(r.situacao),
    refusalMotivo: r.motivo,
    createdAt: r.created_at,
    concludedAt: r.concluded_at,
  })),
});
