import { describe, expect, it } from 'vitest';
import { cnpjProblemMessage, formatCnpj, parseCnpj } from './cnpj.ts';

/**
 * The Receita Federal's statement of the check digits, written independently of the module:
 * weights 2, 3, …, 9, 2, 3, … from the rightmost character leftwards, each character's value its
 * ASCII code − 48, modulus 11 (remainder 0 or 1 → 0, else 11 − remainder).
 */
function reference(base12: string): string {
  const dv = (s: string) => {
    let sum = 0;
    for (let i = s.length - 1, w = 2; i >= 0; i--, w = w === 9 ? 2 : w + 1) sum += (s.charCodeAt(i) - 48) * w;
    const r = sum % 11;
    return r < 2 ? 0 : 11 - r;
  };
  const d1 = dv(base12);
  return `${base12}${d1}${dv(base12 + d1)}`;
}

describe('CNPJ (numeric and alphanumeric, IN RFB 2.229/2024)', () => {
  it('accepts the Receita Federal’s alphanumeric example, with or without punctuation, and stores it unformatted in capitals', () => {
    expect(parseCnpj('12.ABC.345/01DE-35')).toEqual({ ok: true, cnpj: '12ABC34501DE35' });
    expect(parseCnpj('12abc34501de35')).toEqual({ ok: true, cnpj: '12ABC34501DE35' });
    expect(formatCnpj('12ABC34501DE35')).toBe('12.ABC.345/01DE-35');
  });

  it('accepts numeric CNPJs of public bodies, formatted or not', () => {
    for (const c of ['00.394.460/0058-87', '00394460005887', '29.979.036/0001-40', '46.395.000/0001-39']) {
      const r = parseCnpj(c);
      expect(r.ok, c).toBe(true);
      if (r.ok) expect(formatCnpj(r.cnpj).replace(/\D/g, '')).toBe(c.replace(/\D/g, ''));
    }
  });

  it('agrees with the reference statement of the check digits on generated numeric and alphanumeric bases', () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 2000; n++) {
      const chars = n % 2 ? alphabet : alphabet.slice(0, 10);
      const base = Array.from({ length: 12 }, () => chars[next() % chars.length]).join('');
      const full = reference(base);
      if (/^(.)\1+$/.test(full)) continue;
      expect(parseCnpj(full), full).toEqual({ ok: true, cnpj: full });
      const wrong = full.slice(0, 13) + String((Number(full[13]) + 1) % 10);
      expect(parseCnpj(wrong), wrong).toEqual({ ok: false, problem: 'digitos_verificadores' });
    }
  });

  it('refuses wrong check digits, letters in the check digits, wrong lengths, other symbols and one repeated character', () => {
    expect(parseCnpj('12.ABC.345/01DE-36')).toEqual({ ok: false, problem: 'digitos_verificadores' });
    expect(parseCnpj('00.394.460/0058-88')).toEqual({ ok: false, problem: 'digitos_verificadores' });
    expect(parseCnpj('12ABC34501DE3A')).toEqual({ ok: false, problem: 'formato' });
    expect(parseCnpj('0039446000588')).toEqual({ ok: false, problem: 'formato' });
    expect(parseCnpj('003944600058870')).toEqual({ ok: false, problem: 'formato' });
    expect(parseCnpj('12ÁBC34501DE35')).toEqual({ ok: false, problem: 'formato' });
    expect(parseCnpj('')).toEqual({ ok: false, problem: 'formato' });
    expect(parseCnpj('00.000.000/0000-00')).toEqual({ ok: false, problem: 'repetido' });
    expect(parseCnpj('11111111111111')).toEqual({ ok: false, problem: 'repetido' });
  });

  it('explains each refusal in Portuguese, naming what was typed and what to do', () => {
    expect(cnpjProblemMessage('123', 'formato')).toMatch(/"123" não é um CNPJ: informe 14 caracteres/);
    expect(cnpjProblemMessage('12.ABC.345/01DE-36', 'digitos_verificadores')).toMatch(/dígitos verificadores .* não conferem. Confira/);
    expect(cnpjProblemMessage('00000000000000', 'repetido')).toMatch(/não é um CNPJ válido/);
  });
});
