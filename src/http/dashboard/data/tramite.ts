import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { HistoryEntry, TramiteComponent, TramiteRecord } from '../../../domain/tramite.ts';
import type { AuditEntry } from '../../../store/index.ts';
import type { Services } from '../../../services/index.ts';
import type { NextAction } from '../../../services/monitoring/index.ts';

/** What a trâmite carries besides its record: shown only when its nível de sigilo allows. */
export interface TramiteContent {
  /** `1` público, `2` restrito, `3` sigiloso (spec §3.1): the highest of the process and its documents. */
  nivelDeSigilo: 1 | 2 | 3;
  interessados: string[];
  documentos: { ordem: number; descricao: string; nomes: string[] }[];
}

/** A dead notification of the trâmite, which an operator may send again. */
/** A webhook notification of this trâmite given up after every attempt (README "Notificações por webhook"). */
export interface DeadNotification {
  id: string;
  /** The system it was for (its webhook URL is the system's). */
  sistema: string;
  tentativas: number;
  falhouEm: string;
  erro: string;
}

/** The dead notifications of one trâmite the principal may see. */
async function deadNotifications(services: Services, who: AdminPrincipal, idt: number): Promise<DeadNotification[]> {
  return (await services.webhooks.deadLetters(who))
    .filter((d) => d.IDT === idt)
    .map((d) => ({ id: d.id, sistema: d.sistema, tentativas: d.tentativas, falhouEm: d.ultimaTentativaEm ?? d.criadoEm, erro: d.ultimoErro ?? '' }));
}

/** The service's answer for one trâmite (README "Monitorando"). */
type Detail = Awaited<ReturnType<Services['monitoring']['detail']>>;

export interface TramiteView {
  tramite: TramiteRecord;
  /** Who must act next, with what call and until when the hub cancels it (null: final situação). */
  proximaAcao: NextAction | null;
  /** The send receipt (spec §5.3, all components in the hub) and the completion receipt. */
  recibos: Detail['recibos'];
  history: HistoryEntry[];
  components: TramiteComponent[];
  events: (AuditEntry & { at: string })[];
  /** Null when the data source has none (or did not read it). */
  conteudo: TramiteContent | null;
  notificacoesMortas: DeadNotification[];
}

/**
 * Data of a trâmite's page, from `services.monitoring.detail(idt, principal)`: a trâmite the
 * principal may not see is answered exactly as an unknown one (its existence is not revealed).
 * The service brings no content (interessados, documents); `conteudo` stays null, and the page
 * reduces whatever a data source gives by nível de sigilo (reduceForSigilo); its dead
 * notifications come from `services.webhooks.deadLetters`.
 */
export async function tramiteData(services: Services, who: AdminPrincipal, idt: number): Promise<TramiteView> {
  const d = await services.monitoring.detail(idt, who);
  return {
    tramite: d.record,
    proximaAcao: d.proximaAcao,
    recibos: d.recibos,
    history: d.history,
    components: d.components,
    events: d.events,
    conteudo: null,
    notificacoesMortas: await deadNotifications(services, who, idt),
  };
}

/**
 * Restricted and secret trâmites (nível de sigilo 2 and 3, spec §3.1) are reduced to what
 * monitoring needs: no interessados, no document descriptions or file names. Applied by the page
 * whatever the data source already did.
 */
export function reduceForSigilo(c: TramiteContent | null): TramiteContent | null {
  if (!c || c.nivelDeSigilo === 1) return c;
  return { nivelDeSigilo: c.nivelDeSigilo, interessados: [], documentos: c.documentos.map((d) => ({ ordem: d.ordem, descricao: '', nomes: [] })) };
}

/**
 * Sends a dead notification of the trâmite again (operator action): only one of this trâmite's
 * that the principal sees, with a fresh retry budget (services/webhooks.ts `replay`).
 */
export async function replayNotification(services: Services, who: AdminPrincipal, idt: number, id: string): Promise<void> {
  if (!(await deadNotifications(services, who, idt)).some((n) => n.id === id))
    throw new EloError('not_found', `Notificação ${id} do trâmite ${idt} não encontrada entre as não entregues.`, { idt, notificacao: id });
  await services.webhooks.replay(id, who);
}
