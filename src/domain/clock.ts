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
