import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../domain/clock.ts';
import { WORKFLOW, type Situacao } from '../../domain/situacao.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import { nextAction, type CanAct } from './who-acts.ts';

const DAY = 86_400_000;
const T0 = '2026-03-10T12:00:00.000Z';
const tramite = (situacao: Situacao): TramiteRecord => ({
  idt: 1_000_000_042,
  nre: '9000000000000042',
  kind: 'processo',
  protocolo: 'P.1/2026',
  remetente: { repositoryId: 100, numero: '1002' },
  destinatario: { repositoryId: 200, numero: '2002' },
  receptora: null,
  senderSystemId: 'sei-estado',
  receiverSystemId: 'sei-municipio',
  situacao,
  ticket: 'T-42',
  isReplay: false,
  envioParcial: false,
  urgente: false,
  motivoUrgencia: null,
  metadataBlobKey: 'k',
  packageSpan: null,
  propsSpan: null,
  createdAt: T0,
  lastTransitionAt: T0,
  componentsCompleteAt: null,
  refusal: null,
});
const everyoneActs: CanAct = () => ({ ok: true });

/** spec §5.3 (expected action per situação), §5.4 (auto-cancel of 1–4 only), §9.4 (who must act next). */
describe('who must act next on a trâmite, by situação, at an injected instant', () => {
  const clock = new FixedClock(new Date(new Date(T0).getTime() + 2 * 3_600_000));
  const at = (s: Situacao, canAct: CanAct = everyoneActs) => nextAction(tramite(s), { now: clock.now(), autoCancelAfterMs: 8 * DAY, wf: WORKFLOW, canAct });

  it.each([
    [1, 'sistema remetente', 'sei-estado', /^PUT tickets-de-envio-de-componente\/T-42\/protocolos\/componentes-a-enviar/],
    [2, 'sistema destinatário', 'sei-municipio', /^GET tramites\/pendentes, depois GET tramites\/1000000042 /],
    [3, 'sistema destinatário', 'sei-municipio', /^POST tramites\/1000000042\/protocolos\/componentes-digitais/],
    [4, 'sistema destinatário', 'sei-municipio', /^POST tramites\/1000000042\/recibo .* ou POST tramites\/1000000042\/recusa$/],
  ] as const)('in %i names the %s (%s) and the call %s, with the time left before automatic cancellation', (s, quem, sistema, call) => {
    const a = at(s)!;
    expect(a).toMatchObject({ quemDeveAgir: quem, sistema, motivo: null, cancelamentoAutomaticoEm: '2026-03-18T12:00:00.000Z' });
    expect(a.chamadaEsperada).toMatch(call);
    // 8 days from the last transition, 2 hours of them gone
    expect(a.minutosAteCancelamentoAutomatico).toBe(8 * 24 * 60 - 120);
  });

  it.each([
    [5, /^GET tramites\/pendentes, depois GET tramites\/1000000042\/recibo$/],
    [8, /^GET tramites\/pendentes, depois GET tramites\/1000000042\/ciencia$/],
  ] as const)('in %i names the sender and never an automatic cancellation (spec §5.4)', (s, call) => {
    const a = at(s)!;
    expect(a).toMatchObject({ quemDeveAgir: 'sistema remetente', sistema: 'sei-estado', cancelamentoAutomaticoEm: null, minutosAteCancelamentoAutomatico: null });
    expect(a.chamadaEsperada).toMatch(call);
  });

  it.each([6, 7, 9, 10] as const)('names nobody in the final situação %i', (s) => {
    expect(at(s)).toBeNull();
  });

  it('names the hub once the idle period is over and the sweep has not cancelled it yet', () => {
    clock.set(new Date(new Date(T0).getTime() + 8 * DAY + 60_000));
    const a = at(3)!;
    expect(a).toMatchObject({ quemDeveAgir: 'hub', sistema: null, minutosAteCancelamentoAutomatico: 0 });
    expect(a.chamadaEsperada).toBe('varredura de cancelamento automático (situação 3 → 10)');
    // 5 and 8 are never cancelled: still the sender's, however long
    expect(at(5)!.quemDeveAgir).toBe('sistema remetente');
    clock.set(new Date(new Date(T0).getTime() + 2 * 3_600_000));
  });

  it('names an operator when the system expected cannot act: cancel in 1–4, restore the system in 5 or 8', () => {
    const suspended: CanAct = (id) => (id === 'sei-municipio' ? { ok: false, why: 'o participante PME do sistema "sei-municipio" está suspenso' } : { ok: true });
    const in2 = at(2, suspended)!;
    expect(in2).toMatchObject({ quemDeveAgir: 'operador', sistema: 'sei-municipio', motivo: 'o participante PME do sistema "sei-municipio" está suspenso' });
    expect(in2.chamadaEsperada).toBe('DELETE /admin/api/tramites/1000000042 (cancelar), ou reativar o sistema "sei-municipio"');
    // the sender can act in 1: the receiver's suspension does not matter yet
    expect(at(1, suspended)!.quemDeveAgir).toBe('sistema remetente');
    const senderGone: CanAct = (id) => (id === 'sei-estado' ? { ok: false, why: 'o sistema "sei-estado" está desativado' } : { ok: true });
    expect(at(5, senderGone)!.chamadaEsperada).toBe('reativar o sistema "sei-estado" ou o seu participante (a situação 5 não se cancela)');
  });
});
