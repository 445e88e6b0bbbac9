import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import type { Situacao } from '../../../domain/situacao.ts';
import type { Services } from '../../../services/index.ts';
import type { NextAction } from '../../../services/monitoring/index.ts';
import { systemScope } from './scope.ts';

/** Certificates expiring within this many days are listed. */
export const EXPIRY_WINDOW_DAYS = 30;
/** Days of the throughput chart (today included). */
export const THROUGHPUT_DAYS = 14;

/** A stuck trâmite (services.monitoring.stuck): above its situação's threshold, with who must act. */
export interface StuckRow extends NextAction {
  idt: number;
  protocolo: string;
  situacao: Situacao;
  paradoDesde: string;
  minutosNaSituacao: number;
  limiteMinutos: number;
}

export interface ThroughputBucket {
  /** Start of the day (UTC), ISO date. */
  dia: string;
  iniciados: number;
  concluidos: number;
  recusados: number;
  cancelados: number;
}

export interface OverviewView {
  counts: { situacao: Situacao; nome: string; total: number }[];
  stuck: StuckRow[];
  throughput: ThroughputBucket[];
  /** Whether the period had more transitions than the service reads (the chart is then partial). */
  vazaoTruncada: boolean;
  expiring: { systemId: string; serial: string; notAfter: string; dias: number }[];
}

/**
 * Data of the overview page, from `services.monitoring` (README "Monitorando"): counts by
 * situação now, the trâmites above their situação's stuck threshold (`ELO_MONITOR_STUCK_MINUTES`)
 * with who must act, and the throughput per day of the last THROUGHPUT_DAYS days; each within
 * the principal's reach. Certificates come from their own service.
 */
export async function overviewData(services: Services, who: AdminPrincipal, now: Date): Promise<OverviewView> {
  const monitoring = services.monitoring;
  const de = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (THROUGHPUT_DAYS - 1) * 86_400_000).toISOString();
  // the end of today: the chart always shows THROUGHPUT_DAYS whole days
  const ate = new Date(Date.parse(de) + THROUGHPUT_DAYS * 86_400_000).toISOString();
  const [counts, stuck, throughput] = await Promise.all([
    monitoring.countsBySituacao(who),
    monitoring.stuck(who, now),
    monitoring.throughput({ de, ate, bucket: 'dia' }, who),
  ]);

  const ownSystem = await systemScope(services, who);
  const expiring = (await services.certificates.list())
    .filter((c) => c.status === 'active' && c.diasParaExpirar <= EXPIRY_WINDOW_DAYS && ownSystem(c.systemId))
    .map((c) => ({ systemId: c.systemId, serial: c.serial, notAfter: c.notAfter, dias: c.diasParaExpirar }))
    .sort((a, b) => a.dias - b.dias);

  return {
    counts: counts.map((c) => ({ situacao: c.situacao, nome: c.situacaoNome, total: c.total })),
    stuck: stuck.parados.map((s) => ({
      idt: s.IDT,
      protocolo: s.protocolo,
      situacao: s.situacao as Situacao,
      paradoDesde: s.ultimaMudancaEm,
      minutosNaSituacao: s.minutosNaSituacao,
      limiteMinutos: s.limiteMinutos,
      quemDeveAgir: s.quemDeveAgir,
      sistema: s.sistema,
      chamadaEsperada: s.chamadaEsperada,
      motivo: s.motivo,
      cancelamentoAutomaticoEm: s.cancelamentoAutomaticoEm,
      minutosAteCancelamentoAutomatico: s.minutosAteCancelamentoAutomatico,
    })),
    throughput: throughput.series.map((b) => ({ dia: b.inicio.slice(0, 10), iniciados: b.iniciados, concluidos: b.concluidos, recusados: b.recusados, cancelados: b.cancelados })),
    vazaoTruncada: throughput.truncado,
    expiring,
  };
}
