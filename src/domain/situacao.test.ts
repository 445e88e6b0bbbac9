import { describe, expect, it } from 'vitest';
import { canTransition, isPendenciaFor, needingSituacoes, ruleFor, transitions, WORKFLOW, type Situacao, type WorkflowEvent } from './situacao.ts';

describe('trâmite state machine', () => {
  it('allows the normal flow 1→2→3→4→5→6 and nothing that skips a step', () => {
    expect(canTransition(1, 2, 'hub')).toBe(true);
    expect(canTransition(2, 3, 'receiver')).toBe(true);
    expect(canTransition(3, 4, 'hub')).toBe(true);
    expect(canTransition(4, 5, 'receiver')).toBe(true);
    expect(canTransition(5, 6, 'sender')).toBe(true);
    expect(canTransition(1, 3)).toBe(false);
    expect(canTransition(2, 5)).toBe(false);
  });

  it('never leaves a final situação', () => {
    for (const from of [6, 7, 9, 10] as Situacao[]) {
      for (let to = 1; to <= 10; to++) expect(canTransition(from, to as Situacao)).toBe(false);
    }
  });

  it('lets only the receiver refuse, and only in 3 or 4', () => {
    expect(canTransition(3, 8, 'receiver')).toBe(true);
    expect(canTransition(4, 8, 'receiver')).toBe(true);
    expect(canTransition(2, 8, 'receiver')).toBe(false);
    expect(canTransition(3, 8, 'sender')).toBe(false);
  });

  it('does not list a normal trâmite in 1 as a pendência, but lists a replay', () => {
    expect(isPendenciaFor('sender', 1, false)).toBe(false);
    expect(isPendenciaFor('sender', 1, true)).toBe(true);
    expect(isPendenciaFor('receiver', 2, false)).toBe(true);
    expect(isPendenciaFor('receiver', 5, false)).toBe(false);
    expect(isPendenciaFor('sender', 5, false)).toBe(true);
    expect(isPendenciaFor('sender', 8, false)).toBe(true);
  });

  it('names one rule per event, so a service asking for a move gets exactly one from→to', () => {
    const events = transitions.map((t) => t.on);
    expect(new Set(events).size).toBe(events.length);
    expect(ruleFor(WORKFLOW, 'componentes_recebidos')).toMatchObject({ from: [1], to: 2 });
    expect(ruleFor({ ...WORKFLOW, transitions: [] }, 'recusa' as WorkflowEvent)).toBeNull();
  });

  it('keeps its sets consistent with the table: open situações are the ones cancellation and idleness leave, final ones have no way out', () => {
    expect([...ruleFor(WORKFLOW, 'cancelamento')!.from]).toEqual([...WORKFLOW.open]);
    expect([...ruleFor(WORKFLOW, 'inatividade')!.from]).toEqual([...WORKFLOW.open]);
    for (const f of WORKFLOW.final) expect(transitions.some((t) => t.from.includes(f))).toBe(false);
    for (const c of WORKFLOW.cancelled) expect(WORKFLOW.final).toContain(c);
    expect(WORKFLOW.open.some((s) => WORKFLOW.final.includes(s))).toBe(false);
    expect(needingSituacoes(WORKFLOW)).toEqual([1, 2, 3, 4, 5, 6, 8, 9]);
  });
});
