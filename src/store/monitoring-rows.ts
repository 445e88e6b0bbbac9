import type { RefusedRequest } from './index.ts';

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
