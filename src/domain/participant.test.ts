import { describe, expect, it } from 'vitest';
import {
  canMoveParticipant,
  participantInputSchema,
  participantTransfers,
  PARTICIPANT_LIFECYCLE,
  PARTICIPANT_STATUSES,
  UF_IBGE,
} from './participant.ts';

const municipio = { cnpj: '18.715.383/0001-40', nome: 'Município de Belo Horizonte', sigla: 'PBH', esfera: 'municipal', uf: 'mg', ibge: '3106200' };
const problems = (input: unknown) => {
  const r = participantInputSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('participant registration data', () => {
  it('accepts a municipality with UF and IBGE code, normalising the CNPJ and the UF', () => {
    const r = participantInputSchema.parse(municipio);
    expect(r).toMatchObject({ cnpj: '18715383000140', uf: 'MG', ibge: '3106200', poder: 'executivo', contatos: [] });
  });

  it('accepts an alphanumeric CNPJ, a federal organ without UF, and contacts', () => {
    const r = participantInputSchema.parse({
      cnpj: '12.ABC.345/01DE-35',
      nome: 'Órgão Federal Exemplo',
      sigla: 'OFE',
      esfera: 'federal',
      poder: 'judiciario',
      contatos: [{ nome: 'Maria', email: 'maria@exemplo.gov.br', telefone: '(61) 3333-4444' }],
    });
    expect(r.cnpj).toBe('12ABC34501DE35');
  });

  it('refuses, naming the field, a CNPJ with wrong check digits, a municipality without IBGE code, an IBGE code of another UF and an unknown sphere', () => {
    expect(problems({ ...municipio, cnpj: '18.715.383/0001-41' })).toEqual([expect.stringMatching(/^cnpj: Os dígitos verificadores do CNPJ/)]);
    expect(problems({ ...municipio, ibge: undefined })).toEqual(['ibge: a esfera municipal exige o código IBGE do município (7 dígitos)']);
    expect(problems({ ...municipio, ibge: '3550308' })).toEqual(['ibge: o código IBGE 3550308 não é de município de MG (os de MG começam com 31)']);
    expect(problems({ ...municipio, uf: 'SP', ibge: '3550308' })).toEqual([]);
    expect(problems({ ...municipio, esfera: 'provincial' })).toEqual([expect.stringMatching(/^esfera: esfera deve ser uma de: municipal, estadual, distrital, federal/)]);
    expect(problems({ ...municipio, esfera: 'estadual', ibge: undefined, uf: undefined })).toEqual(['uf: a esfera estadual exige a UF']);
    expect(problems({ ...municipio, esfera: 'distrital', uf: 'GO', ibge: undefined })).toEqual(['uf: a esfera distrital é a do DF']);
    expect(problems({ ...municipio, uf: 'XX' })).toContain('uf: UF desconhecida: use a sigla de duas letras, p. ex. MG');
    expect(problems({ ...municipio, contatos: [{ nome: 'X', email: 'não é e-mail' }] })).toEqual(['contatos.0.email: e-mail inválido']);
  });

  it('knows the 27 federation units, each with a distinct IBGE prefix', () => {
    expect(Object.keys(UF_IBGE)).toHaveLength(27);
    expect(new Set(Object.values(UF_IBGE)).size).toBe(27);
  });
});

describe('participant lifecycle', () => {
  it('goes pendente → ativo → suspenso → ativo, and to desligado from anywhere but desligado', () => {
    expect(canMoveParticipant('pendente', 'ativo')).toBe(true);
    expect(canMoveParticipant('ativo', 'suspenso')).toBe(true);
    expect(canMoveParticipant('suspenso', 'ativo')).toBe(true);
    for (const s of ['pendente', 'ativo', 'suspenso'] as const) expect(canMoveParticipant(s, 'desligado')).toBe(true);
  });

  it('never leaves desligado, never suspends a pending participant and never moves to where it is', () => {
    for (const to of PARTICIPANT_STATUSES) expect(canMoveParticipant('desligado', to)).toBe(false);
    expect(canMoveParticipant('pendente', 'suspenso')).toBe(false);
    for (const s of PARTICIPANT_STATUSES) expect(PARTICIPANT_LIFECYCLE[s][s]).toBeUndefined();
  });

  it('lets only an active participant transfer', () => {
    expect(PARTICIPANT_STATUSES.filter(participantTransfers)).toEqual(['ativo']);
  });
});
