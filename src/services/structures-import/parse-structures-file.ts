import { parse } from 'csv-parse/sync';
import { decodeText, type TextEncodingName } from './decode-text.ts';

/**
 * A participant's unit tree as administrators send it (README "Árvore de unidades"): CSV as
 * Brazilian spreadsheets write it, or JSON. Every problem is collected with its line (CSV) or
 * position (JSON), so a broken file is refused whole with the complete list; nothing here
 * touches the store.
 */

export interface StructureFileRow {
  /** Line in the CSV file (1 = header) or index + 1 in the JSON list: what a person fixes. */
  line: number;
  numero: string;
  nome: string;
  sigla: string;
  numeroPai: string | null;
  ativo: boolean;
  recebeTramites: boolean;
  enviaTramites: boolean;
  codigoNoOrgao: string;
  /** The unit that receives on this one's behalf (its protocol office), if any. */
  unidadeReceptora: string | null;
  /** The unit that succeeds this one (merged or renamed), if any. */
  sucessor: string | null;
}

export interface ParsedStructureFile {
  rows: StructureFileRow[];
  format: 'csv' | 'json';
  encoding: TextEncodingName;
  delimiter: ';' | ',' | null;
}

/** The documented columns (README), by their folded name; the first six are the minimum. */
const COLUMNS = {
  numero: 'numero',
  nome: 'nome',
  sigla: 'sigla',
  numeropai: 'numeroPai',
  ativo: 'ativo',
  recebetramites: 'recebeTramites',
  enviatramites: 'enviaTramites',
  codigonoorgao: 'codigoNoOrgao',
  unidadereceptora: 'unidadeReceptora',
  sucessor: 'sucessor',
} as const;
type Column = (typeof COLUMNS)[keyof typeof COLUMNS];
const REQUIRED: Column[] = ['numero', 'nome', 'sigla'];

/** "Número Pai" → "numeropai": headers typed by people, compared without case, accents, spaces or underscores. */
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_-]/g, '');

const TRUE = new Set(['sim', 's', 'true', '1', 'verdadeiro', 'v', 'yes', 'y']);
const FALSE = new Set(['nao', 'n', 'false', '0', 'falso', 'f', 'no']);

/** `sim`/`não`, `s`/`n`, `true`/`false`, `1`/`0` (any case, with or without accent); empty: the default. */
export function parseBoolean(v: unknown, fallback: boolean): boolean | null {
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  const f = fold(String(v));
  return TRUE.has(f) ? true : FALSE.has(f) ? false : null;
}

const MAX_PROBLEMS = 200;
const DIGITS = /^\d{1,19}$/;

/** Leading zeros are not part of a structure's number (spec §3.5: compared as numbers). */
const normaliseNumber = (v: string) => v.replace(/^0+(?=\d)/, '');

export class StructureFileError extends Error {
  constructor(readonly problems: string[], readonly total: number) {
    super(problems.join('\n'));
    this.name = 'StructureFileError';
  }
}

/** Reads one row's fields (already mapped to documented names) into a row, or adds its problems. */
function readRow(line: number, where: string, get: (c: Column) => unknown, problems: string[]): StructureFileRow | null {
  const text = (c: Column) => {
    const v = get(c);
    return v === undefined || v === null ? '' : String(v).trim();
  };
  const before = problems.length;
  const numero = text('numero');
  if (!DIGITS.test(numero)) problems.push(`${where}: numero "${numero}" deve ter só dígitos (até 19)`);
  const nome = text('nome');
  if (!nome || nome.length > 250) problems.push(`${where}: nome ${nome ? 'com mais de 250 caracteres' : 'em branco'}`);
  const sigla = text('sigla');
  if (!sigla || sigla.length > 100) problems.push(`${where}: sigla ${sigla ? 'com mais de 100 caracteres' : 'em branco'}`);
  const ref = (c: Column) => {
    const v = text(c);
    if (v && !DIGITS.test(v)) problems.push(`${where}: ${c} "${v}" deve ter só dígitos`);
    return v ? normaliseNumber(v) : null;
  };
  const numeroPai = ref('numeroPai');
  const unidadeReceptora = ref('unidadeReceptora');
  const sucessor = ref('sucessor');
  const flag = (c: Column, fallback: boolean) => {
    const b = parseBoolean(get(c), fallback);
    if (b === null) problems.push(`${where}: ${c} "${text(c)}" deve ser sim ou não (s/n, true/false, 1/0)`);
    return b ?? fallback;
  };
  const ativo = flag('ativo', true);
  const recebeTramites = flag('recebeTramites', true);
  const enviaTramites = flag('enviaTramites', true);
  const codigoNoOrgao = text('codigoNoOrgao');
  if (codigoNoOrgao.length > 100) problems.push(`${where}: codigoNoOrgao com mais de 100 caracteres`);
  if (problems.length > before) return null;
  return { line, numero: normaliseNumber(numero), nome, sigla, numeroPai, ativo, recebeTramites, enviaTramites, codigoNoOrgao, unidadeReceptora, sucessor };
}

/** `;` or `,`, whichever the header line uses (outside quotes); `;` when it has neither. */
export function detectDelimiter(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\n') break;
    else if (!quoted && ch === ';') semicolons++;
    else if (!quoted && ch === ',') commas++;
  }
  return commas > semicolons ? ',' : ';';
}

