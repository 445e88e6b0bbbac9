/**
 * CNPJ, the national register number of a legal entity: 12 characters that identify it and two
 * check digits. Since July 2026 the Receita Federal also issues alphanumeric CNPJs (IN RFB
 * 2.229/2024): the first 12 characters may be digits or capital letters, the check digits stay
 * numeric, and the modulus-11 calculation runs over each character's ASCII code − 48 (so '0'–'9'
 * keep their value and 'A' is 17). Numeric CNPJs are the special case where every character is a
 * digit: one algorithm validates both.
 *
 * Stored unformatted (14 characters, letters in capitals), shown formatted `AA.AAA.AAA/AAAA-DD`.
 */

const FIRST_WEIGHTS = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const SECOND_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

const checkDigit = (chars: string, weights: number[]): number => {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (chars.charCodeAt(i) - 48) * weights[i]!;
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
};

export type CnpjProblem = 'formato' | 'digitos_verificadores' | 'repetido';

/**
 * The CNPJ as stored (punctuation `.` `/` `-` and spaces removed, letters in capitals), or why it
 * is not one. Refuses a number made of one repeated character (00.000.000/0000-00 passes the
 * arithmetic but is no one's).
 */
export function parseCnpj(input: string): { ok: true; cnpj: string } | { ok: false; problem: CnpjProblem } {
  const cnpj = input.replace(/[.\/\s-]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{12}[0-9]{2}$/.test(cnpj)) return { ok: false, problem: 'formato' };
  if (/^(.)\1{13}$/.test(cnpj)) return { ok: false, problem: 'repetido' };
  const first = checkDigit(cnpj, FIRST_WEIGHTS);
  const second = checkDigit(cnpj.slice(0, 12) + String(first), SECOND_WEIGHTS);
  if (cnpj.slice(12) !== `${first}${second}`) return { ok: false, problem: 'digitos_verificadores' };
  return { ok: true, cnpj };
}

/** `12ABC34501DE35` → `12.ABC.345/01DE-35` (a stored CNPJ; anything else is returned as is). */
export function formatCnpj(cnpj: string): string {
  const m = /^([0-9A-Z]{2})([0-9A-Z]{3})([0-9A-Z]{3})([0-9A-Z]{4})([0-9]{2})$/.exec(cnpj);
  return m ? `${m[1]}.${m[2]}.${m[3]}/${m[4]}-${m[5]}` : cnpj;
}

/** The Portuguese sentence for a refusal: what was wrong and what to do. */
export function cnpjProblemMessage(input: string, problem: CnpjProblem): string {
  switch (problem) {
    case 'formato':
      return `"${input}" não é um CNPJ: informe 14 caracteres (12 letras maiúsculas ou dígitos e 2 dígitos verificadores), com ou sem pontuação, p. ex. 12.ABC.345/01DE-35 ou 00.394.460/0058-87.`;
    case 'repetido':
      return `"${input}" não é um CNPJ válido: um único caractere repetido não identifica ninguém. Confira o número no cartão CNPJ.`;
    case 'digitos_verificadores':
      return `Os dígitos verificadores do CNPJ "${input}" não conferem. Confira o número no cartão CNPJ (os CNPJs alfanuméricos também têm dígitos verificadores).`;
  }
}
