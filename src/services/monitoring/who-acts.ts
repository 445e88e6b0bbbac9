import { expectedActor, ruleFor, type Situacao, type Workflow } from '../../domain/situacao.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';

export type Quem = 'sistema remetente' | 'sistema destinatário' | 'hub' | 'operador';

/** Who must act next on a trâmite, with what call, and when the hub cancels it if nobody does. */
export interface NextAction {
  quemDeveAgir: Quem;
  /** The system expected to call, when a system must act. */
  sistema: string | null;
  chamadaEsperada: string;
  /** Why it is the hub or an operator, when it is not the system the workflow expects. */
  motivo: string | null;
  /** When the hub cancels it for inactivity (spec §5.4); null when it never does (5, 8) or it is final. */
  cancelamentoAutomaticoEm: string | null;
  minutosAteCancelamentoAutomatico: number | null;
}

/**
 * The call each situação waits for (spec §5.3 "expected action"; paths of spec §2, relative to
 * the Tramita base). A situação the protocol does not name falls back to the side's pendências.
 */
const EXPECTED_CALL: Partial<Record<Situacao, (t: TramiteRecord) => string>> = {
  1: (t) =>
    `PUT tickets-de-envio-de-componente/${t.ticket}/protocolos/componentes-a-enviar (ou as partes e POST …/partes/sinalizacao-termino-envio)`,
  2: (t) => `GET tramites/pendentes, depois GET tramites/${t.idt} (metadados)`,
  3: (t) => `POST tramites/${t.idt}/protocolos/componentes-digitais (baixar os componentes pendentes)`,
  4: (t) => `POST tramites/${t.idt}/recibo (recibo de conclusão) ou POST tramites/${t.idt}/recusa`,
  5: (t) => `GET tramites/pendentes, depois GET tramites/${t.idt}/recibo`,
  8: (t) => `GET tramites/pendentes, depois GET tramites/${t.idt}/ciencia`,
};

/** Whether each system may call the hub now (registered, active, its participant active). */
export type CanAct = (systemId: string) => { ok: true } | { ok: false; why: string };

/**
 * Who must act (spec §5.3, §9.4 "per-IDT history and who must act next"): the system the
 * workflow expects; the hub when the idle period is over and its sweep has not yet cancelled it;
 * an operator when the system expected cannot act (deactivated, its participant suspended), since
 * nothing will move until someone cancels the trâmite or restores the system. Null for a final
 * situação. A pure function of the trâmite, the facts and the instant: tests move the clock.
 */
export function nextAction(t: TramiteRecord, o: { now: Date; autoCancelAfterMs: number; wf: Workflow; canAct: CanAct }): NextAction | null {
  const side = expectedActor(t.situacao, o.wf);
  if (!side) return null;
  const idle = ruleFor(o.wf, 'inatividade');
  const cancelAt = idle?.from.includes(t.situacao) ? new Date(new Date(t.lastTransitionAt).getTime() + o.autoCancelAfterMs) : null;
  const timing = {
    cancelamentoAutomaticoEm: cancelAt?.toISOString() ?? null,
    minutosAteCancelamentoAutomatico: cancelAt ? Math.max(0, Math.floor((cancelAt.getTime() - o.now.getTime()) / 60_000)) : null,
  };
  if (cancelAt && o.now.getTime() > cancelAt.getTime()) {
    return {
      quemDeveAgir: 'hub',
      sistema: null,
      chamadaEsperada: `varredura de cancelamento automático (situação ${t.situacao} → ${idle!.to})`,
      motivo: `ocioso além do período de cancelamento automático, que venceu em ${cancelAt.toISOString()}`,
      ...timing,
    };
  }
  const sistema = side === 'sender' ? t.senderSystemId : t.receiverSystemId;
  const can = o.canAct(sistema);
  if (!can.ok) {
    const cancel = ruleFor(o.wf, 'cancelamento');
    return {
      quemDeveAgir: 'operador',
      sistema,
      chamadaEsperada: cancel?.from.includes(t.situacao)
        ? `DELETE /admin/api/tramites/${t.idt} (cancelar), ou reativar o sistema "${sistema}"`
        : `reativar o sistema "${sistema}" ou o seu participante (a situação ${t.situacao} não se cancela)`,
      motivo: can.why,
      ...timing,
    };
  }
  const call = EXPECTED_CALL[t.situacao]?.(t) ?? `GET tramites/pendentes e a ação pendente do trâmite ${t.idt}`;
  return { quemDeveAgir: side === 'sender' ? 'sistema remetente' : 'sistema destinatário', sistema, chamadaEsperada: call, motivo: null, ...timing };
}
