import { z } from 'zod';
import { cnpjProblemMessage, formatCnpj, parseCnpj } from './cnpj.ts';

/**
 * A participant of the federation (órgão or entidade, a legal entity with a CNPJ) as its
 * administrators register it, and the lifecycle that decides whether its systems may transfer.
 */

export const ESFERAS = ['municipal', 'estadual', 'distrital', 'federal'] as const;
export type Esfera = (typeof ESFERAS)[number];

export const PODERES = [
  'executivo',
  'legislativo',
  'judiciario',
  'ministerio_publico',
  'tribunal_de_contas',
  'defensoria',
  'consorcio_publico',
  'outro',
] as const;
export type Poder = (typeof PODERES)[number];

/**
 * The IBGE codes of the federation units (the first two digits of every municipality's code).
 * Source: IBGE, "Códigos dos municípios" (Divisão Territorial Brasileira).
 */
export const UF_IBGE: Readonly<Record<string, string>> = {
  RO: '11', AC: '12', AM: '13', RR: '14', PA: '15', AP: '16', TO: '17',
  MA: '21', PI: '22', CE: '23', RN: '24', PB: '25', PE: '26', AL: '27', SE: '28', BA: '29',
  MG: '31', ES: '32', RJ: '33', SP: '35',
  PR: '41', SC: '42', RS: '43',
  MS: '50', MT: '51', GO: '52', DF: '53',
};

/**
 * Where a participant stands. `pendente`: registered or requested, not yet approved; `ativo`:
 * its systems transfer; `suspenso`: refused on every transfer face until reactivated;
 * `desligado`: left the federation for good (final: its CNPJ may come back only as a new
 * registration decision, never by reactivation).
 */
