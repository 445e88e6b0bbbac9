import { z } from 'zod';

/**
 * What a system declares it accepts (README "Capacidades dos sistemas"): the mime types of the
 * components it takes, the largest component, and whether it handles envio parcial (spec §6.2).
 * An SEI keeps its own limits inside the PEN module and refuses by itself (spec §8.1: "each
 * destination applies its own"; §8.2: refusal by extension): the hub reads a declaration only
 * to warn a sender in preflight, and never refuses a start because of it.
 */
export interface Capabilities {
  /** Types it accepts (a component's `mimeType`, or for `outro` its real type); null: not declared. */
  mimeTypesAceitos: string[] | null;
  /** Largest component it accepts, in bytes; null: not declared. */
  tamanhoMaximoEmBytes: number | null;
  /** Whether it receives envio parcial (spec §6.2); null: not declared. */
  envioParcial: boolean | null;
}

export interface DeclaredCapabilities extends Capabilities {
  systemId: string;
  /** Who wrote the declaration: the system itself (native face) or an administrator. */
  declaradoPor: 'sistema' | 'administracao';
  at: string;
  actor: string;
}

export const NOT_DECLARED: Capabilities = { mimeTypesAceitos: null, tamanhoMaximoEmBytes: null, envioParcial: null };

/** spec §3.3/§8.1: a mimeType has at most 100 characters. */
const mimeType = z
  .string({ error: 'cada tipo deve ser um texto' })
  .trim()
  .toLowerCase()
  .min(1, 'tipo em branco')
  .max(100, 'mimeType com mais de 100 caracteres (spec §8.1)')
  .regex(/^(outro|[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*)$/, 'use tipo/subtipo, p. ex. application/pdf, ou outro');

export const CAPABILITY_FIELDS = ['mimeTypesAceitos', 'tamanhoMaximoEmBytes', 'envioParcial'] as const;

/** A declaration as a system or administrator sends it; a field left out (or null) is not declared. */
export const capabilitiesInputSchema = z
  .object({
    mimeTypesAceitos: z.array(mimeType, { error: 'deve ser uma lista de tipos, p. ex. ["application/pdf"]' }).max(500, 'no máximo 500 tipos').nullable().optional(),
    tamanhoMaximoEmBytes: z
      .number({ error: 'deve ser um número de bytes' })
      .int('deve ser um número inteiro de bytes')
      .positive('deve ser maior que zero')
      .max(Number.MAX_SAFE_INTEGER, 'grande demais')
      .nullable()
      .optional(),
    envioParcial: z.boolean({ error: 'deve ser true ou false' }).nullable().optional(),
  })
  .strict();

export function toCapabilities(input: z.output<typeof capabilitiesInputSchema>): Capabilities {
  return {
    mimeTypesAceitos: input.mimeTypesAceitos ? [...new Set(input.mimeTypesAceitos)].sort() : null,
    tamanhoMaximoEmBytes: input.tamanhoMaximoEmBytes ?? null,
    envioParcial: input.envioParcial ?? null,
  };
}

/** The type a component really is: `outro` carries it in `dadosComplementaresDoTipoDeArquivo` (spec §3.3, §8.2). */
export function effectiveMimeType(c: { mimeType?: string; dadosComplementaresDoTipoDeArquivo?: string }): string {
  const declared = (c.mimeType ?? '').trim().toLowerCase();
  const real = (c.dadosComplementaresDoTipoDeArquivo ?? '').trim().toLowerCase();
  return declared === 'outro' && real ? real : declared;
}

/** Whether the declaration accepts the component: its real type, or `outro` when the system lists `outro`. */
export function acceptsMimeType(caps: Capabilities, c: { mimeType?: string; dadosComplementaresDoTipoDeArquivo?: string }): boolean {
  if (!caps.mimeTypesAceitos) return true;
  const accepted = new Set(caps.mimeTypesAceitos);
  return accepted.has(effectiveMimeType(c)) || accepted.has((c.mimeType ?? '').trim().toLowerCase());
}
