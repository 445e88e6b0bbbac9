/**
 * Writes a package model as its canonical XML bytes: elements in the order of fields.ts, no
 * attributes but the root's namespace, no whitespace between elements, one escaping (xml-text.ts),
 * UTF-8 with the XML declaration. A string writer, not a canonicaliser: determinism comes from
 * writing only one way.
 */
import { EloError } from '../../domain/errors.ts';
import { pacoteFields, type Field } from './fields.ts';
import { PACOTE_NS, type Pacote } from './model.ts';
import { escapeText, NOT_XML_CHAR } from './xml-text.ts';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const refuse = (path: string, what: string): never => {
  throw new EloError(
    'package_model_invalid',
    `O pacote não pôde ser escrito em XML: ${path} ${what}. Corrija os dados do trâmite antes de gerar o pacote.`,
    { path },
  );
};

function leaf(f: Field & { kind: 'text' | 'integer' | 'boolean' }, v: unknown, path: string): string {
  if (f.kind === 'integer') {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) refuse(path, 'deve ser um número inteiro não negativo');
    return String(v);
  }
  if (f.kind === 'boolean') {
    if (typeof v !== 'boolean') refuse(path, 'deve ser verdadeiro ou falso');
    return v ? 'true' : 'false';
  }
  if (typeof v !== 'string') return refuse(path, 'deve ser um texto');
  if (NOT_XML_CHAR.test(v)) refuse(path, 'contém um caractere que o XML 1.0 não admite');
  if (f.pattern && !f.pattern.test(v)) refuse(path, `deve ser ${f.patternText}`);
  return escapeText(v);
}

function writeFields(out: string[], fields: readonly Field[], obj: Record<string, unknown>, path: string): void {
  for (const f of fields) {
    const v = obj[f.name];
    const at = `${path}/${f.name}`;
    if (v === undefined || (f.kind === 'list' && Array.isArray(v) && v.length === 0)) {
      if (!f.optional) refuse(at, 'é obrigatório');
      continue;
    }
    if (f.kind === 'object') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) refuse(at, 'deve ser um objeto');
      out.push(`<${f.name}>`);
      writeFields(out, f.fields(), v as Record<string, unknown>, at);
      out.push(`</${f.name}>`);
    } else if (f.kind === 'list') {
      if (!Array.isArray(v)) return refuse(at, 'deve ser uma lista');
      const fields = f.fields();
      out.push(`<${f.name}>`);
      v.forEach((item: unknown, i) => {
        const itemPath = `${at}/${f.item}[${i + 1}]`;
        if (typeof item !== 'object' || item === null) refuse(itemPath, 'deve ser um objeto');
        const o = item as Record<string, unknown>;
        if (f.ordered && o.ordem !== i + 1) refuse(`${itemPath}/ordem`, `deve ser ${i + 1}: a lista vai em ordem, de 1 a ${v.length}`);
        out.push(`<${f.item}>`);
        writeFields(out, fields, o, itemPath);
        out.push(`</${f.item}>`);
      });
      out.push(`</${f.name}>`);
    } else {
      out.push(`<${f.name}>`, leaf(f, v, at), `</${f.name}>`);
    }
  }
}

/**
 * The canonical XML text of a package (namespace `urn:elo:pacote:1`). The same model always
 * gives the same string; encode it with TextEncoder for the bytes. Throws `package_model_invalid`
 * (9065) for a model it cannot write faithfully.
 *
 * @example
 * const xml = buildPackageXml(pacoteFromStoredTramite({ body, tramite, components }));
 * await blobs.write(key, new TextEncoder().encode(xml));
 */
export function buildPackageXml(pacote: Pacote): string {
  const tipo = pacote.cabecalho.tipo;
  const body = tipo === 'processo' ? 'processo' : 'documento';
  if (!(body in pacote)) refuse(`/pacote/${body}`, `é obrigatório num pacote do tipo "${tipo}"`);
  if (body === 'processo' ? 'documento' in pacote : 'processo' in pacote)
    refuse('/pacote', `deve ter só o ${body}, conforme o tipo "${tipo}" do cabeçalho`);
  const out: string[] = [DECLARATION, `<pacote xmlns="${PACOTE_NS}">`];
  writeFields(out, pacoteFields, pacote as unknown as Record<string, unknown>, '/pacote');
  out.push('</pacote>');
  return out.join('');
}

