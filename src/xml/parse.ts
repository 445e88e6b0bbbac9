import { DOMParser } from '@xmldom/xmldom';
import { err, ok, type Result } from '../domain/result.ts';
import type { XmlRefusal } from './guard.ts';

/**
 * xmldom with every error fatal, for documents guardXml has already let through. xmldom only
 * warns about some defects and accepts a prefix bound to no namespace (`<p:a/>`), which its
 * c14n then writes as `xmlns:p=""` and xmlsec1 refuses: both are refused here, so Elo never
 * signs or accepts what an independent verifier would read differently.
 */
export function parseStrict(xml: string): Result<Document, XmlRefusal<'xml_malformed'>> {
  const problems: string[] = [];
  const onProblem = (m: string) => void problems.push(m.split('\n')[0]!.replace(/^\[xmldom [a-zA-Z]+\]\s*/, ''));
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ errorHandler: { warning: onProblem, error: onProblem, fatalError: onProblem } }).parseFromString(xml, 'text/xml');
  } catch (e) {
    // xmldom throws a DOMException for some broken documents instead of reporting them, e.g. a
    // CDATA section outside the root (`<a/><![CDATA[x]]>`): "Hierarchy request error".
    return malformed(e instanceof Error ? e.message.split('\n')[0]! : 'erro do analisador');
  }
  // xmldom answers `undefined`, not a document, for an empty text
  const root = doc?.documentElement;
  if (problems.length > 0 || !doc || !root) return malformed(problems[0] ?? 'sem elemento raiz');
  const unbound = unboundPrefix(root);
  if (unbound) return malformed(`o prefixo "${unbound}" não está declarado`);
  return ok(doc);
}

const malformed = (what: string) =>
  err({
    code: 'xml_malformed' as const,
    message: `O documento XML não é bem formado (${what}). Corrija-o e gere o documento de novo.`,
  });

/** The first element or attribute prefix bound to no namespace, in document order, without recursion. */
function unboundPrefix(root: Element): string | undefined {
  let node: Node | null = root;
  while (node) {
    if (node.nodeType === 1) {
      const el = node as Element;
      if (el.prefix && !el.namespaceURI) return el.prefix;
      for (let i = 0; i < el.attributes.length; i++) {
        const a = el.attributes.item(i)!;
        if (a.prefix && a.prefix !== 'xmlns' && !a.namespaceURI) return a.prefix;
      }
      if (el.firstChild) {
        node = el.firstChild;
        continue;
      }
    }
    while (node && node !== root && !node.nextSibling) node = node.parentNode;
    if (!node || node === root) return undefined;
    node = node.nextSibling;
  }
  return undefined;
}