export const PARTICIPANT_STATUSES = ['pendente', 'ativo', 'suspenso', 'desligado'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

export const PARTICIPANT_ACTIONS = ['aprovar', 'suspender', 'reativar', 'desligar'] as const;
export type ParticipantAction = (typeof PARTICIPANT_ACTIONS)[number];

/** Which change of status is allowed from where, and the administrator's action that makes it. */
export const PARTICIPANT_LIFECYCLE: Readonly<Record<ParticipantStatus, Readonly<Partial<Record<ParticipantStatus, ParticipantAction>>>>> = {
  pendente: { ativo: 'aprovar', desligado: 'desligar' },
  ativo: { suspenso: 'suspender', desligado: 'desligar' },
  suspenso: { ativo: 'reativar', desligado: 'desligar' },
  desligado: {},
};

export const canMoveParticipant = (from: ParticipantStatus, to: ParticipantStatus): boolean => PARTICIPANT_LIFECYCLE[from][to] !== undefined;

/** The move an action makes: the statuses it may start from and the one it leads to. */
export function participantMove(action: ParticipantAction): { from: ParticipantStatus[]; to: ParticipantStatus } {
  const from: ParticipantStatus[] = [];
  let to: ParticipantStatus | null = null;
  for (const s of PARTICIPANT_STATUSES)
    for (const [target, a] of Object.entries(PARTICIPANT_LIFECYCLE[s]))
      if (a === action) {
        from.push(s);
        to = target as ParticipantStatus;
      }
  if (!to) throw new Error(`no move for ${action}`);
  return { from, to };
}

/** Only an active participant's systems transfer and only its units receive. */
export const participantTransfers = (status: ParticipantStatus): boolean => status === 'ativo';

const STATUS_LABEL: Record<ParticipantStatus, string> = {
  pendente: 'pendente de aprovação',
  ativo: 'ativo',
  suspenso: 'suspenso',
  desligado: 'desligado da federação',
};
export const participantStatusLabel = (s: ParticipantStatus): string => STATUS_LABEL[s];

const trimmed = (max: number) => z.string().trim().min(1, 'não pode ficar em branco').max(max, `no máximo ${max} caracteres`);

export const contactSchema = z.object({
  nome: trimmed(200),
  email: z.string().trim().email('e-mail inválido').max(254),
  telefone: z
    .string()
    .trim()
    .regex(/^\+?[\d\s().-]{8,20}$/, 'telefone inválido: use DDD e número, p. ex. (61) 3333-4444')
    .optional(),
});
export type Contact = z.infer<typeof contactSchema>;

/**
 * What an administrator sends to register a participant. The CNPJ is checked (numeric or
 * alphanumeric) and normalised; UF and IBGE code are required where the sphere needs them and
 * must agree with each other.
 */
export const participantInputSchema = z
  .object({
    cnpj: z.string(),
    nome: trimmed(300),
    sigla: trimmed(50),
    esfera: z.enum(ESFERAS, { message: `esfera deve ser uma de: ${ESFERAS.join(', ')}` }),
    poder: z.enum(PODERES, { message: `poder deve ser um de: ${PODERES.join(', ')}` }).default('executivo'),
    uf: z
      .string()
      .trim()
      .toUpperCase()
      .refine((v) => v in UF_IBGE, 'UF desconhecida: use a sigla de duas letras, p. ex. MG')
      .optional(),
    ibge: z
      .string()
      .trim()
      .regex(/^\d{7}$/, 'o código IBGE do município tem 7 dígitos, p. ex. 3106200')
      .optional(),
    contatos: z.array(contactSchema).max(20).default([]),
  })
  // one refinement for every rule across fields, so that a form with several mistakes hears of all
  .superRefine((p, ctx) => {
    const cnpj = parseCnpj(p.cnpj);
    if (!cnpj.ok) ctx.addIssue({ code: 'custom', path: ['cnpj'], message: cnpjProblemMessage(p.cnpj, cnpj.problem) });
    if (p.esfera !== 'federal' && !p.uf) ctx.addIssue({ code: 'custom', path: ['uf'], message: `a esfera ${p.esfera} exige a UF` });
    if (p.esfera === 'distrital' && p.uf && p.uf !== 'DF') ctx.addIssue({ code: 'custom', path: ['uf'], message: 'a esfera distrital é a do DF' });
    if (p.esfera === 'municipal' && !p.ibge)
      ctx.addIssue({ code: 'custom', path: ['ibge'], message: 'a esfera municipal exige o código IBGE do município (7 dígitos)' });
    if (p.esfera !== 'municipal' && p.ibge)
      ctx.addIssue({ code: 'custom', path: ['ibge'], message: 'o código IBGE de município só se aplica à esfera municipal' });
    if (p.ibge && p.uf && UF_IBGE[p.uf] && !p.ibge.startsWith(UF_IBGE[p.uf]!))
      ctx.addIssue({ code: 'custom', path: ['ibge'], message: `o código IBGE ${p.ibge} não é de município de ${p.uf} (os de ${p.uf} começam com ${UF_IBGE[p.uf]})` });
  })
  // stored unformatted (cnpj.ts)
  .transform((p) => ({ ...p, cnpj: (parseCnpj(p.cnpj) as { cnpj: string }).cnpj }));
export type ParticipantInput = z.output<typeof participantInputSchema>;

/** A registered participant: what was registered, where it stands and why. */
export interface Participant {
  /** Opaque and stable; administrators name a participant by its CNPJ. */
  id: string;
  /** Unformatted (see cnpj.ts). */
  cnpj: string;
  nome: string;
  sigla: string;
  esfera: Esfera;
  poder: Poder;
  uf: string | null;
  ibge: string | null;
  contatos: Contact[];
  status: ParticipantStatus;
  /** The reason given at the last change of status (empty when none was asked). */
  statusReason: string;
  statusChangedAt: string;
}

/** One change of a participant's status: who, when, why (the history an administrator reads). */
export interface ParticipantStatusChange {
  participantId: string;
  from: ParticipantStatus | null;
  to: ParticipantStatus;
  at: string;
  actor: string;
  reason: string;
}

/** The name a person reads: "Prefeitura de Exemplópolis (PMEX, CNPJ 11.111.111/0001-91)". */
export const participantLabel = (p: Pick<Participant, 'nome' | 'sigla' | 'cnpj'>): string =>
  `${p.nome} (${p.sigla ? `${p.sigla}, ` : ''}CNPJ ${formatCnpj(p.cnpj)})`;
