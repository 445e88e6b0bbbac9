import { describe, expect, it } from 'vitest';
import { clip, ECHO_LIMIT } from './bounded-text.ts';

describe('clip', () => {
  it('keeps a short text as it is', () => {
    expect(clip('2026-03-10T17:40:12.000Z')).toBe('2026-03-10T17:40:12.000Z');
    expect(clip('x'.repeat(ECHO_LIMIT))).toBe('x'.repeat(ECHO_LIMIT));
  });

  it('cuts a long text to the limit and says how much was left out', () => {
    const out = clip('y'.repeat(1_048_576));
    expect(out).toBe(`${'y'.repeat(ECHO_LIMIT)}…[+${1_048_576 - ECHO_LIMIT} caracteres omitidos]`);
    expect(out.length).toBeLessThan(ECHO_LIMIT + 40);
    expect(clip('abcdef', 3)).toBe('abc…[+3 caracteres omitidos]');
  });
});
