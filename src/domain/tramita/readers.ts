/**
 * Field readers for Tramita JSON bodies. Each reads one field of an object, records an issue
 * (spec §8.4 `0001`) when the value is wrong, and returns the value, or `undefined` when it is
 * absent or wrong. Callers read every field before deciding, so one pass reports all problems.
 *
 * Absent means missing or `null`: PHP's json_encode writes `null` for unset properties, and
 * §1.5.2 treats null parameters as absent.
 */
import { fieldPath, type IssueSink } from './issues.ts';

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An own field of `obj`; `null` reads as absent. Own only, so nothing comes from a prototype. */
export function field(obj: JsonObject, key: string): unknown {
  if (!Object.hasOwn(obj, key)) return undefined;
  const v = obj[key];
  return v === null ? undefined : v;
}

/** Drops keys whose value is `undefined`, so parsed output carries only fields that were sent. */
export function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

export const messages = {
  required: 'é obrigatório',
  string: 'deve ser um texto',
  empty: 'não pode ser vazio',
  tooLong: (max: number, got: number) => `deve ter no máximo ${max} caracteres (tem ${got})`,
  integer: (min: number) => `deve ser um número inteiro maior ou igual a ${min}`,
  boolean: 'deve ser um valor lógico (true ou false)',
  date: 'deve ser uma data e hora ISO-8601, como 2026-03-10T14:22:05-03:00',
  object: 'deve ser um objeto',
  array: 'deve ser uma lista',
  tooMany: (max: number, got: number) =>
    `deve ter no máximo ${max} elementos (tem ${got}); esse é o limite do barramento`,
} as const;

/**
 * Length in characters (Unicode code points), the unit of the §8.1 limits; `String.length`
 * would count an emoji twice.
 */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
}

/** True when `s` is longer than `max` characters; cheap for the common short string. */
const exceeds = (s: string, max: number): boolean => s.length > max && charLength(s) > max;

interface StringOptions {
  required?: boolean;
  /** Refuse `""` and blank text. */
  nonEmpty?: boolean;
  /** §8.1 limit, in characters. */
  max?: number;
}

export function readString(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
  opts: StringOptions = {},
): string | undefined {
  const path = fieldPath(parent, key);
  const v = field(obj, key);
  if (v === undefined) {
    if (opts.required) issues.add(path, messages.required);
    return undefined;
  }
  if (typeof v !== 'string') {
    issues.add(path, messages.string);
    return undefined;
  }
  if (opts.nonEmpty && v.trim() === '') {
    issues.add(path, messages.empty);
    return undefined;
  }
  if (opts.max !== undefined && exceeds(v, opts.max)) {
    issues.add(path, messages.tooLong(opts.max, charLength(v)));
    return undefined;
  }
  return v;
}

/**
 * A text that some senders write as a JSON number: SEI sends the producer's CPF as a number
 * (`getDblCpfContato()`), other senders as a string. Kept as the digits' text.
 */
export function readText(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
  opts: { max?: number } = {},
): string | undefined {
  const v = field(obj, key);
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return readString(obj, key, parent, issues, opts);
}

export function readInteger(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
  opts: { required?: boolean; min: number },
): number | undefined {
  const path = fieldPath(parent, key);
  const v = field(obj, key);
  if (v === undefined) {
    if (opts.required) issues.add(path, messages.required);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < opts.min) {
    issues.add(path, messages.integer(opts.min));
    return undefined;
  }
  return v;
}

/**
 * Booleans as §1.5.2 describes them: JSON booleans, and `1`/`0`/`"1"`/`"0"`/`"true"`/`"false"`
 * as PHP senders produce them. Returns `undefined` for anything else.
 */
export function parseBoolean(v: unknown): boolean | undefined {
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  return undefined;
}

/** An optional boolean field; absent (or wrong, with an issue) gives `fallback`. */
export function readBoolean(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
  fallback: boolean,
): boolean {
  const v = field(obj, key);
  if (v === undefined) return fallback;
  const b = parseBoolean(v);
  if (b === undefined) {
    issues.add(fieldPath(parent, key), messages.boolean);
    return fallback;
  }
  return b;
}

// Date, time with seconds, optional fraction, optional offset (Z, ±hh:mm or ±hhmm) (§1.5.8).
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):?(\d{2}))?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * ISO-8601 date-time as §1.5.8 requires the hub to accept: a numeric offset, `Z`, optional
 * fraction; a value without offset is accepted too (local time of the sender).
 *
 * @example
 * isIsoDateTime('2026-03-10T14:22:05-03:00'); // true
 * isIsoDateTime('2026-02-30T10:00:00Z'); // false
 */
export function isIsoDateTime(s: string): boolean {
  const m = ISO_DATE_TIME.exec(s);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  return true;
}

/**
 * A date-time field, kept as sent. `""` reads as absent: SEI's `converterDataWebService`
 * writes an empty string when the date is not set.
 */
export function readDateTime(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
  opts: { required?: boolean } = {},
): string | undefined {
  const path = fieldPath(parent, key);
  const v = field(obj, key);
  if (v === undefined || v === '') {
    if (opts.required) issues.add(path, messages.required);
    return undefined;
  }
  if (typeof v !== 'string' || !isIsoDateTime(v)) {
    issues.add(path, messages.date);
    return undefined;
  }
  return v;
}

export function readObject(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
  opts: { required?: boolean } = {},
): JsonObject | undefined {
  const path = fieldPath(parent, key);
  const v = field(obj, key);
  if (v === undefined) {
    if (opts.required) issues.add(path, messages.required);
    return undefined;
  }
  if (!isObject(v)) {
    issues.add(path, messages.object);
    return undefined;
  }
  return v;
}

export function readArray(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
  opts: {
    required?: boolean;
    /** message when the list is empty */ nonEmpty?: string;
    /** Most elements accepted; a longer list is refused before any element is read. */ max?: number;
  } = {},
): unknown[] | undefined {
  const path = fieldPath(parent, key);
  const v = field(obj, key);
  if (v === undefined) {
    if (opts.required) issues.add(path, messages.required);
    return undefined;
  }
  if (!Array.isArray(v)) {
    issues.add(path, messages.array);
    return undefined;
  }
  if (opts.nonEmpty !== undefined && v.length === 0) {
    issues.add(path, opts.nonEmpty);
    return undefined;
  }
  if (opts.max !== undefined && v.length > opts.max) {
    issues.add(path, messages.tooMany(opts.max, v.length));
    return undefined;
  }
  return v;
}
