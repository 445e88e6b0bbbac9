import { describe, expect, it } from 'vitest';
import { checkD1Limits, D1_LIMITS } from './db.ts';

describe("D1's limits on one statement, checked before it is sent (Miniflare's local D1 enforces none)", () => {
  it('lets a statement within every limit through', () => {
    expect(() => checkD1Limits('SELECT ?', Array(D1_LIMITS.boundParameters).fill(1))).not.toThrow();
    expect(() => checkD1Limits('SELECT ?', ['x'.repeat(D1_LIMITS.valueBytes)])).not.toThrow();
  });

  it('refuses more than 100 bound parameters, naming the count and the limit', () => {
    expect(() => checkD1Limits('INSERT INTO t VALUES (?)', Array(101).fill(1))).toThrow(/101 parâmetros \(o D1 aceita 100\)/);
  });

  it('refuses SQL text over 100 KB and a text or BLOB over 2 MB, counting bytes, not characters', () => {
    expect(() => checkD1Limits(`SELECT '${'á'.repeat(50_000)}'`, [])).toThrow(/100\d{3} bytes de SQL/);
    expect(() => checkD1Limits('SELECT ?', ['ç'.repeat(1_000_001)])).toThrow(/um valor de 2000002 bytes/);
    expect(() => checkD1Limits('SELECT ?', [new ArrayBuffer(D1_LIMITS.valueBytes + 1)])).toThrow(/2000001 bytes/);
  });
});
