/**
 * Reads a package XML back into its model (the reverse of build.ts, by the same fields.ts). Meant
 * to run after the hardened pre-parse check (xml/guard.ts), and safe without it: no DTD is read,
 * no entity but the predefined and numeric ones is expanded, processing instructions and
 * comments are dropped. Every refusal names what was wrong, where, and what to do.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EloError } from '../../domain/errors.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { cabecalhoFields, pacoteFields, type Field } from './fields.ts';
import { PACOTE_NS, type Pacote } from './model.ts';
import { NOT_XML_CHAR, unescapeText } from './xml-text.ts';

/** XMLDSig's namespace: one enveloped `Signature` may close the root (its check is xmldsig's). */
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Item elements that repeat: always arrays, even with one item. */
const LIST_ITEMS = new Set([
  'interessado',
  'itemHistorico',
  'componenteDigital',
  'assinaturaDigital',
  'propriedadeAdicional',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // References are decoded here (xml-text.ts), never by the parser: no entity expansion at all.
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  // Text is kept exactly: spaces at either end of a descrição are data.
  trimValues: false,
  ignorePiTags: true,
  ignoreDeclaration: true,
  isArray: (name, jpath) =>
    LIST_ITEMS.has(name) ||
    (name === 'documento' && String(jpath).endsWith('.documentos.documento')) ||
    (name === 'processo' && String(jpath).endsWith('.processosApensados.processo')),
});

class Refusal {
  constructor(
    readonly code: 'package_xml_malformed' | 'package_xml_invalid',
    readonly mensagem: string,
    readonly path?: string,
  ) {}
}

const ACTION = 'Gere o pacote de novo conforme federation/schemas/pacote.xsd (docs/pacote-xml.md).';

const invalid = (path: string, what: string): never => {
  throw new Refusal('package_xml_invalid', `Pacote XML inválido: ${path} ${what}. ${ACTION}`, path);
};

const isWhitespace = (s: unknown): boolean => typeof s === 'string' && /^[ \t\n]*$/.test(s);

function readLeaf(f: Field & { kind: 'text' | 'integer' | 'boolean' }, raw: unknown, path: string): unknown {
  if (typeof raw !== 'string') return invalid(path, 'deve conter só texto, sem atributos nem elementos');
  const decoded = unescapeText(raw);
  if (!decoded.ok)
    throw new Refusal(
      'package_xml_malformed',
      `Pacote XML malformado: ${path} contém a referência ${decoded.bad}, que não é uma das entidades predefinidas do XML. ${ACTION}`,
      path,
    );
  const v = decoded.text;
  if (f.kind === 'integer') {
    const n = /^(0|[1-9][0-9]{0,15})$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) invalid(path, `deve ser um número inteiro não negativo, sem zeros à esquerda (veio "${v.slice(0, 40)}")`);
    return n;
  }
  if (f.kind === 'boolean') {
    if (v !== 'true' && v !== 'false') invalid(path, `deve ser "true" ou "false" (veio "${v.slice(0, 40)}")`);
    return v === 'true';
  }
  if (f.pattern && !f.pattern.test(v)) invalid(path, `deve ser ${f.patternText}`);
  return v;
}

/** The children of a complex element, checked: no attributes, no text but whitespace. */
function children(raw: unknown, path: string): Record<string, unknown> {
  if (raw === '') return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return invalid(path, 'deve conter elementos, não texto');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k === '#text' && isWhitespace(o[k])) continue;
    if (k === '#text') invalid(path, 'contém texto fora dos elementos');
    if (k.startsWith('@')) invalid(path, `tem o atributo ${k.slice(1)}, que o pacote não usa`);
  }
  return o;
}

function readFields(fields: readonly Field[], raw: unknown, path: string): Record<string, unknown> {
  const o = children(raw, path);
  const known = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(o))
    if (k !== '#text' && !known.has(k)) invalid(`${path}/${k}`, 'não é um elemento do pacote');
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    // Own members only: an inherited `constructor` or the like is never an element.
    const v = Object.hasOwn(o, f.name) ? o[f.name] : undefined;
    const at = `${path}/${f.name}`;
    if (v === undefined) {
      if (!f.optional) invalid(at, 'é obrigatório e está ausente');
      continue;
    }
    if (Array.isArray(v)) invalid(at, 'aparece mais de uma vez');
    if (f.kind === 'object') out[f.name] = readFields(f.fields(), v, at);
    else if (f.kind === 'list') out[f.name] = readList(f, v, at);
    else out[f.name] = readLeaf(f, v, at);
  }
  return out;
}

function readList(f: Field & { kind: 'list' }, raw: unknown, path: string): unknown[] {
  const o = children(raw, path);
  for (const k of Object.keys(o))
    if (k !== '#text' && k !== f.item) invalid(`${path}/${k}`, `não cabe aqui: a lista só contém elementos ${f.item}`);
  const items = Object.hasOwn(o, f.item) ? o[f.item] : undefined;
  // An empty list is written as no list at all (model.ts).
  if (!Array.isArray(items) || items.length === 0) return invalid(path, `deve conter ao menos um ${f.item}`);
  const fields = f.fields();
  return items.map((item: unknown, i) => {
    const at = `${path}/${f.item}[${i + 1}]`;
    const value = readFields(fields, item, at);
    if (f.ordered && value.ordem !== i + 1)
      invalid(`${at}/ordem`, `deve ser ${i + 1}: os itens vão em ordem, de 1 a ${items.length}`);
    return value;
  });
}

