import type { ErrorCode } from '../domain/errors.ts';
import { err, ok, type Result } from '../domain/result.ts';

/**
 * The gate every XML document Elo reads goes through BEFORE any parser sees it (issue 11, item 6).
 * One left-to-right pass over the text, no regular expression, no DOM, constant work per
 * character, and it stops at the first thing it refuses: a 100,000-deep nesting is refused after
 * reading `maxDepth` start tags, not parsed.
 *
 * What it refuses, and why:
 * - a DOCTYPE (and so every entity declaration, which can only live inside one): entity
 *   expansion ("billion laughs") and external entities (XXE) need one;
 * - an entity reference other than the five predefined ones and numeric character references:
 *   without a DTD any other name is undefined (not well-formed), and some parsers fetch or expand
 *   it anyway;
 * - any processing instruction except the XML declaration at the very start: xml-crypto turns a
 *   processing instruction into text while canonicalising, so a signed `not approved` changed to
 *   `<?x not ?>approved` still verifies while a parser reads "approved"
 *   (NOTES-ecosystem "XML signatures");
 * - any comment: exclusive c14n without comments drops them, so a comment inside signed content
 *   would be unsigned text; Elo's own documents carry none;
 * - nesting deeper than `maxDepth`, more than `maxBytes` (UTF-8) or more than `maxElements`
 *   elements, and anything not well-formed at the level this pass sees (unbalanced or mismatched
 *   tags, text or a second element outside the root, `<` in an attribute value, control characters).
 */
export interface XmlLimits {
  /** UTF-8 bytes of the whole document. */
  maxBytes: number;
  /** Element nesting depth (the root is depth 1). */
  maxDepth: number;
  /** Elements in the whole document. */
  maxElements: number;
}

/**
 * Sized for the largest package Elo exchanges: 5,000 documents × ~30 fields × ~50 bytes ≈ 10 MB
 * and ≈ 150,000 elements, plus a dossiê that embeds that package as base64 (×4/3) next to its
 * receipts and history. 64 MiB and 2,000,000 elements leave a margin of about 4 and 13 over that
 * while bounding what a hostile document can make a parser allocate; no Elo document nests beyond
 * about 10 levels, so 64 is generous and still far below what blows a recursive walker's stack.
 */
export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 2_000_000,
});

export type XmlGuardCode = Extract<
  ErrorCode,
  | 'xml_doctype_refused'
  | 'xml_entity_refused'
  | 'xml_processing_instruction_refused'
  | 'xml_comment_refused'
  | 'xml_too_deep'
  | 'xml_too_large'
  | 'xml_too_many_elements'
  | 'xml_malformed'
>;

export interface XmlRefusal<C extends ErrorCode = ErrorCode> {
  code: C;
  /** Portuguese: what was wrong and what to do. */
  message: string;
  /** UTF-16 offset in the text where the guard stopped (where the refused construct starts). */
  offset?: number;
}

