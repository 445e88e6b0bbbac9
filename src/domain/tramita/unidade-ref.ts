/**
 * Units (`UnidadeRef`, spec §2 and §4.3): a repository id and a structure id. Requests carry the
 * structure id as a JSON integer or a digit string and the hub MUST accept both; Elo holds it as
 * a normalised digit string, the form structure lookups answer with.
 */
import { err, ok, type Result } from '../result.ts';
import { fieldPath, type IssueSink } from './issues.ts';
import { field, isObject, messages, type JsonObject } from './readers.ts';
import type { UnidadeRef } from './types.ts';

/** Structure ids are "within signed 64-bit range" (§3.5). */
const MAX_STRUCTURE_ID = 9223372036854775807n;
const DIGITS = /^[0-9]+$/;

/**
 * A structure id as its canonical digit string: leading zeros stripped ("0" stays "0"), at most
 * 2^63-1. A JSON number above 2^53-1 has already lost digits in parsing, so it is refused with
 * a request to send the id as text. The error is a Portuguese message completing "<path> …".
 *
 * @example
 * normaliseStructureId('000159098'); // { ok: true, value: '159098' }
 * normaliseStructureId(159098); // { ok: true, value: '159098' }
 */
export function normaliseStructureId(v: unknown): Result<string, string> {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0)
      return err('deve ser um número inteiro não negativo ou um texto de dígitos');
    if (!Number.isSafeInteger(v))
      return err(
        'é grande demais para ser lido com exatidão como número; envie-o como texto de dígitos',
      );
    return ok(String(v));
  }
  if (typeof v === 'string') {
    if (!DIGITS.test(v)) return err('deve conter apenas dígitos');
    const digits = v.replace(/^0+(?=[0-9])/, '');
    if (digits.length > 19 || BigInt(digits) > MAX_STRUCTURE_ID)
      return err(`excede o maior identificador de estrutura aceito (${MAX_STRUCTURE_ID})`);
    return ok(digits);
  }
  return err('deve ser um número inteiro ou um texto de dígitos');
}

/** Repository ids are plain integers (§3.6); a digit string is accepted as for structures. */
function normaliseRepositoryId(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && DIGITS.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** A UnidadeRef value at `path`. */
export function parseUnidadeRef(
  v: unknown,
  path: string,
  issues: IssueSink,
): UnidadeRef | undefined {
  if (!isObject(v)) {
    issues.add(path, messages.object);
    return undefined;
  }
  const repPath = fieldPath(path, 'identificacaoDoRepositorioDeEstruturas');
  const rep = field(v, 'identificacaoDoRepositorioDeEstruturas');
  let repositorio: number | undefined;
  if (rep === undefined) issues.add(repPath, messages.required);
  else {
    repositorio = normaliseRepositoryId(rep);
    if (repositorio === undefined) issues.add(repPath, 'deve ser um número inteiro não negativo');
  }

  const estPath = fieldPath(path, 'numeroDeIdentificacaoDaEstrutura');
  const est = field(v, 'numeroDeIdentificacaoDaEstrutura');
  let estrutura: string | undefined;
  if (est === undefined) issues.add(estPath, messages.required);
  else {
    const r = normaliseStructureId(est);
    if (r.ok) estrutura = r.value;
    else issues.add(estPath, r.error);
  }

  return repositorio === undefined || estrutura === undefined
    ? undefined
    : {
        identificacaoDoRepositorioDeEstruturas: repositorio,
        numeroDeIdentificacaoDaEstrutura: estrutura,
      };
}

/** A required UnidadeRef field of `obj`. */
export function readUnidadeRef(
  obj: JsonObject,
  key: string,
  parent: string,
  issues: IssueSink,
): UnidadeRef | undefined {
  const path = fieldPath(parent, key);
  const v = field(obj, key);
  if (v === undefined) {
    issues.add(path, messages.required);
    return undefined;
  }
  return parseUnidadeRef(v, path, issues);
}

/** Same unit: ids compared in normalised form. */
export const sameUnidade = (a: UnidadeRef, b: UnidadeRef): boolean =>
  a.identificacaoDoRepositorioDeEstruturas === b.identificacaoDoRepositorioDeEstruturas &&
  a.numeroDeIdentificacaoDaEstrutura === b.numeroDeIdentificacaoDaEstrutura;
