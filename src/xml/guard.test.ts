import { describe, expect, it } from 'vitest';
import { EloError } from '../domain/errors.ts';
import { DEFAULT_XML_LIMITS, guardXml } from './guard.ts';

const refused = (text: string, limits = {}) => {
  const r = guardXml(text, limits);
  if (r.ok) throw new Error('accepted');
  return r.error;
};

describe('guardXml', () => {
  it('accepts a plain namespaced document with a declaration, attributes, CDATA, predefined and numeric references', () => {
    const text =
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<p:pacote xmlns:p="urn:elo" a=\'1\' b = "x &amp; &lt;y&gt; &#233;&#x1F600;">\n' +
      '  <p:d>S&apos;ilva &quot;&amp;&quot; &#10;<![CDATA[<not> & markup]]></p:d><p:e/>\n</p:pacote>\n';
    const r = guardXml(text);
    expect(r).toEqual({ ok: true, value: { bytes: new TextEncoder().encode(text).length, elements: 3, depth: 2 } });
  });

  it('counts UTF-8 bytes, not UTF-16 units, against maxBytes', () => {
    const text = `<d>${'ç'.repeat(10)}</d>`; // 17 units, 27 bytes
    expect(guardXml(text, { maxBytes: 27 }).ok).toBe(true);
    expect(refused(text, { maxBytes: 26 }).code).toBe('xml_too_large');
  });

  it('refuses a string longer than maxBytes without scanning it', () => {
    const e = refused('<d>' + 'x'.repeat(100) + '</d>', { maxBytes: 50 });
    expect(e).toMatchObject({ code: 'xml_too_large', offset: 0 });
    expect(e.message).toContain('50 bytes');
  });

  it('states its defaults: 64 MiB, 64 levels, 2,000,000 elements', () => {
    expect(DEFAULT_XML_LIMITS).toEqual({ maxBytes: 64 * 1024 * 1024, maxDepth: 64, maxElements: 2_000_000 });
  });

  it('allows exactly maxDepth levels and refuses one more, where it starts', () => {
    const deep = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    expect(guardXml(deep(5), { maxDepth: 5 }).ok).toBe(true);
    expect(refused(deep(6), { maxDepth: 5 })).toMatchObject({ code: 'xml_too_deep', offset: 15 });
    // an empty-element tag counts as a level too
    expect(refused('<a><a><a/></a></a>', { maxDepth: 2 })).toMatchObject({ code: 'xml_too_deep', offset: 6 });
  });

  it('allows exactly maxElements and refuses one more', () => {
    expect(guardXml('<r><e/><e/></r>', { maxElements: 3 }).ok).toBe(true);
    expect(refused('<r><e/><e/><e/></r>', { maxElements: 3 })).toMatchObject({ code: 'xml_too_many_elements', offset: 11 });
  });

  it('refuses every processing instruction but the leading declaration, and the declaration anywhere else', () => {
    expect(refused('<d><?x not ?>approved</d>')).toMatchObject({ code: 'xml_processing_instruction_refused', offset: 3 });
    expect(refused('<?xml version="1.0"?><?xml version="1.0"?><d/>').code).toBe('xml_processing_instruction_refused');
    expect(refused('<?xml-model href="x"?><d/>').code).toBe('xml_processing_instruction_refused');
    expect(refused('\n<?xml version="1.0"?><d/>').code).toBe('xml_processing_instruction_refused');
  });

  it('refuses comments everywhere, also after the root', () => {
    expect(refused('<d/><!-- x -->')).toMatchObject({ code: 'xml_comment_refused', offset: 4 });
    expect(refused('<d a="1"><!----></d>').code).toBe('xml_comment_refused');
  });

  it('refuses named entity references other than the five predefined ones, also unterminated or long', () => {
    expect(refused('<d>&eacute;</d>')).toMatchObject({ code: 'xml_entity_refused', offset: 3 });
    expect(refused('<d>&averyveryverylongentityname;</d>').code).toBe('xml_entity_refused');
    expect(refused('<d a="&x;"/>').code).toBe('xml_entity_refused');
  });

  it('refuses numeric references to non-characters and bare ampersands as malformed', () => {
    for (const t of ['<d>&#0;</d>', '<d>&#xD800;</d>', '<d>&#x110000;</d>', '<d>&#;</d>', '<d>&#x;</d>', '<d>& </d>', '<d>&#12a;</d>']) {
      expect(refused(t).code, t).toBe('xml_malformed');
    }
  });

  it('refuses markup that is not well-formed at the level it sees', () => {
    for (const t of ['', '   ', 'texto', '<d>', '<d></e>', '</d>', '<d/><e/>', '<d/>x', 'x<d/>', '<d a=1/>', '<d a="1"b="2"/>', '<d a="1/>', '<d>]]></d>', '<d><![CDATA[x</d>', '< d/>', '<!ELEMENT d ANY><d/>', '<d><![CDATA[x]]></d><![CDATA[y]]>']) {
      expect(refused(t).code, JSON.stringify(t)).toBe('xml_malformed');
    }
  });

  it('refuses DOCTYPE and ENTITY declarations', () => {
    expect(refused('<!DOCTYPE d><d/>')).toMatchObject({ code: 'xml_doctype_refused', offset: 0 });
    expect(refused('<!ENTITY x "y"><d/>').code).toBe('xml_doctype_refused');
  });

  it('gives a refusal that becomes a catalogued EloError with its codigoErro', () => {
    const e = refused('<!DOCTYPE d><d/>');
    const error = new EloError(e.code, e.message, { offset: e.offset });
    expect(error.codigoErro).toBe('9051');
    expect(error.status).toBe(400);
  });
});
