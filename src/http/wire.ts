import { clip } from '../domain/bounded-text.ts';
import type { EloError } from '../domain/errors.ts';
import { validationFailed } from '../domain/tramita/index.ts';

/**
 * Wire quirks of the Tramita face (spec §1.5): PHP-style booleans, digit strings, empty bodies
 * declared as JSON.
 */
export function parseBool(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  const s = v.toLowerCase();
  if (s === '1' || s === 'true') return true;
  if (s === '0' || s === 'false') return false;
  return undefined;
}

export function validationError(path: string, problem: string): EloError {
  return validationFailed({ path, message: problem }, { issues: [{ path, message: problem }] });
}

/** A positive integer path or query parameter, or a 0001 naming it. */
export function parsePositiveInt(v: string | undefined, name: string): number {
  if (v === undefined || !/^\d{1,16}$/.test(v) || Number(v) <= 0 || !Number.isSafeInteger(Number(v)))
    throw validationError(name, `deve ser um número inteiro positivo (recebido: "${clip(v ?? '')}")`);
  return Number(v);
}

export function optionalInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  return parsePositiveInt(v, name);
}

/** Structure ids are digit strings; leading zeros are not significant (spec §4.3). */
export function normaliseStructureId(v: string): string | undefined {
  if (!/^\d{1,19}$/.test(v)) return undefined;
  return BigInt(v).toString();
}

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });

/**
 * What a start answers about the trâmite it created (spec §2.8), on the Tramita face and the
 * native face alike; each adds the components it asks for under its own name.
 */
export const startedTramite = (t: { idt: number; nre: string; ticket: string | null; createdAt: string }) => ({
  IDT: t.idt,
  NRE: t.nre,
  ticketParaEnvioDeComponentesDigitais: t.ticket,
  dataHoraDeRegistroDoTramite: t.createdAt,
});
