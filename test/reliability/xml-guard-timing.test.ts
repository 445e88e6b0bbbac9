import { describe, expect, it } from 'vitest';
import { guardXml } from '../../src/xml/guard.ts';

/**
 * Issue 11 item 6: hostile XML is refused in linear time, before a parser runs. The normal tier
 * proves the early stop by offsets (test/xml/xml-attacks.test.ts); this tier measures it.
 */
const MB = 1_048_576;

/** A benign package-shaped document of about `bytes` bytes: many small documents with attributes and text. */
function benign(bytes: number): string {
  const doc =
    '<documento ordem="1" especie="Ofício" nivelSigilo="0"><descricao>Ofício n&#186; 12 &amp; anexos</descricao>' +
    '<componente nome="oficio.pdf" tamanho="123456" mime="application/pdf" sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"/></documento>';
  const n = Math.ceil(bytes / doc.length);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<pacote xmlns="urn:elo:pacote:1"><processo>${doc.repeat(n)}</processo></pacote>`;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

describe('guardXml timing', () => {
  it('refuses a 100,000-deep nesting in under 50 ms', () => {
    const text = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    guardXml('<a/>'); // warm
    const { value, ms } = timed(() => guardXml(text));
    expect(!value.ok && value.error.code).toBe('xml_too_deep');
    expect(ms).toBeLessThan(50);
  });

  it('guards a 50 MB benign document in linear time (about 10× the time of 5 MB) and under 3 s', () => {
    const small = benign(5 * MB);
    const large = benign(50 * MB);
    guardXml(small); // warm the JIT
    const s = Math.min(...[0, 1, 2].map(() => timed(() => guardXml(small)).ms));
    const l = timed(() => guardXml(large));
    expect(l.value.ok).toBe(true);
    console.log(`guardXml: 5 MB in ${s.toFixed(1)} ms, 50 MB in ${l.ms.toFixed(1)} ms (×${(l.ms / s).toFixed(1)})`);
    expect(l.ms / s).toBeLessThan(20);
    expect(l.ms).toBeLessThan(3000);
  });

  it('refuses a document over the byte limit without reading it', () => {
    const text = 'x'.repeat(65 * MB);
    const { value, ms } = timed(() => guardXml(text));
    expect(!value.ok && value.error).toMatchObject({ code: 'xml_too_large', offset: 0 });
    expect(ms).toBeLessThan(5);
  });

  it('stays linear on reference-heavy attribute values and long names', () => {
    const attr = (n: number) => `<r a="${'&amp;&#233;'.repeat(n)}" ${'b'.repeat(n)}="1"/>`;
    const s = Math.min(...[0, 1, 2].map(() => timed(() => guardXml(attr(100_000))).ms));
    const l = timed(() => guardXml(attr(1_000_000)));
    expect(l.value.ok).toBe(true);
    expect(l.ms / Math.max(s, 1)).toBeLessThan(20);
  });
});