function readRoot(xml: string): Pacote {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new Refusal('package_xml_malformed', `Pacote XML recusado: contém uma declaração DOCTYPE ou ENTITY, que o pacote não admite. ${ACTION}`);
  // The builder never writes CDATA, and the parser would hand its text over undecoded.
  if (xml.includes('<![CDATA['))
    throw new Refusal('package_xml_malformed', `Pacote XML recusado: contém uma seção CDATA, que o pacote não usa; escreva o texto com as referências &amp; &lt; &gt;. ${ACTION}`);
  const badChar = NOT_XML_CHAR.exec(xml);
  if (badChar)
    throw new Refusal(
      'package_xml_malformed',
      `Pacote XML malformado: há um caractere que o XML 1.0 não admite (U+${badChar[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) na posição ${badChar.index}. ${ACTION}`,
    );
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new Refusal(
      'package_xml_malformed',
      `Pacote XML malformado na linha ${valid.err.line}, coluna ${valid.err.col}: ${valid.err.msg} Envie um XML bem formado.`,
    );
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (e) {
    // The parser refuses names such as __proto__ (prototype pollution) by throwing.
    throw new Refusal(
      'package_xml_malformed',
      `Pacote XML recusado pelo leitor: ${e instanceof Error ? e.message : String(e)}. ${ACTION}`,
    );
  }
  const roots = Object.keys(doc).filter((k) => !(k === '#text' && isWhitespace(doc[k])));
  if (roots.length !== 1 || roots[0] !== 'pacote' || Array.isArray(doc.pacote))
    throw new Refusal(
      'package_xml_malformed',
      `Pacote XML recusado: o documento deve ter um único elemento raiz <pacote xmlns="${PACOTE_NS}">; tem ${roots.map((r) => `<${r}>`).join(', ') || 'nenhum'}. ${ACTION}`,
    );
  const root = doc.pacote;
  if (typeof root !== 'object' || root === null || (root as Record<string, unknown>)['@xmlns'] !== PACOTE_NS)
    return invalid('/pacote', `deve declarar o namespace xmlns="${PACOTE_NS}"`);
  const { ['@xmlns']: _ns, ...rest } = root as Record<string, unknown>;
  const content = withoutSignature(rest);
  // The cabeçalho's tipo says which body follows; a missing or repeated one is reported as such.
  if (content.cabecalho === undefined || Array.isArray(content.cabecalho)) readFields(pacoteFields, content, '/pacote');
  const cabecalho = readFields(cabecalhoFields, content.cabecalho, '/pacote/cabecalho');
  const tipo = cabecalho.tipo as string;
  const body = tipo === 'processo' ? 'processo' : 'documento';
  const other = tipo === 'processo' ? 'documento' : 'processo';
  if (!(body in content)) invalid(`/pacote/${body}`, `é obrigatório num pacote do tipo "${tipo}"`);
  if (other in content) invalid(`/pacote/${other}`, `não cabe num pacote do tipo "${tipo}"`);
  return readFields(pacoteFields, content, '/pacote') as unknown as Pacote;
}

/**
 * Drops one enveloped XMLDSig `Signature` (any prefix) from the root's children: it is read and
 * checked by xmldsig, not here. Two signatures, or one in another namespace, are refused.
 */
function withoutSignature(root: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let seen = 0;
  for (const [k, v] of Object.entries(root)) {
    if (k === 'Signature' || k.endsWith(':Signature')) {
      const prefix = k.includes(':') ? k.slice(0, k.indexOf(':')) : '';
      const sig = v as Record<string, unknown>;
      const ns = typeof sig === 'object' && sig !== null && !Array.isArray(sig) ? sig[prefix ? `@xmlns:${prefix}` : '@xmlns'] : undefined;
      if (Array.isArray(v) || ns !== DSIG_NS)
        invalid(`/pacote/${k}`, `deve ser uma única assinatura XMLDSig (${DSIG_NS}), declarada no próprio elemento`);
      seen += 1;
      continue;
    }
    out[k] = v;
  }
  if (seen > 1) invalid('/pacote', 'tem mais de uma assinatura');
  return out;
}

/**
 * Reads a package XML (after xml/guard.ts) into its model. A refusal is a value:
 * `package_xml_malformed` (9063) when it is not a well-formed package document,
 * `package_xml_invalid` (9064) when an element is missing, repeated, unknown or ill-typed.
 *
 * @example
 * const r = readPackageXml(text);
 * if (!r.ok) throw r.error;
 * const nre = r.value.cabecalho.NRE;
 */
export function readPackageXml(xml: string): Result<Pacote, EloError> {
  try {
    // Line ends as an XML processor sees them (XML 1.0 §2.11); a CR in data travels as &#13;.
    return ok(readRoot(xml.includes('\r') ? xml.replace(/\r\n?/g, '\n') : xml));
  } catch (e) {
    if (e instanceof Refusal) return err(new EloError(e.code, e.mensagem, e.path ? { path: e.path } : undefined));
    throw e;
  }
}
