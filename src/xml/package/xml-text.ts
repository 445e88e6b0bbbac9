/**
 * Text in the package XML: one escaping, always the same, so that the same model gives the same
 * bytes; and the reverse, for exactly the references that escaping produces plus the other
 * predefined and numeric references of XML 1.0 §4.1, §4.6. Named entities beyond the five
 * predefined ones are never expanded (no DTD is ever read).
 */

/**
 * Characters XML 1.0 cannot carry at all, not even as a reference (XML 1.0 §2.2 `Char`): C0
 * controls other than tab, line feed and carriage return; U+FFFE, U+FFFF; lone surrogates.
 */
export const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const NOT_XML_CHAR_ALL = new RegExp(NOT_XML_CHAR.source, 'gu');

/** The character that stands for one XML cannot carry (the exact text stays in the JSON bytes). */
export const REPLACEMENT = '\uFFFD';

/** `text` with every character XML cannot carry replaced by U+FFFD. */
export const toXmlSafe = (text: string): string =>
  NOT_XML_CHAR.test(text) ? text.replace(NOT_XML_CHAR_ALL, REPLACEMENT) : text;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // A literal CR would reach a reader as LF (XML 1.0 §2.11): the reference keeps it.
  '\r': '&#13;',
};
const NEEDS_ESCAPE = /[&<>"\r]/;
const NEEDS_ESCAPE_ALL = /[&<>"\r]/g;

/** Element text, escaped the one way the builder ever escapes. The caller checked NOT_XML_CHAR. */
export const escapeText = (text: string): string =>
  NEEDS_ESCAPE.test(text) ? text.replace(NEEDS_ESCAPE_ALL, (c) => ESCAPES[c] as string) : text;

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);|&/g;

/**
 * Decodes the references in `raw` element text; the name of the first one it cannot decode
 * (an undeclared entity, a bare `&`, a reference to a character XML cannot carry) otherwise.
 */
export function unescapeText(raw: string): { ok: true; text: string } | { ok: false; bad: string } {
  if (!raw.includes('&')) return { ok: true, text: raw };
  let bad: string | undefined;
  const text = raw.replace(REFERENCE, (whole, ref: string | undefined) => {
    if (bad !== undefined) return '';
    if (ref === undefined) {
      bad = '&';
      return '';
    }
    if (ref[0] !== '#') {
      const c = PREDEFINED[ref];
      if (c === undefined) bad = whole;
      return c ?? '';
    }
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    const c = code <= 0x10ffff ? String.fromCodePoint(code) : '';
    if (c === '' || NOT_XML_CHAR.test(c)) bad = whole;
    return c;
  });
  return bad === undefined ? { ok: true, text } : { ok: false, bad };
}
