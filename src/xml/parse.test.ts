import { describe, expect, it } from 'vitest';
import { guardXml } from './guard.ts';
import { parseStrict } from './parse.ts';

describe('parseStrict', () => {
  it('parses a namespaced document', () => {
    const r = parseStrict('<p:a xmlns:p="urn:p" xmlns:q="urn:q" q:x="1" xml:lang="pt"><p:b/></p:a>');
    expect(r.ok && r.value.documentElement?.namespaceURI).toBe('urn:p');
  });

  it('refuses what the guard lets through but an independent verifier reads differently', () => {
    const cases = {
      '<a x="1" x="2"/>': 'redefined', // xmldom keeps the last one, libxml2 refuses the document
      '<p:a/>': 'prefixo "p"', // xmldom binds it to nothing; its c14n writes xmlns:p=""
      '<a><b q:x="1"/></a>': 'prefixo "q"',
    };
    for (const [xml, words] of Object.entries(cases)) {
      expect(guardXml(xml).ok, xml).toBe(true);
      const r = parseStrict(xml);
      expect(r.ok, xml).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('xml_malformed');
      expect(r.error.message).toContain(words);
    }
  });

  it('refuses an empty text as malformed instead of throwing (a fuzzing finding: xmldom returns no document)', () => {
    for (const xml of ['', ' ', '\n']) {
      const r = parseStrict(xml);
      expect(r.ok, JSON.stringify(xml)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('xml_malformed');
    }
  });

  it('refuses character data outside the root as malformed instead of throwing (a fuzzing finding: xmldom throws a DOMException)', () => {
    for (const xml of ['<a><![CDATA[ ]]>', '<a/><![CDATA[x]]>', '<a></a><![CDATA[x]]>']) {
      const r = parseStrict(xml);
      expect(r.ok, xml).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('xml_malformed');
    }
  });
});
