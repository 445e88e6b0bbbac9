import { describe, expect, it } from 'vitest';
import { jsonSyntaxProblem } from './json-syntax.ts';

const problemOf = (text: string): string => {
  try {
    JSON.parse(text);
  } catch (e) {
    return jsonSyntaxProblem(e);
  }
  throw new Error(`parsed: ${text}`);
};

describe('jsonSyntaxProblem', () => {
  it('says in Portuguese what JSON.parse refused, keeping the position and the character that broke it', () => {
    expect(problemOf('')).toBe('o texto termina antes de o JSON se fechar');
    expect(problemOf('{"a":')).toBe('o texto termina antes de o JSON se fechar');
    expect(problemOf('{"a" 1}')).toBe("esperava ':' depois do nome do campo na posição 5");
    expect(problemOf('"abc')).toBe('texto entre aspas sem as aspas de fechamento na posição 4');
    expect(problemOf('{"a":}')).toBe('caractere inesperado "}"');
    expect(problemOf('[1,]')).toBe('caractere inesperado "]"');
  });

  it('never passes V8’s English on, whatever the broken text', () => {
    for (const text of ['{', '}', '{"a":1,}', '"abc', '[1 2]', '{"a":tru}', 'nul', '{\n"a": x}', '\u0000', '{"a":"\\x"}'])
      expect(problemOf(text), text).not.toMatch(/\b(Unexpected|Expected|JSON input|is not valid|after|property)\b/);
  });
});
