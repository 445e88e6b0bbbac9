import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { Participant } from '../../../domain/participant.ts';
import type { System } from '../../../domain/registry.ts';
import type { Services } from '../../../services/index.ts';
import type { Figures, TramiteItem } from '../../../services/monitoring/index.ts';

/** One pair of participants' figures (sender → recipient) over the period. */
export type PairFigures = Figures & { remetente: string; destinatario: string };

export interface ParticipantView {
  participante: Participant;
  sistemas: System[];
  certificados: { systemId: string; serial: string; notAfter: string; dias: number; status: string }[];
  /** The period of the figures: [de, ate). */
  periodo: { de: string; ate: string };
  /** Its figures over the period (null: no trâmite of it started then, and none pending). */
  numeros: Figures | null;
  /** Per pair where it is the sender or the recipient. */
  pares: PairFigures[];
  recentes: TramiteItem[];
}

/** Recent trâmites listed on a participant's page. */
export const PARTICIPANT_RECENT = 20;
/** Days of the figures on a participant's page (today included). */
export const PARTICIPANT_FIGURES_DAYS = 30;

/**
 * Data of a participant's page. A participant's administrator reaches only its own. Figures from
 * `services.monitoring.figures({ de, ate, participante }, principal)` over the last
 * PARTICIPANT_FIGURES_DAYS days, the recent trâmites from `services.monitoring.search({ participante })`.
 */
export async function participantData(services: Services, who: AdminPrincipal, key: string, now: Date): Promise<ParticipantView> {
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
  const de = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (PARTICIPANT_FIGURES_DAYS - 1) * 86_400_000).toISOString();
  const ate = now.toISOString();
  const [figures, recent] = await Promise.all([
    services.monitoring.figures({ de, ate, participante: p.id }, who, now),
    services.monitoring.search({ participante: p.id, limite: PARTICIPANT_RECENT }, who),
  ]);
  const mine = figures.participantes.find((f) => f.participante === p.id);
  return {
    participante: p,
    sistemas,
    certificados,
    periodo: figures.periodo,
    numeros: mine ? stripKey(mine) : null,
    pares: figures.pares,
    recentes: recent.tramites,
  };
}

function stripKey({ participante: _, ...f }: Figures & { participante: string }): Figures {
  return f;
}
