import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { guardXml } from './guard.ts';
import { parseStrict } from './parse.ts';
import { exclusiveC14n as c14n } from './c14n.ts';
import { parseSignatureTree } from './signature-tree.ts';

const viaTree = (xml: string) => {
  const r = parseSignatureTree(xml);
  if (!r.ok) throw new Error(r.error.message);
  return c14n(r.value);
};
const viaXmldom = (xml: string) => {
  const r = parseStrict(xml);
  if (!r.ok) throw new Error(r.error.message);
  return c14n(r.value.documentElement!);
};

describe('parseSignatureTree', () => {
  it('gives xml-crypto the same canonical form as xmldom does, for what XML 1.0 normalises and namespaces', () => {
    const docs = {
      'line ends': '<a>x\r\ny\rz&#13;w</a>',
      'attribute values': '<a b="x\ty\nz\r\nw" c="&#9;&#10;&#13;" d="&lt;&amp;&quot;&apos;&gt;"/>',
      'attribute order and namespaces': '<r xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q" q:z="1" p:a="2" b="3" a="4"><p:c xmlns:p="urn:p2"/></r>',
      'default namespace undeclared': '<r xmlns="urn:d"><s xmlns=""><t/></s></r>',
      'xml:lang and xml:space': '<r xml:lang="pt-BR"><s xml:space="preserve"> </s></r>',
      'CDATA becomes escaped text': '<r><![CDATA[<b>&amp; ]]> e "aspas" ]]&gt;</r>',
      'character references': '<r a="&#x1F600;">&#x1F600;&#233;&#xE9;ç ã ô 😀</r>',
      'unused prefix is not rendered': '<r xmlns:u="urn:u"><s>t</s></r>',
      'empty elements': '<r><s/><t></t></r>',
      'declaration and outer whitespace': '<?xml version="1.0" encoding="UTF-8"?>\n\n<r>\n <s> a </s>\n</r>\n',
    };
    for (const [what, xml] of Object.entries(docs)) {
      expect(guardXml(xml).ok, what).toBe(true);
      expect(viaTree(xml), what).toBe(viaXmldom(xml));
    }
  });

  it('gives the same canonical form as xmldom for every package fixture', () => {
    const dir = new URL('../../fixtures/packages/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const xml = readFileSync(new URL(f, dir), 'utf8');
      expect(viaTree(xml), f).toBe(viaXmldom(xml));
    }
  });

  it('refuses what parseStrict refuses, with xml_malformed and the reason', () => {
    const cases = {
      '<a x="1" x="2"/>': 'duplicate attribute',
      '<p:a/>': 'unbound namespace prefix',
      '<a><b q:x="1"/></a>': 'unbound namespace prefix',
      '': 'root element',
      ' \n': 'root element',
      '<a/><b/>': '',
      '<a/>x': '',
      '<a/><![CDATA[x]]>': '',
      '<a><b></a>': '',
      '<a>': '',
      '<a>&foo;</a>': '',
      '<a>&</a>': '',
    };
    for (const [xml, words] of Object.entries(cases)) {
      const r = parseSignatureTree(xml);
      expect(r.ok, xml).toBe(false);
      if (r.ok) continue;
      expect(r.error.code, xml).toBe('xml_malformed');
      expect(r.error.message, xml).toContain(words);
      expect(r.error.message, xml).toMatch(/^O documento XML não é bem formado/);
    }
  });

  it('refuses a comment, a processing instruction or a DOCTYPE itself, should one get past the guard', () => {
    for (const [xml, words] of [
      ['<a><!-- c --></a>', 'comentário'],
      ['<a><?pi x?></a>', 'instrução de processamento'],
      ['<!DOCTYPE a><a/>', 'DOCTYPE'],
    ]) {
      const r = parseSignatureTree(xml!);
      expect(r.ok, xml).toBe(false);
      if (!r.ok) expect(r.error.message).toContain(words);
    }
  });

  it('refuses every hostile fixture the guard refuses, so neither layer alone is the only defence', () => {
    const dir = new URL('../../fixtures/xml-attacks/', import.meta.url);
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.xml'))) {
      const xml = readFileSync(new URL(f, dir), 'utf8');
      if (guardXml(xml).ok) continue;
      // comment-in-signed-content and friends are well-formed XML: the tree refuses them by kind
      expect(parseSignatureTree(xml).ok, f).toBe(false);
    }
  });

  it('offers the DOM reads the shape checks use: siblings, attributes, text, descendants, removal', () => {
    const r = parseSignatureTree('<r xmlns:p="urn:p" Id="x"><p:a k="v">t<![CDATA[u]]></p:a><b/><p:a/></r>');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const root = r.value;
    const [a, b, a2] = root.childNodes;
    expect(root.getAttribute('Id')).toBe('x');
    expect(root.getAttribute('nada')).toBeNull();
    expect(root.firstChild).toBe(a);
    expect(a!.nextSibling).toBe(b);
    expect(b!.parentNode).toBe(root);
    expect(root.getElementsByTagNameNS('urn:p', 'a')).toEqual([a, a2]);
    expect(root.getElementsByTagName('*')).toHaveLength(3);
    expect(a!.textContent).toBe('tu');
    expect(a!.nodeType === 1 && a!.prefix).toBe('p');
    root.removeChild(b!);
    expect(a!.nextSibling).toBe(a2);
    expect(root.childNodes).toHaveLength(2);
    expect(() => root.appendChild(b as never)).toThrow(/read-only/);
  });
});
