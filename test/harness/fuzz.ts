import fc from 'fast-check';
import { EloError } from '../../src/domain/errors.ts';

/**
 * Shared pieces of the fuzzing of Elo's parsers (issue 12, item 4): how many inputs a property
 * gets, the arbitraries built from the real shapes, and the one rule every parser obeys — it
 * answers a value or a catalogued refusal, and never throws anything else.
 *
 * The normal tier (test/fuzz/) runs each property `FUZZ_RUNS` times (200 unless set); the
 * reliability tier (test/reliability/fuzz.test.ts) runs each at least 10,000 times.
 */
export const NORMAL_RUNS = 200;
export const RELIABILITY_RUNS = 10_000;

/** Runs per property in the normal tier: `FUZZ_RUNS` when set to a positive integer, else 200. */
export function fuzzRuns(fallback = NORMAL_RUNS): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** `FUZZ_SEED` replays a failing run (fast-check prints the seed and path of a counterexample). */
export function fuzzSeed(): number | undefined {
  const n = Number(process.env.FUZZ_SEED);
  return process.env.FUZZ_SEED && Number.isInteger(n) ? n : undefined;
}

/** A throw that is not a catalogued refusal: the defect the fuzzing looks for. */
export class UncataloguedThrow extends Error {
  constructor(override readonly cause: unknown, readonly input: string) {
    super(`threw ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)} for ${input}`);
  }
}

const show = (x: unknown): string => {
  const s = x instanceof Uint8Array ? `bytes ${Buffer.from(x).toString('base64')}` : JSON.stringify(x);
  return s && s.length > 600 ? `${s.slice(0, 600)}…` : String(s);
};

/** Calls `fn`; an `EloError` (or a class named in `allowed`) is a refusal, anything else a defect. */
export function refusalOrValue<T>(fn: () => T, input: unknown, allowed: (new (...a: never[]) => Error)[] = []): { value: T } | { refused: Error } {
  try {
    return { value: fn() };
  } catch (e) {
    if (e instanceof EloError || allowed.some((k) => e instanceof k)) return { refused: e as Error };
    throw new UncataloguedThrow(e, show(input));
  }
}

export async function refusalOrValueAsync<T>(
  fn: () => Promise<T>,
  input: unknown,
  allowed: (new (...a: never[]) => Error)[] = [],
): Promise<{ value: T } | { refused: Error }> {
  try {
    return { value: await fn() };
  } catch (e) {
    if (e instanceof EloError || allowed.some((k) => e instanceof k)) return { refused: e as Error };
    throw new UncataloguedThrow(e, show(input));
  }
}

/** A Result-returning parser must return `{ ok: true }` or `{ ok: false, error }`, never throw. */
export function mustReturnResult(r: unknown, input: unknown): void {
  if (typeof r !== 'object' || r === null || typeof (r as { ok?: unknown }).ok !== 'boolean')
    throw new Error(`not a Result for ${show(input)}: ${show(r)}`);
  if ((r as { ok: boolean }).ok === false && (r as { error?: unknown }).error === undefined)
    throw new Error(`a refusal without a reason for ${show(input)}`);
}

const utf8 = new TextEncoder();
export const utf8Bytes = (s: string): Uint8Array => utf8.encode(s);

/** Any bytes, short or up to some kilobytes. */
export const anyBytes = (maxLength = 2048) => fc.uint8Array({ maxLength });

/** Any text: full Unicode, lone surrogates included. */
export const anyText = (maxLength = 2048) => fc.string({ unit: 'binary', maxLength });

/** One edit of a byte string: replace, insert or delete one byte, or cut the tail. */
export type ByteEdit = { kind: 'set' | 'insert' | 'delete' | 'cut'; at: number; byte: number };

