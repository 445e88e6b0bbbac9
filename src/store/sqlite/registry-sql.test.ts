import { describe, expect, it } from 'vitest';
import type { StructureSearch } from '../index.ts';
import { wordBound } from './registry-sql.ts';

const q = (extra: Partial<StructureSearch>): StructureSearch => ({ repositoryId: 1, offset: 0, limit: 50, countUpTo: 1000, ...extra });

describe('wordBound: the word index query that may bound a name search from below', () => {
  it('bounds a name of plain letters by the words beginning with it (4 to 6 letters) or equal to it (longer)', () => {
    expect(wordBound(q({ nome: 'saúd' }))).toBe('"saúd"*');
    expect(wordBound(q({ nome: 'Secret' }))).toBe('"Secret"*');
    expect(wordBound(q({ nome: '  escola ' }))).toBe('"escola"*');
    expect(wordBound(q({ nome: 'Piracicaba' }))).toBe('"Piracicaba"');
    expect(wordBound(q({ nome: 'Conceição' }))).toBe('"Conceição"');
    expect(wordBound(q({ nome: '2024' }))).toBe('"2024"*');
  });

  it('gives no bound to a term a word cannot hold whole, to short terms, to siglas and to two terms', () => {
    for (const nome of ['santa maria', 'coordenação-geral', "d'oeste", 'n.º 1', 'sao"', 'ab', 'abc', 'Αθήνα', 'café\u0301'])
      expect(wordBound(q({ nome })), nome).toBeNull();
    expect(wordBound(q({ sigla: 'SESAU' }))).toBeNull();
    expect(wordBound(q({ nome: 'saude', sigla: 'SES' }))).toBeNull();
    expect(wordBound(q({}))).toBeNull();
  });
});
