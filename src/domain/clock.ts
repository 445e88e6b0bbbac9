/**
 * Time and identifiers are ports: domain code never reads the wall clock or a random source
 * itself, so tests move time instead of sleeping (STYLE: boulder's injected clock).
 */
export interface Clock {
  now(): Date;
}

export interface Ids {
  /** An opaque unique id (request ids, event ids). */
  uuid(): string;
  /** Cryptographically random bytes (tokens). */
  randomBytes(length: number): Uint8Array;
}

/** A clock whose time is set by the test. */
export class FixedClock implements Clock {
  #at: number;
  constructor(at: Date | string) {
    this.#at = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date | string): void {
    this.#at = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.#at += ms;
  }
}

/**
 * Real-time timers are a port too: a held request must end on the wall clock (the client gives
 * up at 300 s, spec §2.15) even when tests hold the Clock still, and tests fire timers instead
 * of sleeping. Runtime supplies setTimeout; tests supply `ManualTimers`.
 */
export interface Timers {
  /** Calls `fn` once, `ms` milliseconds from now; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** Timers fired by the test: `advance` moves their time (and the clock, when given) forward. */
export class ManualTimers implements Timers {
  #now = 0;
  #seq = 0;
  #pending = new Map<number, { at: number; fn: () => void }>();
  constructor(private readonly clock?: FixedClock) {}
  after(ms: number, fn: () => void): () => void {
    const id = ++this.#seq;
    this.#pending.set(id, { at: this.#now + Math.max(0, ms), fn });
    return () => void this.#pending.delete(id);
  }
  /** Timers not yet fired nor cancelled. */
  get pending(): number {
    return this.#pending.size;
  }
  /** Moves time forward by `ms`, firing what falls due, earliest first. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.clock?.advance(due[1].at - this.#now);
      this.#now = due[1].at;
      due[1].fn();
    }
    this.clock?.advance(end - this.#now);
    this.#now = end;
  }
}
