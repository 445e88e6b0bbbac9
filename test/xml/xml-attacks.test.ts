import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardXml, type XmlGuardCode } from '../../src/xml/guard.ts';

/** Issue 11 item 6: every hostile document in fixtures/xml-attacks is refused with its own code. */
const dir = resolve(import.meta.dirname, '../../fixtures/xml-attacks');

const expected: Record<string, XmlGuardCode> = {
  'billion-laughs.xml': 'xml_doctype_refused',
  'xxe-external-entity.xml': 'xml_doctype_refused',
  'xxe-parameter-entity.xml': 'xml_doctype_refused',
  'doctype-only.xml': 'xml_doctype_refused',
  'doctype-public-dtd.xml': 'xml_doctype_refused',
  'undeclared-entity-reference.xml': 'xml_entity_refused',
  'entity-reference-in-attribute.xml': 'xml_entity_refused',
  'processing-instruction-in-signed-content.xml': 'xml_processing_instruction_refused',
  'processing-instruction-stylesheet.xml': 'xml_processing_instruction_refused',
  'xml-declaration-not-first.xml': 'xml_processing_instruction_refused',
  'comment-in-signed-content.xml': 'xml_comment_refused',
  'comment-before-root.xml': 'xml_comment_refused',
  'truncated.xml': 'xml_malformed',
  'mismatched-tags.xml': 'xml_malformed',
  'two-roots.xml': 'xml_malformed',
  'text-after-root.xml': 'xml_malformed',
  'bare-ampersand.xml': 'xml_malformed',
  'lt-in-attribute.xml': 'xml_malformed',
  'control-character.xml': 'xml_malformed',
  'null-character-reference.xml': 'xml_malformed',
};

describe('fixtures/xml-attacks', () => {
  it('has an expected code for every fixture and a fixture for every expected code', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();
    expect(files).toEqual(Object.keys(expected).sort());
  });

  for (const [file, code] of Object.entries(expected)) {
    it(`refuses ${file} with ${code}, a Portuguese message and where it stopped`, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      const r = guardXml(text);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(/[ãçéêóõ]|documento|elemento/);
      expect(r.error.offset).toBeGreaterThanOrEqual(0);
      expect(r.error.offset).toBeLessThanOrEqual(text.length);
    });
  }

  it('stops the billion laughs at its DOCTYPE, before any entity', () => {
    const text = readFileSync(join(dir, 'billion-laughs.xml'), 'utf8');
    const r = guardXml(text);
    expect(!r.ok && r.error.offset).toBe(text.indexOf('<!DOCTYPE'));
  });

  it('refuses a 100,000-deep nesting after reading about maxDepth start tags', () => {
    const depth = 100_000;
    const text = '<a>'.repeat(depth) + '</a>'.repeat(depth);
    const r = guardXml(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('xml_too_deep');
    // The 65th "<a>" starts at 64 × 3: nothing after it was read.
    expect(r.error.offset).toBe(64 * 3);
  });

  it('refuses a document with more elements than allowed at the first one too many', () => {
    const text = `<r>${'<e/>'.repeat(2_000_001)}</r>`;
    const r = guardXml(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('xml_too_many_elements');
    expect(r.error.offset).toBe(3 + 4 * (2_000_000 - 1));
  });
});