export interface XmlGuardStats {
  bytes: number;
  elements: number;
  depth: number;
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const AMP = 0x26; // &
const SLASH = 0x2f;
const QMARK = 0x3f;
const BANG = 0x21;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const EQ = 0x3d;
const SEMI = 0x3b;
const HASH = 0x23;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** C0 controls other than tab, line feed and carriage return are not XML characters (XML 1.0 §2.2). */
const isForbiddenControl = (c: number): boolean => c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d;
/** Ends a name: whitespace, `/`, `>`, `=`, quotes, `<`, `&`; names are checked loosely (the parser checks them). */
const endsName = (c: number): boolean =>
  isSpace(c) || c === SLASH || c === GT || c === EQ || c === DQUOTE || c === SQUOTE || c === LT || c === AMP || c === QMARK;

const PREDEFINED = new Set(['lt', 'gt', 'amp', 'apos', 'quot']);
/** `&` + at most this many characters + `;`: longer than any predefined or numeric reference. */
const MAX_REFERENCE = 12;

function refusal(code: XmlGuardCode, message: string, offset: number): Result<never, XmlRefusal<XmlGuardCode>> {
  return err({ code, message, offset });
}

/** UTF-8 length of one UTF-16 code unit (a surrogate pair counts 2 + 2). */
const utf8Units = (c: number): number => (c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3);

/**
 * Checks a document before anything parses it. Returns the counts it saw, or the first refusal
 * with its catalogued code, a Portuguese message and the offset where it stopped.
 *
 * @example const g = guardXml(text); if (!g.ok) throw new EloError(g.error.code, g.error.message, { offset: g.error.offset });
 */
export function guardXml(text: string, limits: Partial<XmlLimits> = {}): Result<XmlGuardStats, XmlRefusal<XmlGuardCode>> {
  const { maxBytes, maxDepth, maxElements } = { ...DEFAULT_XML_LIMITS, ...limits };
  const n = text.length;
  // UTF-8 needs at least one byte per UTF-16 unit: a longer string is refused without reading it.
  if (n > maxBytes) {
    return refusal(
      'xml_too_large',
      `O documento XML tem mais de ${maxBytes} bytes, o limite do Elo. Divida o conteúdo ou envie os arquivos como componentes.`,
      0,
    );
  }
  const stack: string[] = [];
  let bytes = 0;
  let elements = 0;
  let rootClosed = false;
  let deepest = 0;
  let i = 0;
  // A byte order mark may precede the declaration; nothing else may.
  if (n > 0 && text.charCodeAt(0) === 0xfeff) {
    i = 1;
    bytes = 3;
  }
  const declStart = i;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c !== LT) {
      // Character data (or whitespace around the root).
      if (c === AMP) {
        const r = checkReference(text, i);
        if (r !== 0) return r < 0 ? badReference(text, i) : refusal('xml_malformed', 'O documento XML tem um "&" solto: escreva-o como "&amp;".', i);
        if (stack.length === 0) return outsideRoot(i);
        bytes += 1;
        i += 1;
        continue;
      }
      if (isForbiddenControl(c)) return controlChar(i);
      if (stack.length === 0 && !isSpace(c)) return outsideRoot(i);
      if (c === GT && i >= 2 && text.charCodeAt(i - 1) === RBRACKET && text.charCodeAt(i - 2) === RBRACKET) {
        return refusal('xml_malformed', 'O documento XML tem "]]>" fora de uma seção CDATA. Escreva ">" como "&gt;".', i - 2);
      }
      bytes += utf8Units(c);
      if (bytes > maxBytes) return tooLarge(maxBytes, i);
      i += 1;
      continue;
    }

    const start = i;
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    if (next === QMARK) {
      // Only the XML declaration, only at the very start (XML 1.0 §2.8), and only exactly "xml".
      const isDecl =
        start === declStart &&
        text.startsWith('<?xml', start) &&
        (start + 5 >= n || isSpace(text.charCodeAt(start + 5)) || text.charCodeAt(start + 5) === QMARK);
      if (!isDecl) {
        return refusal(
          'xml_processing_instruction_refused',
          'O documento XML tem uma instrução de processamento ("<?…?>"). O Elo não as aceita (só a declaração <?xml …?> no início): remova-a e assine de novo.',
          start,
        );
      }
      const end = text.indexOf('?>', start + 5);
      if (end < 0) return truncated(start);
      for (let k = start + 2; k < end; k++) if (text.charCodeAt(k) === LT) return refusal('xml_malformed', 'A declaração <?xml …?> do documento não termina com "?>".', start);
      bytes += end + 2 - start;
      i = end + 2;
      continue;
    }
    if (next === BANG) {
      if (text.startsWith('<!--', start)) {
        return refusal(
          'xml_comment_refused',
          'O documento XML tem um comentário ("<!-- … -->"). A assinatura não cobre comentários, então o Elo não os aceita: remova-o e assine de novo.',
          start,
        );
      }
      if (text.startsWith('<![CDATA[', start)) {
        if (stack.length === 0) return outsideRoot(start);
        // Literal text up to "]]>": nothing inside is markup, and c14n writes it back as escaped text.
        const end = text.indexOf(']]>', start + 9);
        if (end < 0) return truncated(start);
        for (let k = start + 9; k < end; k++) {
          const d = text.charCodeAt(k);
          if (isForbiddenControl(d)) return controlChar(k);
          bytes += utf8Units(d);
        }
        bytes += 12;
        if (bytes > maxBytes) return tooLarge(maxBytes, start);
        i = end + 3;
        continue;
      }
      if (text.startsWith('<!DOCTYPE', start) || text.startsWith('<!ENTITY', start)) {
        return refusal(
          'xml_doctype_refused',
          'O documento XML tem uma declaração DOCTYPE ou ENTITY. O Elo não aceita DTD nem entidades (expansão e leitura de arquivos externos): remova a declaração e assine de novo.',
          start,
        );
      }
      return refusal('xml_malformed', 'O documento XML tem uma declaração "<!" que não é CDATA. Remova-a.', start);
    }
    if (next === SLASH) {
      // End tag: the name must close the innermost open element.
      let k = start + 2;
      while (k < n && !endsName(text.charCodeAt(k))) k++;
      const name = text.slice(start + 2, k);
      while (k < n && isSpace(text.charCodeAt(k))) k++;
      if (k >= n) return truncated(start);
      if (text.charCodeAt(k) !== GT) return refusal('xml_malformed', `A marca de fechamento </${name}> está malformada.`, start);
      const open = stack.pop();
      if (open !== name) {
        return refusal(
          'xml_malformed',
          open === undefined
            ? `O documento XML fecha </${name}> sem que esse elemento esteja aberto.`
            : `O documento XML fecha </${name}> onde devia fechar </${open}>.`,
          start,
        );
      }
      if (stack.length === 0) rootClosed = true;
      bytes += k + 1 - start;
      if (bytes > maxBytes) return tooLarge(maxBytes, start);
      i = k + 1;
      continue;
    }

