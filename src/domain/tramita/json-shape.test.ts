import { describe, expect, it } from 'vitest';
import { scanJsonShape } from './json-shape.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('scanJsonShape: the shape of a JSON text, read from its bytes without parsing', () => {
  it('counts values, objects and lists and nesting, not keys', () => {
    expect(scanJsonShape(utf8('{"a":[1,{}],"b":"x","c":true,"d":null}'))).toEqual({ values: 7, containers: 3, depth: 3 });
  });

  it('is not fooled by structural characters and escaped quotes inside strings', () => {
    expect(scanJsonShape(utf8('{"k\\"{[":"v\\"]}[{,:","n":-1.5e3}'))).toEqual({ values: 3, containers: 1, depth: 1 });
  });

  it('counts multi-byte UTF-8 text as one string', () => {
    expect(scanJsonShape(utf8('["ação 😀", "x"]'))).toEqual({ values: 3, containers: 1, depth: 1 });
  });

  it('stops as soon as a bound is passed, showing which one', () => {
    const list = `[${Array(1000).fill('{}').join(',')}]`;
    const shape = scanJsonShape(utf8(list), { values: Infinity, containers: 10, depth: Infinity });
    expect(shape.containers).toBe(11);
    expect(scanJsonShape(utf8('['.repeat(500)), { values: Infinity, containers: Infinity, depth: 100 }).depth).toBe(101);
  });

  it('terminates on malformed text (the parser refuses it afterwards)', () => {
    expect(scanJsonShape(utf8('{"a": "unterminated'))).toEqual({ values: 2, containers: 1, depth: 1 });
    expect(scanJsonShape(utf8(']]]}}'))).toEqual({ values: 0, containers: 0, depth: 0 });
  });
});
