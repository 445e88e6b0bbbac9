import { describe, expect, it } from 'vitest';
import {
  formatValidationIssues,
  isIsoDateTime,
  normaliseStructureId,
  parseBoolean,
} from './index.ts';

describe('formatValidationIssues', () => {
  it('writes the §8.4 reference sentence with one "- path message" per issue', () => {
    expect(
      formatValidationIssues([
        {
          path: 'processo.documentos[2].especie.codigo',
          message: 'deve ser um código de espécie válido',
        },
        { path: 'processo.documentos[2].especie.nomeNoProdutor', message: 'não pode ser vazio' },
      ]),
    ).toBe(
      'Os seguintes erros de validação de campos foram identificados: ' +
        '- processo.documentos[2].especie.codigo deve ser um código de espécie válido ' +
        '- processo.documentos[2].especie.nomeNoProdutor não pode ser vazio',
    );
  });

  it('writes a body-level issue without a path', () => {
    expect(
      formatValidationIssues([
        { path: '', message: 'o corpo da requisição deve ser um objeto JSON' },
      ]),
    ).toBe(
      'Os seguintes erros de validação de campos foram identificados: ' +
        '- o corpo da requisição deve ser um objeto JSON',
    );
  });
});

describe('normaliseStructureId', () => {
  it.each([
    ['159098', '159098'],
    ['000159098', '159098'],
    ['0', '0'],
    ['000', '0'],
    [0, '0'],
    [159098, '159098'],
    ['00009223372036854775807', '9223372036854775807'],
  ])('normalises %j to %j', (sent, expected) => {
    expect(normaliseStructureId(sent)).toEqual({ ok: true, value: expected });
  });

  it.each(['1 ', ' 1', '1e3', '0x10', '１２', '-1', null])('refuses %j', (sent) => {
    expect(normaliseStructureId(sent).ok).toBe(false);
  });
});

describe('parseBoolean', () => {
  it('reads the PHP spellings of §1.5.2 and nothing else', () => {
    expect([true, 1, '1', 'true'].map(parseBoolean)).toEqual([true, true, true, true]);
    expect([false, 0, '0', 'false'].map(parseBoolean)).toEqual([false, false, false, false]);
    expect(['yes', 'True', '', null, 2].map(parseBoolean)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('isIsoDateTime', () => {
  it('checks the calendar, not only the shape', () => {
    expect(isIsoDateTime('2028-02-29T12:00:00Z')).toBe(true);
    expect(isIsoDateTime('2100-02-29T12:00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-04-31T12:00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-13-01T12:00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-12-31T23:59:59.999999999-03:00')).toBe(true);
    expect(isIsoDateTime('2026-12-31T23:60:00Z')).toBe(false);
  });
});
