import { SaxesParser, type SaxesTagNS } from 'saxes';
import { err, ok, type Result } from '../domain/result.ts';
import type { XmlRefusal } from './guard.ts';

/**
 * The tree XMLDSig processing reads (xmldsig-sign.ts, xmldsig-verify.ts): parsed by saxes, a
 * strict, conformant XML 1.0 + Namespaces parser, into read-only nodes that carry exactly the
 * DOM properties xml-crypto's ExclusiveCanonicalization and Elo's shape checks read.
 *
 * Why not xmldom's DOM: building it was two thirds of a seal or a verify of a 5,000-document
 * package (about 1.1 s of 1.7 s here: per-node bookkeeping, live NodeLists, a normalize() walk,
 * and a backwards search of the whole text for each tag name), against about 0.35 s for this
 * tree (bench/xml.ts). The canonical form is still xml-crypto's own: this file parses, it does
 * not canonicalise. saxes is also stricter than xmldom: a prefix bound to no namespace, a
 * duplicate attribute or text outside the root are errors, not warnings (parse.ts had to add
 * the first by hand).
 *
 * What the parser does per XML 1.0, as xmlsec1 and every conformant parser do, and the tests
 * compare with xmldom's tree: line ends become LF (§2.11); attribute values are normalised
 * (§3.3.3: a literal tab, CR or LF becomes a space, a character reference stays); CDATA becomes
 * text (c14n §1.1). The guard (guard.ts) has refused DOCTYPE, entities, processing instructions
 * and comments before this runs; should one still come, the tree refuses it too.
 */

export interface XmlAttribute {
  readonly nodeType: 2;
  readonly name: string;
  readonly localName: string;
  readonly prefix: string | null;
  readonly namespaceURI: string | null;
  readonly value: string;
}

interface NodeBase {
  readonly nodeName: string;
  readonly firstChild: XmlNode | null;
  parentNode: XmlElement | null;
  nextSibling: XmlNode | null;
  // xml-crypto asks isNodeLike(), which wants these two functions to exist (@xmldom/is-dom-node)
  appendChild(node: never): never;
  removeChild(node: XmlNode): XmlNode;
}

export interface XmlText extends NodeBase {
  readonly nodeType: 3;
  readonly data: string;
  readonly nodeValue: string;
  readonly textContent: string;
}

export interface XmlElement extends NodeBase {
  readonly nodeType: 1;
  readonly tagName: string;
  readonly localName: string;
  readonly prefix: string | null;
  /** "" for an element in no namespace (see parseSignatureTree), never null. */
  readonly namespaceURI: string;
  readonly attributes: readonly XmlAttribute[];
  readonly childNodes: XmlNode[];
  readonly firstChild: XmlNode | null;
  readonly textContent: string;
  getAttribute(name: string): string | null;
  /** Descendant elements (not the element itself) in document order; `'*'` matches any. */
  getElementsByTagNameNS(namespaceURI: string | '*', localName: string): XmlElement[];
  getElementsByTagName(name: '*'): XmlElement[];
}

export type XmlNode = XmlElement | XmlText;

const readOnly = (): never => {
  throw new TypeError('the signature tree is read-only');
};

class TextNode implements XmlText {
  readonly nodeType = 3 as const;
  readonly nodeName = '#text';
  parentNode: XmlElement | null;
  nextSibling: XmlNode | null = null;
  constructor(
    readonly data: string,
    parent: XmlElement,
  ) {
    this.parentNode = parent;
  }
  get nodeValue(): string {
    return this.data;
  }
  get firstChild(): null {
    return null;
  }
  get textContent(): string {
    return this.data;
  }
  appendChild(): never {
    return readOnly();
  }
  removeChild(): XmlNode {
    throw new TypeError('a text node has no children');
  }
}

