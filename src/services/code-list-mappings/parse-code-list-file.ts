import { parse } from 'csv-parse/sync';
import { CODE_LIST_LABEL, type CodeListName } from '../../domain/code-list-mapping.ts';
import { decodeText } from '../structures-import/decode-text.ts';
import { detectDelimiter } from '../structures-import/parse-structures-file.ts';

/**
 * A system's list of its own codes, as administrators send it (README "Mapeamento de espécies e
 * hipóteses"): CSV `codigo;nome[;federacao]` as Brazilian spreadsheets write it (`;` or `,`,
 * UTF-8 with or without BOM, or Windows-1252), the same conventions as a unit tree. Every
 * problem is collected with its line, so a broken file is refused whole with the complete list;
 * nothing here touches the store.
 */
export interface CodeListFileRow {
  line: number;
  codigo: string;
  nome: string;
  /** The federation code (espécie `codigo`, hipótese `identificacao`): absent when the file has no `federacao` column, null when its cell is empty. */
  mapped?: number | null;
}

/** Folded header → column; `nomeNaFederacao` (written by the export, for people) is read and ignored. */
const COLUMNS = { codigo: 'codigo', nome: 'nome', federacao: 'federacao', nomenafederacao: 'nomeNaFederacao' } as const;
type Column = keyof typeof COLUMNS;
const MAX_PROBLEMS = 200;
export const MAX_LOCAL_CODES = 10_000;

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_-]/g, '');

export type CodeListFile = { ok: true; rows: CodeListFileRow[] } | { ok: false; problems: string[]; total: number };

/** Reads the file; `known` are the federation codes of the list as it is now (an unknown one is a problem of its line). */
export function parseCodeListFile(bytes: Uint8Array, lista: CodeListName, known: ReadonlySet<number>): CodeListFile {
  const problems: string[] = [];
  const done = (rows: CodeListFileRow[]): CodeListFile => (problems.length ? { ok: false, problems: problems.slice(0, MAX_PROBLEMS), total: problems.length } : { ok: true, rows });
  const decoded = decodeText(bytes);
  if (!decoded.ok) return (problems.push(decoded.message), done([]));
  const text = decoded.text;
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, info: true, skip_empty_lines: true, relax_column_count: true, bom: true, trim: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    problems.push(`${line ? `linha ${line}: ` : ''}CSV malformado (${e instanceof Error ? e.message : String(e)}). Confira as aspas e o separador.`);
    return done([]);
  }
  const [header, ...body] = records;
  if (!header) return (problems.push('o arquivo está vazio: a primeira linha deve ser o cabeçalho codigo;nome;federacao'), done([]));
  const columns = header.record.map((h) => (fold(h) in COLUMNS ? (fold(h) as Column) : null));
  header.record.forEach((h, i) => {
    if (!columns[i]) problems.push(`linha 1: coluna "${h}" desconhecida (as colunas são: codigo, nome, federacao, nomeNaFederacao)`);
  });
  for (const c of ['codigo', 'nome'] as const) if (!columns.includes(c)) problems.push(`linha 1: falta a coluna ${c}`);
  if (problems.length) return done([]);
  if (body.length > MAX_LOCAL_CODES) return (problems.push(`o arquivo tem ${body.length} linhas: o máximo é ${MAX_LOCAL_CODES}`), done([]));
  const what = CODE_LIST_LABEL[lista].federacao;
  const rows: CodeListFileRow[] = [];
  const codes = new Map<string, number>();
  const targets = new Map<number, number>();
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length !== columns.length) {
      problems.push(`linha ${line}: ${record.length} colunas, o cabeçalho tem ${columns.length} (confira o separador "${delimiter}" dentro de nomes: use aspas)`);
      continue;
    }
    const get = (c: Column) => record[columns.indexOf(c)] ?? '';
    const codigo = get('codigo');
    const nome = get('nome');
    if (!codigo || codigo.length > 100) problems.push(`linha ${line}: codigo ${codigo ? 'com mais de 100 caracteres' : 'em branco'}`);
    else if (codes.has(codigo)) problems.push(`linha ${line}: codigo ${codigo} repetido (já na linha ${codes.get(codigo)})`);
    else codes.set(codigo, line);
    if (!nome || nome.length > 250) problems.push(`linha ${line}: nome ${nome ? 'com mais de 250 caracteres' : 'em branco'}`);
    let mapped: number | null | undefined;
    if (columns.includes('federacao')) {
      const f = get('federacao');
      mapped = null;
      if (f && !/^\d{1,9}$/.test(f)) problems.push(`linha ${line}: federacao "${f}" deve ser o código numérico da ${what}`);
      else if (f && !known.has(Number(f))) problems.push(`linha ${line}: federacao ${f} não é uma ${what} da federação`);
      else if (f && targets.has(Number(f))) problems.push(`linha ${line}: a ${what} ${f} já está na linha ${targets.get(Number(f))} (o mapeamento é um para um)`);
      else if (f) (mapped = Number(f), targets.set(mapped, line));
    }
    rows.push({ line, codigo, nome, ...(mapped !== undefined && { mapped }) });
  }
  return done(rows);
}