function parseCsv(text: string, problems: string[]): { rows: StructureFileRow[]; delimiter: ';' | ',' } {
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, info: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as unknown as typeof records;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    problems.push(`${line ? `linha ${line}: ` : ''}CSV malformado (${e instanceof Error ? e.message : String(e)}). Confira as aspas e o separador.`);
    return { rows: [], delimiter };
  }
  const [header, ...body] = records;
  if (!header) {
    problems.push('o arquivo está vazio: a primeira linha deve ser o cabeçalho, p. ex. numero;nome;sigla;numeroPai;ativo;recebeTramites');
    return { rows: [], delimiter };
  }
  const columns = header.record.map((h) => COLUMNS[fold(h) as keyof typeof COLUMNS] ?? null);
  header.record.forEach((h, i) => {
    if (!columns[i]) problems.push(`linha 1: coluna "${h}" desconhecida (as colunas são: ${Object.values(COLUMNS).join(', ')})`);
  });
  for (const c of REQUIRED) if (!columns.includes(c)) problems.push(`linha 1: falta a coluna ${c}`);
  if (problems.length) return { rows: [], delimiter };
  const rows: StructureFileRow[] = [];
  for (const { record, info } of body) {
    if (problems.length >= MAX_PROBLEMS) break;
    const line = info.lines;
    if (record.length !== columns.length) {
      problems.push(`linha ${line}: ${record.length} colunas, o cabeçalho tem ${columns.length} (confira o separador "${delimiter}" dentro de nomes: use aspas)`);
      continue;
    }
    const get = (c: Column) => {
      const i = columns.indexOf(c);
      return i < 0 ? undefined : record[i];
    };
    const row = readRow(line, `linha ${line}`, get, problems);
    if (row) rows.push(row);
  }
  return { rows, delimiter };
}

function parseJson(text: string, problems: string[]): StructureFileRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    problems.push(`JSON malformado: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
  const list = Array.isArray(value) ? value : (value as { estruturas?: unknown } | null)?.estruturas;
  if (!Array.isArray(list)) {
    problems.push('o JSON deve ser uma lista de estruturas ou {"estruturas": [...]}');
    return [];
  }
  const rows: StructureFileRow[] = [];
  list.forEach((item, i) => {
    if (problems.length >= MAX_PROBLEMS) return;
    const where = `estruturas[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`${where}: deve ser um objeto`);
      return;
    }
    const byFolded = new Map(Object.entries(item as Record<string, unknown>).map(([k, v]) => [COLUMNS[fold(k) as keyof typeof COLUMNS] ?? k, v]));
    for (const k of byFolded.keys())
      if (!Object.values(COLUMNS).includes(k as Column)) problems.push(`${where}: campo "${k}" desconhecido (os campos são: ${Object.values(COLUMNS).join(', ')})`);
    const row = readRow(i + 1, where, (c) => byFolded.get(c), problems);
    if (row) rows.push(row);
  });
  return rows;
}

/** Problems of the tree as a whole: duplicates, unknown parents, cycles, references to nothing. */
function treeProblems(rows: StructureFileRow[], existing: (numero: string) => boolean, problems: string[]): void {
  const byNumero = new Map<string, StructureFileRow>();
  for (const r of rows) {
    const first = byNumero.get(r.numero);
    if (first) problems.push(`linha ${r.line}: numero ${r.numero} repetido (já na linha ${first.line})`);
    else byNumero.set(r.numero, r);
  }
  const known = (n: string) => byNumero.has(n) || existing(n);
  for (const r of rows) {
    if (r.numeroPai === r.numero) problems.push(`linha ${r.line}: a estrutura ${r.numero} é pai de si mesma`);
    else if (r.numeroPai && !known(r.numeroPai)) problems.push(`linha ${r.line}: numeroPai ${r.numeroPai} não está no arquivo nem no repositório`);
    if (r.unidadeReceptora && !known(r.unidadeReceptora)) problems.push(`linha ${r.line}: unidadeReceptora ${r.unidadeReceptora} não está no arquivo nem no repositório`);
    if (r.sucessor && (r.sucessor === r.numero || !known(r.sucessor)))
      problems.push(`linha ${r.line}: sucessor ${r.sucessor} ${r.sucessor === r.numero ? 'é a própria estrutura' : 'não está no arquivo nem no repositório'}`);
  }
  // cycles: follow parents within the file; each unit is visited once overall (linear)
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of byNumero.values()) {
    const path: StructureFileRow[] = [];
    let r: StructureFileRow | undefined = start;
    while (r && !state.has(r.numero)) {
      state.set(r.numero, 'visiting');
      path.push(r);
      r = r.numeroPai ? byNumero.get(r.numeroPai) : undefined;
    }
    if (r && state.get(r.numero) === 'visiting') {
      const cycle = path.slice(path.indexOf(r));
      problems.push(`linha ${r.line}: ciclo de estruturas ${[...cycle.map((x) => x.numero), r.numero].join(' → ')} (nenhuma delas chega a uma raiz)`);
    }
    for (const p of path) state.set(p.numero, 'done');
  }
}

/**
 * Reads a unit-tree file. `existing` tells whether a structure outside the file is already in the
 * repository (a parent in the state's tree, a successor imported before). Throws a
 * StructureFileError with every problem (up to 200) when anything is wrong.
 */
export function parseStructuresFile(bytes: Uint8Array, existing: (numero: string) => boolean = () => false): ParsedStructureFile {
  const decoded = decodeText(bytes);
  if (!decoded.ok) throw new StructureFileError([decoded.message], 1);
  const text = decoded.text.replace(/^\uFEFF/, '');
  const problems: string[] = [];
  const json = /^\s*[[{]/.test(text);
  const csv = json ? null : parseCsv(text, problems);
  const rows = json ? parseJson(text, problems) : csv!.rows;
  if (problems.length === 0) treeProblems(rows, existing, problems);
  if (problems.length) throw new StructureFileError(problems.slice(0, MAX_PROBLEMS), problems.length);
  return { rows, format: json ? 'json' : 'csv', encoding: decoded.encoding, delimiter: csv?.delimiter ?? null };
}