export const byteEdit = fc.record({
  kind: fc.constantFrom<ByteEdit['kind']>('set', 'set', 'set', 'insert', 'delete', 'cut'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

/** Applies edits to a copy (positions taken modulo the current length; `set` always changes the byte). */
export function applyEdits(src: Uint8Array, edits: readonly ByteEdit[], from = 0): Uint8Array {
  let b = Uint8Array.from(src);
  for (const e of edits) {
    const span = b.length - from;
    if (span <= 0) break;
    const at = from + (e.at % span);
    if (e.kind === 'set') {
      b[at] = b[at] === e.byte ? (e.byte + 1) & 0xff : e.byte;
    } else if (e.kind === 'insert') {
      b = Uint8Array.from([...b.subarray(0, at), e.byte, ...b.subarray(at)]);
    } else if (e.kind === 'delete') {
      b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
    } else {
      b = b.slice(0, at);
    }
  }
  return b;
}

/** Near-valid bytes: a real document with 1–4 byte edits. */
export const mutatedBytes = (valid: Uint8Array, from = 0) =>
  fc.array(byteEdit, { minLength: 1, maxLength: 4 }).map((edits) => applyEdits(valid, edits, from));

/** Near-valid text: a real document with 1–4 byte edits, decoded leniently (U+FFFD for broken UTF-8). */
export const mutatedText = (valid: string, from = 0) =>
  mutatedBytes(utf8.encode(valid), from).map((b) => new TextDecoder().decode(b));

/** A JSON value a hostile or careless client might put anywhere. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 1.5, 2 ** 53 + 1, '', ' ', '0', 'null', '\u0000', '../../etc/passwd', '<x/>', '\uFEFF'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 300, maxLength: 2000 }),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)), { maxKeys: 4 }),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (keys and indices) to a value inside `v`, the root included, up to `limit` of them. */
export function jsonPaths(v: Json, limit = 2000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (x: Json, path: (string | number)[]) => {
    if (out.length >= limit) return;
    out.push(path);
    if (Array.isArray(x)) x.forEach((c, i) => walk(c, [...path, i]));
    else if (x && typeof x === 'object') for (const [k, c] of Object.entries(x)) walk(c, [...path, k]);
  };
  walk(v, []);
  return out;
}

/** One change to a JSON document: replace a value, delete a member or element, or add an unknown member. */
export type JsonEdit = { kind: 'replace' | 'delete' | 'add' | 'duplicate'; pick: number; value: unknown; key: string };

export const jsonEdit = fc.record({
  kind: fc.constantFrom<JsonEdit['kind']>('replace', 'replace', 'replace', 'delete', 'add', 'duplicate'),
  pick: fc.nat(),
  value: hostileJsonValue,
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'hash', 'ordem', 'documentos', 'componentesDigitais')),
});

/** Applies JSON edits to a deep copy of `doc`, choosing each target among its current paths. */
export function applyJsonEdits(doc: unknown, edits: readonly JsonEdit[]): unknown {
  const root = { v: structuredClone(doc) as Json };
  for (const edit of edits) {
    // values of fc.constant are shared between runs: never insert one itself
    const e = { ...edit, value: structuredClone(edit.value) };
    const paths = jsonPaths(root.v);
    const path = paths[e.pick % paths.length]!;
    let parent: Json = root as unknown as Json;
    let key: string | number = 'v';
    for (const p of path) {
      parent = (parent as Record<string | number, Json>)[key]!;
      key = p;
    }
    const holder = parent as Record<string | number, Json>;
    const target = holder[key]!;
    if (e.kind === 'replace') holder[key] = e.value as Json;
    else if (e.kind === 'delete') {
      if (Array.isArray(holder)) holder.splice(key as number, 1);
      else if (holder !== (root as unknown)) delete holder[key];
    } else if (e.kind === 'add') {
      if (target && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
      else if (Array.isArray(target)) target.push(e.value as Json);
    } else if (Array.isArray(target) && target.length > 0) target.push(structuredClone(target[e.pick % target.length]!));
  }
  return root.v;
}

/** Near-valid JSON text: a real document with 1–3 edits, sometimes with a member written twice. */
export const mutatedJsonText = (doc: unknown) =>
  fc.tuple(fc.array(jsonEdit, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.nat()).map(([edits, dupKey, at]) => {
    const text = JSON.stringify(applyJsonEdits(doc, edits));
    if (!dupKey) return text;
    // A duplicate key (JSON.parse keeps the last; Elo must not read one and relay the other).
    const colon = [...text.matchAll(/"([^"\\]{1,40})":/g)];
    const m = colon[at % Math.max(1, colon.length)];
    if (!m || m.index === undefined) return text;
    const close = text.indexOf('}', m.index);
    return close < 0 ? text : `${text.slice(0, close)},${m[0]}null${text.slice(close)}`;
  });

/** fast-check parameters for a tier: the run count, a time cap on the whole run, a replayable seed. */
export function fuzzParams(runs: number, opts: { timeLimitMs?: number } = {}): fc.Parameters<unknown> {
  const seed = fuzzSeed();
  return {
    numRuns: runs,
    ...(seed === undefined ? {} : { seed }),
    // A property that does not finish its runs in the cap fails instead of stalling the suite.
    ...(opts.timeLimitMs ? { interruptAfterTimeLimit: opts.timeLimitMs, markInterruptAsFailure: true } : {}),
    endOnFailure: false,
  };
}
