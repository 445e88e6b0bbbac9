import { describe, expect, it } from 'vitest';
import { rawMembers } from './json-members.ts';

describe('rawMembers', () => {
  it('returns each top-level member exactly as written, whitespace and escapes included', () => {
    const src = '{ "cabecalho" : {"a":1} ,\n "processo": { "x" : "a\\"}{[" , "y": [1, {"z": "}"}] }, "n": -1.5e3, "t": true }';
    const m = rawMembers(src);
    expect(m.get('cabecalho')).toBe('{"a":1}');
    expect(m.get('processo')).toBe('{ "x" : "a\\"}{[" , "y": [1, {"z": "}"}] }');
    expect(m.get('n')).toBe('-1.5e3');
    expect(m.get('t')).toBe('true');
  });

  it('agrees with JSON.parse on every member of a realistic body', () => {
    const body = { cabecalho: { NRE: '9000000000000001' }, processo: { documentos: [{ ordem: 1, nome: 'ç"\\' }] }, z: null };
    const text = JSON.stringify(body, null, 2);
    for (const [k, raw] of rawMembers(text)) expect(JSON.parse(raw)).toEqual((body as Record<string, unknown>)[k]);
  });

  it('returns nothing for a non-object', () => {
    expect(rawMembers('[1,2]').size).toBe(0);
  });
});
