import { z } from 'zod';

/**
 * The registry: participants (legal entities), their repositories of structures, the structures
 * (units) and the systems (SPE) that act for them (ARCHITECTURE "Names"; spec §1.4, §3.5, §3.6).
 */

import { parseCnpj } from './cnpj.ts';
import { ESFERAS, type Esfera, type Participant, type ParticipantStatus } from './participant.ts';

export type { Esfera, Participant };

export interface Repository {
  id: number;
  nome: string;
  ativo: boolean;
  participantId: string | null;
}

export interface Structure {
  repositoryId: number;
  /** `numeroDeIdentificacaoDaEstrutura`: digit string, stable (spec §3.5, §4.3). */
  numero: string;
  nome: string;
  sigla: string;
  ativo: boolean;
  parentNumero: string | null;
  unidadeReceptora: boolean;
  aptoParaReceberTramites: boolean;
  aptoParaEnviarTramites: boolean;
  codigoNoOrgaoEntidade: string;
  codigoUnidadeReceptora: string;
  /**
   * The participant whose tree this unit belongs to: one state repository may hold the trees of
   * many participants, and an import touches only its own participant's units.
   */
  participantId: string | null;
  /** The unit that succeeds this one (merged or renamed; spec §4.3: numbers are never reused). */
  successorNumero: string | null;
}

export interface System {
  id: string;
  nome: string;
  participantId: string;
  ativo: boolean;
}

/**
 * A system may act for a structure, or for the whole subtree under it (spec §1.4), as sender,
 * as recipient or both: a protocol office that only receives for an organ is bound `recebe`.
 */
export interface SystemBinding {
  systemId: string;
  repositoryId: number;
  numero: string;
  subtree: boolean;
  /** May send trâmites from these units. */
  sends: boolean;
  /** Receives trâmites addressed to these units. */
  receives: boolean;
}

export type CertificateStatus = 'active' | 'revoked';

export interface SystemCertificate {
  fingerprint256: string;
  systemId: string;
  subject: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  pem: string;
  status: CertificateStatus;
  addedAt: string;
  revokedAt: string | null;
}

export interface UnitKey {
  repositoryId: number;
  numero: string;
}

export const unitLabel = (u: UnitKey): string => `${u.numero} (repositório ${u.repositoryId})`;

const digits = z.string().regex(/^\d{1,19}$/, 'deve ser uma sequência de dígitos');

/** The declarative seed of a federation (federation/<name>/federation.json). */
export const federationSeedSchema = z.object({
  participantes: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
        cnpj: z.string().refine((v) => { const r = parseCnpj(v); return r.ok && r.cnpj === v; }, 'CNPJ inválido: 14 caracteres sem pontuação, com dígitos verificadores corretos'),
        nome: z.string().min(1).max(250),
        sigla: z.string().max(50).optional(),
        esfera: z.enum(ESFERAS),
        uf: z.string().regex(/^[A-Z]{2}$/).optional(),
        ibge: z.string().regex(/^\d{7}$/).optional(),
        /** The first status: a seed registers a participant; administrators govern it afterwards. */
        ativo: z.boolean().default(true),
      }),
    )
    .min(1),
  repositorios: z.array(
    z.object({
      id: z.number().int().positive(),
      nome: z.string().min(1).max(250),
      ativo: z.boolean().default(true),
      participante: z.string().nullable().default(null),
    }),
  ),
  estruturas: z.array(
    z.object({
      repositorio: z.number().int().positive(),
      numero: digits,
      pai: digits.nullable().default(null),
      nome: z.string().min(1).max(250),
      sigla: z.string().min(1).max(100),
      ativo: z.boolean().default(true),
      unidadeReceptora: z.boolean().default(false),
      aptoParaReceberTramites: z.boolean().default(true),
      aptoParaEnviarTramites: z.boolean().default(true),
      codigoNoOrgaoEntidade: z.string().default(''),
      codigoUnidadeReceptora: z.string().default(''),
    }),
  ),
  sistemas: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/),
      nome: z.string().min(1).max(250),
      participante: z.string(),
      ativo: z.boolean().default(true),
      estruturas: z.array(
        z.object({ repositorio: z.number().int().positive(), numero: digits, subarvore: z.boolean().default(false) }),
      ),
    }),
  ),
});

export type FederationSeed = z.infer<typeof federationSeedSchema>;

/** A seeded participant's first status (never changed by seeding again: see the store's upsert). */
export const seedStatus = (p: { ativo: boolean }): ParticipantStatus => (p.ativo ? 'ativo' : 'suspenso');

/** Cross-reference checks zod cannot express: every reference names something declared. */
export function federationSeedProblems(seed: FederationSeed): string[] {
  const problems: string[] = [];
  const participants = new Set(seed.participantes.map((p) => p.id));
  const repos = new Set(seed.repositorios.map((r) => r.id));
  const units = new Set(seed.estruturas.map((e) => `${e.repositorio}/${e.numero}`));
  for (const r of seed.repositorios)
    if (r.participante && !participants.has(r.participante))
      problems.push(`repositório ${r.id}: participante "${r.participante}" não declarado`);
  for (const e of seed.estruturas) {
    if (!repos.has(e.repositorio)) problems.push(`estrutura ${e.numero}: repositório ${e.repositorio} não declarado`);
    if (e.pai && !units.has(`${e.repositorio}/${e.pai}`))
      problems.push(`estrutura ${e.numero}: estrutura pai ${e.pai} não declarada no repositório ${e.repositorio}`);
  }
  for (const s of seed.sistemas) {
    if (!participants.has(s.participante)) problems.push(`sistema ${s.id}: participante "${s.participante}" não declarado`);
    for (const b of s.estruturas)
      if (!units.has(`${b.repositorio}/${b.numero}`))
        problems.push(`sistema ${s.id}: estrutura ${b.numero} do repositório ${b.repositorio} não declarada`);
  }
  return problems;
}