class ElementNode implements XmlElement {
  readonly nodeType = 1 as const;
  readonly childNodes: XmlNode[] = [];
  nextSibling: XmlNode | null = null;
  constructor(
    readonly tagName: string,
    readonly localName: string,
    readonly prefix: string | null,
    readonly namespaceURI: string,
    readonly attributes: readonly XmlAttribute[],
    public parentNode: XmlElement | null,
  ) {}
  get nodeName(): string {
    return this.tagName;
  }
  get firstChild(): XmlNode | null {
    return this.childNodes[0] ?? null;
  }
  get textContent(): string {
    let out = '';
    for (const n of walk(this)) if (n.nodeType === 3) out += n.data;
    return out;
  }
  getAttribute(name: string): string | null {
    for (const a of this.attributes) if (a.name === name) return a.value;
    return null;
  }
  getElementsByTagNameNS(namespaceURI: string, localName: string): XmlElement[] {
    const out: XmlElement[] = [];
    for (const n of walk(this))
      if (n !== this && n.nodeType === 1 && (localName === '*' || n.localName === localName) && (namespaceURI === '*' || n.namespaceURI === namespaceURI)) out.push(n);
    return out;
  }
  getElementsByTagName(name: '*'): XmlElement[] {
    return this.getElementsByTagNameNS('*', name);
  }
  appendChild(): never {
    return readOnly();
  }
  /** Removes a child (the enveloped-signature transform takes the Signature out before c14n). */
  removeChild(node: XmlNode): XmlNode {
    const i = this.childNodes.indexOf(node);
    if (i < 0) throw new TypeError('not a child of this element');
    const previous = this.childNodes[i - 1];
    if (previous) previous.nextSibling = node.nextSibling;
    this.childNodes.splice(i, 1);
    node.parentNode = null;
    node.nextSibling = null;
    return node;
  }
}

/** The element and its descendants in document order, without recursion (the guard bounds depth; a loop costs nothing). */
function* walk(root: XmlElement): Generator<XmlNode> {
  const stack: XmlNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    if (n.nodeType === 1) for (let i = n.childNodes.length - 1; i >= 0; i--) stack.push(n.childNodes[i]!);
  }
}

const malformed = (what: string) =>
  err({
    code: 'xml_malformed' as const,
    message: `O documento XML não é bem formado (${what}). Corrija-o e gere o documento de novo.`,
  });

/**
 * The document's root element as a signature tree, or `xml_malformed` with saxes' reason (line
 * and column included). Run guardXml first: this parser bounds nothing itself.
 */
export function parseSignatureTree(xml: string): Result<XmlElement, XmlRefusal<'xml_malformed'>> {
  const parser = new SaxesParser({ xmlns: true });
  let root: ElementNode | null = null;
  let current: ElementNode | null = null;
  let problem: string | null = null;
  const fail = (what: string) => {
    problem ??= what;
  };
  const append = (node: XmlNode) => {
    const siblings = current!.childNodes;
    const previous = siblings[siblings.length - 1];
    if (previous) previous.nextSibling = node;
    siblings.push(node);
  };
  parser.on('error', (e) => fail(e.message.replace(/\.$/, '')));
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attributes: XmlAttribute[] = [];
    for (const name in tag.attributes) {
      const a = tag.attributes[name]!;
      // as xmldom and the DOM: no prefix is null, not ""; `xmlns="…"` has local name xmlns
      attributes.push({ nodeType: 2, name: a.name, localName: a.local, prefix: a.prefix || null, namespaceURI: a.uri || null, value: a.value });
    }
    // An element in no namespace keeps saxes' "" (as xmldom gives for one under xmlns=""):
    // xml-crypto's c14n takes the element's namespace as the default in scope for its children,
    // and with null a child of <s xmlns=""> would render xmlns="" again, which c14n forbids.
    const el = new ElementNode(tag.name, tag.local, tag.prefix || null, tag.uri ?? '', attributes, current);
    if (current) append(el);
    else root = el;
    current = el;
  });
  parser.on('closetag', () => {
    current = current?.parentNode as ElementNode | null;
  });
  const text = (data: string) => {
    // text outside the root is whitespace (saxes refuses anything else); an empty run adds nothing
    if (current && data.length > 0) append(new TextNode(data, current));
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('comment', () => fail('comentário no documento'));
  parser.on('processinginstruction', () => fail('instrução de processamento no documento'));
  parser.on('doctype', () => fail('DOCTYPE no documento'));
  try {
    parser.write(xml).close();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (problem !== null) return malformed(problem);
  if (!root) return malformed('sem elemento raiz');  // not reached: saxes reports it first
  return ok(root);
}
