import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { OPEN_SITUACOES, situacaoNome, type Situacao } from '../../../domain/situacao.ts';
import type { Services } from '../../../services/index.ts';
import { recentTramites, RECENT_TRAMITES } from './recent.ts';
import { systemScope } from './scope.ts';

/** An open trâmite idle at least this long is listed as parado (until services.monitoring.stuck decides). */
export const STUCK_AFTER_MS = 3_600_000;
/** Certificates expiring within this many days are listed. */
export const EXPIRY_WINDOW_DAYS = 30;
/** Days of the throughput chart. */
export const THROUGHPUT_DAYS = 14;

export interface StuckRow {
  idt: number;
  protocolo: string;
  situacao: Situacao;
  /** The system that must act next (spec §5.3), or null when nobody must. */
  quemDeveAgir: string | null;
  paradoDesde: string;
  paradoHaMs: number;
}

export interface ThroughputBucket {
  /** Start of the day (UTC), ISO date. */
  dia: string;
  iniciados: number;
  concluidos: number;
}

export interface OverviewView {
  counts: { situacao: Situacao; nome: string; total: number }[];
  stuck: StuckRow[];
  throughput: ThroughputBucket[];
  expiring: { systemId: string; serial: string; notAfter: string; dias: number }[];
  /** How many trâmites the counts are based on, and the most that were looked at. */
  amostra: { tramites: number; limite: number };
}

/**
 * Data of the overview page. TEMPORARY — where `services.monitoring` plugs in:
 * counts ← `countsBySituacao(principal)`, stuck ← `stuck(principal, now)`, throughput ←
 * `throughput({ de, ate, bucket: 'dia' }, principal)`. Certificates already come from their
 * service and stay.
 */
export async function overviewData(services: Services, who: AdminPrincipal, now: Date): Promise<OverviewView> {
  const recent = await recentTramites(services, who);
  const totals = new Map<Situacao, number>();
  for (const r of recent) totals.set(r.tramite.situacao, (totals.get(r.tramite.situacao) ?? 0) + 1);
  const counts = (Object.keys(situacaoNome).map(Number) as Situacao[]).map((s) => ({ situacao: s, nome: situacaoNome[s], total: totals.get(s) ?? 0 }));

  const stuck = recent
    .filter((r) => OPEN_SITUACOES.includes(r.tramite.situacao) && now.getTime() - Date.parse(r.tramite.lastTransitionAt) >= STUCK_AFTER_MS)
    .map(({ tramite: t, nextActor }) => ({
      idt: t.idt,
      protocolo: t.protocolo,
      situacao: t.situacao,
      quemDeveAgir: nextActor === 'sender' ? t.senderSystemId : nextActor === 'receiver' ? t.receiverSystemId : null,
      paradoDesde: t.lastTransitionAt,
      paradoHaMs: now.getTime() - Date.parse(t.lastTransitionAt),
    }))
    .sort((a, b) => b.paradoHaMs - a.paradoHaMs);

  const seen = new Set(recent.map((r) => r.tramite.idt));
  const day = (iso: string) => iso.slice(0, 10);
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (THROUGHPUT_DAYS - 1) * 86_400_000);
  const throughput: ThroughputBucket[] = Array.from({ length: THROUGHPUT_DAYS }, (_, i) => ({
    dia: day(new Date(first.getTime() + i * 86_400_000).toISOString()),
    iniciados: 0,
    concluidos: 0,
  }));
  const byDay = new Map(throughput.map((b) => [b.dia, b]));
  for (const e of await services.audit.events({ limit: 1000 })) {
    if (typeof e.idt !== 'number' || !seen.has(e.idt)) continue;
    const b = byDay.get(day(e.at));
    if (b && e.kind === 'tramite.iniciado') b.iniciados++;
    if (b && e.kind === 'tramite.recibo_conclusao') b.concluidos++;
  }

  const ownSystem = await systemScope(services, who);
  const expiring = (await services.certificates.list())
    .filter((c) => c.status === 'active' && c.diasParaExpirar <= EXPIRY_WINDOW_DAYS && ownSystem(c.systemId))
    .map((c) => ({ systemId: c.systemId, serial: c.serial, notAfter: c.notAfter, dias: c.diasParaExpirar }))
    .sort((a, b) => a.dias - b.dias);

  return { counts, stuck, throughput, expiring, amostra: { tramites: recent.length, limite: RECENT_TRAMITES } };
}
