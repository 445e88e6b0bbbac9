import { ruleFor, WORKFLOW, type WorkflowEvent } from '../../src/domain/situacao.ts';
import type { CreateFlow, FollowUps, NewTramite } from '../../src/store/index.ts';

/**
 * What store tests hand a store, whatever the adapter: a trâmite to create and the moves the
 * services decide from the protocol's workflow (ARCHITECTURE "The workflow is the domain's"),
 * as the store receives them. Kept out of src/store so no adapter source mentions the workflow.
 */

/** A blob key made of one repeated hex digit: `key('1')` → `sha256/111…1`. */
export const key = (c: string) => `sha256/${c.repeat(64)}`;

/** A processo from 1/'1' to 1/'2', sent by s1 to s2, requesting one 10-byte component `h1`. */
export function newTramite(over: Partial<NewTramite> = {}): NewTramite {
  return {
    kind: 'processo',
    nre: null,
    protocolo: 'P-1',
    remetente: { repositoryId: 1, numero: '1' },
    destinatario: { repositoryId: 1, numero: '2' },
    receptora: null,
    senderSystemId: 's1',
    receiverSystemId: 's2',
    isReplay: false,
    envioParcial: false,
    urgente: false,
    motivoUrgencia: null,
    metadataBlobKey: key('0'),
    packageSpan: null,
    propsSpan: null,
    ticket: null,
    components: [{ hash: 'h1', size: 10, protocolo: 'P-1', occurrences: 1, requested: true, pendingForReceiver: true }],
    ...over,
  };
}

export const audit = { kind: 'teste', actor: 'teste' };

export const rule = (on: WorkflowEvent) => ruleFor(WORKFLOW, on)!;
const hub = { kind: 'teste.hub', actor: 'hub' };
export const whenReceived: FollowUps = [{ ...rule('componentes_recebidos'), audit: hub, when: 'requested_all_received' }];
export const whenDelivered: FollowUps = [{ ...rule('componentes_entregues'), audit: hub, when: 'nothing_pending_for_receiver' }];
export const flow: CreateFlow = { initial: WORKFLOW.initial, open: WORKFLOW.open, then: whenReceived };
