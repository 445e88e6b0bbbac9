import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { Participant } from '../../../domain/participant.ts';
import type { System } from '../../../domain/registry.ts';
import { situacaoNome, type Situacao } from '../../../domain/situacao.ts';
import type { TramiteRecord } from '../../../domain/tramite.ts';
import type { Services } from '../../../services/index.ts';
import { recentTramites } from './recent.ts';

export interface ParticipantView {
  participante: Participant;
  sistemas: System[];
  certificados: { systemId: string; serial: string; notAfter: string; dias: number; status: string }[];
  /** Trâmites by situação, where one of its systems is sender or receiver. */
  numeros: { situacao: Situacao; nome: string; total: number }[];
  recentes: TramiteRecord[];
}

/** Recent trâmites listed on a participant's page. */
export const PARTICIPANT_RECENT = 20;

/**
 * Data of a participant's page. A participant's administrator reaches only its own. TEMPORARY —
 * where `services.monitoring.figures({ de, ate, participante }, principal)` (numeros) and
 * `services.monitoring.search({ participante }, principal)` (recentes) plug in.
 */
export async function participantData(services: Services, who: AdminPrincipal, key: string): Promise<ParticipantView> {
  // named by its id or its CNPJ (formatted or not)
  const digits = key.replace(/[./-]/g, '');
  const p = (await services.participants.list()).find((x) => x.id === key || x.cnpj === digits);
  // another participant's page is answered as an unknown one
  if (!p || (who.role === 'participante' && who.participantId !== p.id))
    throw new EloError('not_found', `Participante ${key} não encontrado.`, { participante: key });
  const sistemas = (await services.systems.list()).filter((s) => s.participantId === p.id);
  const own = new Set(sistemas.map((s) => s.id));
  const certificados = (await services.certificates.list())
    .filter((c) => own.has(c.systemId))
    .map((c) => ({ systemId: c.systemId, serial: c.serial, notAfter: c.notAfter, dias: c.diasParaExpirar, status: c.status }));
  const mine = (await recentTramites(services, who)).map((r) => r.tramite).filter((t) => own.has(t.senderSystemId) || own.has(t.receiverSystemId));
  const totals = new Map<Situacao, number>();
  for (const t of mine) totals.set(t.situacao, (totals.get(t.situacao) ?? 0) + 1);
  const numeros = [...totals].sort((a, b) => a[0] - b[0]).map(([s, total]) => ({ situacao: s, nome: situacaoNome[s], total }));
  return { participante: p, sistemas, certificados, numeros, recentes: mine.slice(0, PARTICIPANT_RECENT) };
}
