import { describe, expect, it } from 'vitest';
import { memberSpans } from './json-members.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array, s: { ini: number; fim: number } | undefined) => new TextDecoder().decode(b.subarray(s!.ini, s!.fim));

describe('memberSpans', () => {
  it('finds each top-level member exactly as written, whitespace and escapes included', () => {
    const b = utf8('{ "cabecalho" : {"a":1} ,\n "processo": { "x" : "a\\"}{[" , "y": [1, {"z": "}"}] }, "n": -1.5e3, "t": true }');
    const m = memberSpans(b);
    expect(text(b, m.get('cabecalho'))).toBe('{"a":1}');
    expect(text(b, m.get('processo'))).toBe('{ "x" : "a\\"}{[" , "y": [1, {"z": "}"}] }');
    expect(text(b, m.get('n'))).toBe('-1.5e3');
    expect(text(b, m.get('t'))).toBe('true');
  });

  it('gives byte offsets that hold for multi-byte UTF-8 text before and inside the values', () => {
    const body = { ação: 'ç€😀', processo: { descrição: 'Protocolo nº 1 — ação', documentos: [{ ordem: 1 }] }, z: null };
    const b = utf8(JSON.stringify(body, null, 2));
    for (const [k, span] of memberSpans(b)) expect(JSON.parse(text(b, span))).toEqual((body as Record<string, unknown>)[k]);
  });

  it('looks into a nested object when given its span', () => {
    const b = utf8('{"cabecalho": {"NRE": "9000000000000001", "propriedadesAdicionais": [{"chave": "é", "valor": 5}]}, "processo": {}}');
    const cab = memberSpans(b).get('cabecalho')!;
    expect(text(b, memberSpans(b, cab).get('propriedadesAdicionais'))).toBe('[{"chave": "é", "valor": 5}]');
  });

  it('finds nothing in a non-object', () => {
    expect(memberSpans(utf8('[1,2]')).size).toBe(0);
  });
});