    // Start tag (or empty-element tag).
    if (rootClosed) return refusal('xml_malformed', 'O documento XML tem mais de um elemento raiz. Um documento tem exatamente uma raiz.', start);
    if (stack.length + 1 > maxDepth) {
      return refusal(
        'xml_too_deep',
        `O documento XML aninha elementos além de ${maxDepth} níveis, o limite do Elo. Nenhum documento do Elo é tão profundo: confira o gerador.`,
        start,
      );
    }
    elements += 1;
    if (elements > maxElements) {
      return refusal(
        'xml_too_many_elements',
        `O documento XML tem mais de ${maxElements} elementos, o limite do Elo. Divida o conteúdo em mais de um envio.`,
        start,
      );
    }
    let k = start + 1;
    while (k < n && !endsName(text.charCodeAt(k))) k++;
    if (k === start + 1) return refusal('xml_malformed', 'O documento XML tem um "<" que não abre um elemento: escreva-o como "&lt;".', start);
    const name = text.slice(start + 1, k);
    // Attributes: name = "value" | 'value', separated by whitespace; values may hold references.
    let selfClosing = false;
    for (;;) {
      const wsStart = k;
      while (k < n && isSpace(text.charCodeAt(k))) k++;
      if (k >= n) return truncated(start);
      const d = text.charCodeAt(k);
      if (d === GT) {
        k += 1;
        break;
      }
      if (d === SLASH) {
        if (k + 1 < n && text.charCodeAt(k + 1) === GT) {
          selfClosing = true;
          k += 2;
          break;
        }
        return malformedTag(name, start);
      }
      if (k === wsStart) return malformedTag(name, start); // attributes need whitespace before them
      const attrStart = k;
      while (k < n && !endsName(text.charCodeAt(k))) k++;
      if (k === attrStart) return malformedTag(name, start);
      while (k < n && isSpace(text.charCodeAt(k))) k++;
      if (k >= n) return truncated(start);
      if (text.charCodeAt(k) !== EQ) return malformedTag(name, start);
      k += 1;
      while (k < n && isSpace(text.charCodeAt(k))) k++;
      if (k >= n) return truncated(start);
      const quote = text.charCodeAt(k);
      if (quote !== DQUOTE && quote !== SQUOTE) return malformedTag(name, start);
      k += 1;
      for (;;) {
        if (k >= n) return truncated(start);
        const v = text.charCodeAt(k);
        if (v === quote) break;
        if (v === LT) return refusal('xml_malformed', `O atributo do elemento <${name}> tem um "<": escreva-o como "&lt;".`, k);
        if (v === AMP) {
          const r = checkReference(text, k);
          if (r !== 0) return r < 0 ? badReference(text, k) : refusal('xml_malformed', 'O documento XML tem um "&" solto: escreva-o como "&amp;".', k);
        } else if (isForbiddenControl(v)) return controlChar(k);
        k += 1;
      }
      k += 1;
    }
    for (let m = start; m < k; m++) bytes += utf8Units(text.charCodeAt(m));
    if (bytes > maxBytes) return tooLarge(maxBytes, start);
    if (selfClosing) {
      if (stack.length === 0) rootClosed = true;
      if (stack.length + 1 > deepest) deepest = stack.length + 1;
    } else {
      stack.push(name);
      if (stack.length > deepest) deepest = stack.length;
    }
    i = k;
  }

  if (stack.length > 0) return truncated(n);
  if (!rootClosed) return refusal('xml_malformed', 'O texto recebido não tem um elemento XML. Envie um documento XML completo.', n);
  return ok({ bytes, elements, depth: deepest });
}

