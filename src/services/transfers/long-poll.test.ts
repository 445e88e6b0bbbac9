import { describe, expect, it } from 'vitest';
import { FixedClock, ManualTimers } from '../../domain/clock.ts';
import type { Caller } from '../../domain/identity.ts';
import type { Situacao } from '../../domain/situacao.ts';
import type { TramiteRecord } from '../../domain/tramite.ts';
import type { Store } from '../../store/index.ts';
import { inProcessNotifier } from '../../domain/notifier.ts';
import { longPollService } from './long-poll.ts';
import { notifyingTramites } from './notify-transitions.ts';

const HOLD_MS = 280_000;
const caller = (id: string) => ({ system: { id } }) as unknown as Caller;
type Pair = { idt: number; situacao: Situacao };

/**
 * A long-poll over a scripted store read: `answers` is what each read finds; reads are counted,
 * time is the test's (no real sleeping).
 */
function setup(answers: { next: Pair | null; reofferAt?: number | null }[] = [], duringRead?: (read: number) => void) {
  const clock = new FixedClock('2026-01-01T00:00:00Z');
  const timers = new ManualTimers(clock);
  const notifier = inProcessNotifier();
  const reads: number[] = [];
  const service = longPollService(
    { clock, settings: { longPollMs: HOLD_MS } as never },
    async () => {
      reads.push(clock.now().getTime());
      duringRead?.(reads.length);
      const a = answers.shift() ?? { next: null };
      return { next: a.next, reofferAt: a.reofferAt ?? null };
    },
    notifier,
    timers,
  );
  return { clock, timers, notifier, reads, service };
}

/** Lets pending promise callbacks run (the service reads asynchronously). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('long-poll wait (spec §2.15)', () => {
  it('answers at once, reading the store once, when a pendência is there', async () => {
    const { service, reads, timers, notifier } = setup([{ next: { idt: 7, situacao: 2 } }]);
    expect(await service.wait(caller('a'), 0)).toEqual({ idt: 7, situacao: 2 });
    expect(reads).toHaveLength(1);
    expect(timers.pending).toBe(0);
    expect(notifier.listeners('a')).toBe(0);
  });

  it('reads the store once and then waits, however long nothing changes, and answers null when the hold ends', async () => {
    const { service, reads, timers, notifier } = setup();
    let answer: Pair | null | 'waiting' = 'waiting';
    void service.wait(caller('a'), 0).then((a) => (answer = a));
    await settle();
    timers.advance(HOLD_MS - 1);
    await settle();
    // the old handler read the store every 250 ms: 1 120 reads in this hold
    expect(reads).toHaveLength(1);
    expect(answer).toBe('waiting');
    timers.advance(1);
    await settle();
    expect(answer).toBeNull();
    expect(reads.length).toBeLessThanOrEqual(2);
    expect(timers.pending).toBe(0);
    expect(notifier.listeners('a')).toBe(0);
  });

  it('reads again when a transition of the caller’s trâmites is signalled, and not for another system’s', async () => {
    const { service, reads, notifier } = setup([{ next: null }, { next: { idt: 9, situacao: 2 } }]);
    const waiting = service.wait(caller('a'), 0);
    await settle();
    notifier.notify(['b']);
    await settle();
    expect(reads).toHaveLength(1);
    notifier.notify(['b', 'a']);
    expect(await waiting).toEqual({ idt: 9, situacao: 2 });
    expect(reads).toHaveLength(2);
  });

  it('does not miss a transition signalled while the store is being read', async () => {
    let notifier: ReturnType<typeof inProcessNotifier> | undefined;
    const s = setup([{ next: null }, { next: { idt: 3, situacao: 5 } }], (read) => {
      if (read === 1) notifier!.notify(['a']); // committed while the first read runs
    });
    notifier = s.notifier;
    expect(await s.service.wait(caller('a'), 0)).toEqual({ idt: 3, situacao: 5 });
    expect(s.reads).toHaveLength(2);
  });

  it('reads again when a pair held back as recently offered may be offered again, on the injected clock', async () => {
    const { service, reads, timers, clock } = setup([
      { next: null, reofferAt: new Date('2026-01-01T00:01:00Z').getTime() },
      { next: { idt: 4, situacao: 3 } },
    ]);
    const waiting = service.wait(caller('a'), 0);
    await settle();
    timers.advance(59_999);
    await settle();
    expect(reads).toHaveLength(1);
    timers.advance(1);
    expect(await waiting).toEqual({ idt: 4, situacao: 3 });
    expect(reads).toEqual([Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:01:00Z')]);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:01:00.000Z');
  });

  it('ends with null when the client goes away, and leaves no listener nor timer behind', async () => {
    const { service, timers, notifier } = setup();
    const abort = new AbortController();
    const waiting = service.wait(caller('a'), 0, abort.signal);
    await settle();
    expect(notifier.listeners('a')).toBe(1);
    abort.abort();
    expect(await waiting).toBeNull();
    expect(timers.pending).toBe(0);
    expect(notifier.listeners('a')).toBe(0);
  });
});

describe('trâmite writes signal the notifier (services/transfers/notify-transitions.ts)', () => {
  const record = (idt: number) => ({ idt, senderSystemId: 'remetente', receiverSystemId: 'destinatario' }) as TramiteRecord;
  const fake = {
    transition: async (input: { idt: number }) => ({ ok: true, tramite: record(input.idt), changed: true }),
    markReceived: async () => [record(1), record(2)],
    advance: async () => ({ ok: false, reason: 'not_found' }),
    get: async (idt: number) => record(idt),
  } as unknown as Store['tramites'];

  const signals = () => {
    const notifier = inProcessNotifier();
    const seen: string[] = [];
    for (const id of ['remetente', 'destinatario', 'outro']) notifier.subscribe(id, () => seen.push(id));
    return { tramites: notifyingTramites(fake, notifier), seen };
  };

  it('signals the sender and the receiver once a transition commits', async () => {
    const { tramites, seen } = signals();
    await tramites.transition({ idt: 1, from: [1], to: 2, at: 'at', audit: { kind: 'k', actor: 'x' } });
    expect(seen.sort()).toEqual(['destinatario', 'remetente']);
    seen.length = 0;
    await tramites.markReceived([1, 2], 'h', 1, 'key', 'at', { kind: 'k', actor: 'x' }, []);
    expect(seen.sort()).toEqual(['destinatario', 'remetente']);
  });

  it('signals nothing for a refused write or a read', async () => {
    const { tramites, seen } = signals();
    await tramites.advance({ idt: 1, at: 'at', moves: [] });
    expect(await tramites.get(5)).toMatchObject({ idt: 5 });
    expect(seen).toEqual([]);
  });
});
