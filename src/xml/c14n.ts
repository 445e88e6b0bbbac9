import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import type { XmlElement } from './signature-tree.ts';

/**
 * Exclusive c14n without comments of an element, by xml-crypto's own ExclusiveCanonicalization
 * (never a hand-written one), with the options its canonicalize() passes for a reference that has
 * no ancestors. It takes a signature tree (signature-tree.ts), whose nodes carry the DOM
 * properties that canonicaliser reads, or an xmldom Element.
 */
export const exclusiveC14n = (el: XmlElement | Element): string =>
  new ExclusiveCanonicalization().process(el as Element, { defaultNsForPrefix: SignedXml.defaultNsForPrefix, ancestorNamespaces: [] }) as string;