/**
 * 0 when `text[at]` starts a predefined entity or a numeric character reference of an XML
 * character; -1 when it starts some other named reference; 1 when the `&` is not a reference at
 * all. Reads at most MAX_REFERENCE characters.
 */
function checkReference(text: string, at: number): number {
  const limit = Math.min(text.length, at + 2 + MAX_REFERENCE);
  let end = -1;
  for (let k = at + 1; k < limit; k++) {
    const c = text.charCodeAt(k);
    if (c === SEMI) {
      end = k;
      break;
    }
    if (isSpace(c) || c === LT || c === AMP || c === DQUOTE || c === SQUOTE) break;
  }
  if (end < 0) {
    // A name without its ";" within reach: a long or unterminated named reference is still an entity.
    const first = at + 1 < text.length ? text.charCodeAt(at + 1) : -1;
    return first !== HASH && first >= 0 && !isSpace(first) && first !== LT && first !== AMP ? -1 : 1;
  }
  const body = text.slice(at + 1, end);
  if (body.length === 0) return 1;
  if (body.charCodeAt(0) !== HASH) return PREDEFINED.has(body) ? 0 : -1;
  const hex = body.length > 1 && body.charCodeAt(1) === 0x78; // x
  const digits = body.slice(hex ? 2 : 1);
  if (digits.length === 0) return 1;
  let value = 0;
  for (let k = 0; k < digits.length; k++) {
    const d = digits.charCodeAt(k);
    const v =
      d >= 0x30 && d <= 0x39 ? d - 0x30 : hex && d >= 0x61 && d <= 0x66 ? d - 0x57 : hex && d >= 0x41 && d <= 0x46 ? d - 0x37 : -1;
    if (v < 0) return 1;
    value = value * (hex ? 16 : 10) + v;
  }
  // XML 1.0 §2.2 Char: a reference to anything else is not well-formed.
  const isChar =
    value === 0x09 ||
    value === 0x0a ||
    value === 0x0d ||
    (value >= 0x20 && value <= 0xd7ff) ||
    (value >= 0xe000 && value <= 0xfffd) ||
    (value >= 0x10000 && value <= 0x10ffff);
  return isChar ? 0 : 1;
}

function badReference(text: string, at: number): Result<never, XmlRefusal<XmlGuardCode>> {
  const shown = text.slice(at, Math.min(text.length, at + MAX_REFERENCE + 2)).split(';')[0];
  return refusal(
    'xml_entity_refused',
    `O documento XML usa a entidade "${shown};". O Elo aceita só &lt; &gt; &amp; &apos; &quot; e referências numéricas (&#…;): escreva o caractere ou uma referência numérica.`,
    at,
  );
}

const outsideRoot = (at: number) =>
  refusal('xml_malformed', 'O documento XML tem texto ou marcação fora do elemento raiz. Só espaços podem vir antes ou depois da raiz.', at);
const truncated = (at: number) =>
  refusal('xml_malformed', 'O documento XML termina no meio de uma marca ou com elementos abertos. Envie o documento completo.', at);
const controlChar = (at: number) =>
  refusal('xml_malformed', 'O documento XML tem um caractere de controle que o XML não permite. Remova-o.', at);
const malformedTag = (name: string, at: number) =>
  refusal('xml_malformed', `A marca de abertura <${name}> está malformada (atributos devem ser nome="valor", separados por espaço).`, at);
const tooLarge = (maxBytes: number, at: number) =>
  refusal(
    'xml_too_large',
    `O documento XML tem mais de ${maxBytes} bytes, o limite do Elo. Divida o conteúdo ou envie os arquivos como componentes.`,
    at,
  );
