import type { AdminPrincipal } from '../../../domain/admin-roles.ts';
import { EloError } from '../../../domain/errors.ts';
import type { HistoryEntry, TramiteComponent, TramiteRecord } from '../../../domain/tramite.ts';
import type { AuditEntry } from '../../../store/index.ts';
import type { Services } from '../../../services/index.ts';
import { tramiteScope } from './scope.ts';

/** What a trâmite carries besides its record: shown only when its nível de sigilo allows. */
export interface TramiteContent {
  /** `1` público, `2` restrito, `3` sigiloso (spec §3.1): the highest of the process and its documents. */
  nivelDeSigilo: 1 | 2 | 3;
  interessados: string[];
  documentos: { ordem: number; descricao: string; nomes: string[] }[];
}

/** A dead notification of the trâmite, which an operator may send again. */
export interface DeadNotification {
  id: string;
  destino: string;
  falhouEm: string;
  erro: string;
}

export interface TramiteView {
  tramite: TramiteRecord;
  quemDeveAgir: string | null;
  history: HistoryEntry[];
  components: TramiteComponent[];
  events: (AuditEntry & { at: string })[];
  /** Null when the data source has none (or did not read it). */
  conteudo: TramiteContent | null;
  notificacoesMortas: DeadNotification[];
}

/**
 * Data of a trâmite's page. A trâmite the principal may not see is answered exactly as an
 * unknown one (its existence is not revealed). TEMPORARY — where `services.monitoring.detail(idt,
 * principal)` plugs in (it also brings the content and nível de sigilo, `conteudo`), and
 * `services.webhooks.deadLetters(principal)` for `notificacoesMortas`.
 */
export async function tramiteData(services: Services, who: AdminPrincipal, idt: number): Promise<TramiteView> {
  const story = await services.audit.tramiteStory(idt);
  if (!(await tramiteScope(services, who))(story.tramite)) throw new EloError('not_found', `Trâmite ${idt} não encontrado.`, { idt });
  const t = story.tramite;
  return {
    tramite: t,
    quemDeveAgir: story.nextActor === 'sender' ? t.senderSystemId : story.nextActor === 'receiver' ? t.receiverSystemId : null,
    history: story.history,
    components: story.components,
    events: story.events,
    conteudo: null,
    notificacoesMortas: [],
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
 * Sends a dead notification of the trâmite again (operator action). TEMPORARY — where
 * `services.webhooks.replay(id, actor)` plugs in; until then no notification is ever dead here.
 */
export async function replayNotification(_services: Services, _who: AdminPrincipal, idt: number, id: string): Promise<void> {
  throw new EloError('not_found', `Notificação ${id} do trâmite ${idt} não encontrada.`, { idt, notificacao: id });
}
