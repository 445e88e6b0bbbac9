import { describe, expect, it } from 'vitest';
import { decodeText } from './decode-text.ts';
import { parseBoolean, parseStructuresFile, StructureFileError } from './parse-structures-file.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
/** Windows-1252 bytes of a Latin-1 string (the letters these files use: á, ç, ã, é, õ…). */
const cp1252 = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const BOM = [0xef, 0xbb, 0xbf];

const problems = (bytes: Uint8Array, existing?: (n: string) => boolean) => {
  try {
    parseStructuresFile(bytes, existing);
    return [];
  } catch (e) {
    if (e instanceof StructureFileError) return e.problems;
    throw e;
  }
};

describe('unit-tree files as Brazilian spreadsheets save them', () => {
  const sheet = 'numero;nome;sigla;numeroPai;ativo;recebeTramites\n1000;Prefeitura de São João;PMSJ;;sim;não\n1001;Secretaria de Educação;SEDUC;1000;s;S\n';

  it('reads a semicolon CSV with a BOM, accents, sim/não and s/S, and reports what it detected', () => {
    const r = parseStructuresFile(Uint8Array.from([...BOM, ...utf8(sheet)]));
    expect(r).toMatchObject({ format: 'csv', encoding: 'utf-8-bom', delimiter: ';' });
    expect(r.rows).toEqual([
      expect.objectContaining({ line: 2, numero: '1000', nome: 'Prefeitura de São João', numeroPai: null, ativo: true, recebeTramites: false }),
      expect.objectContaining({ line: 3, numero: '1001', sigla: 'SEDUC', numeroPai: '1000', ativo: true, recebeTramites: true }),
    ]);
  });

  it('reads the same sheet saved by Excel as Windows-1252, converting the accents', () => {
    const r = parseStructuresFile(cp1252(sheet));
    expect(r.encoding).toBe('windows-1252');
    expect(r.rows.map((x) => x.nome)).toEqual(['Prefeitura de São João', 'Secretaria de Educação']);
  });

  it('reads a comma CSV with quoted names holding commas and semicolons, headers in any case and with accents', () => {
    const r = parseStructuresFile(utf8('Número,Nome,Sigla,Número Pai,Ativo,Recebe Trâmites,Código no Órgão\n7,"Gabinete, do Prefeito; e Vice",GAB,,true,1,"00.7"\n'));
    expect(r.delimiter).toBe(',');
    expect(r.rows[0]).toMatchObject({ numero: '7', nome: 'Gabinete, do Prefeito; e Vice', codigoNoOrgao: '00.7', recebeTramites: true });
  });

  it('reads JSON, a list or {"estruturas": [...]}, with booleans as JSON or as words', () => {
    const list = [{ numero: '10', nome: 'Raiz', sigla: 'R' }, { numero: 11, nome: 'Filha', sigla: 'F', numeroPai: '10', ativo: false, recebeTramites: 'não' }];
    for (const text of [JSON.stringify(list), JSON.stringify({ estruturas: list })]) {
      const r = parseStructuresFile(utf8(text));
      expect(r.format).toBe('json');
      expect(r.rows.map((x) => [x.numero, x.numeroPai, x.ativo, x.recebeTramites])).toEqual([
        ['10', null, true, true],
        ['11', '10', false, false],
      ]);
    }
  });

  it('refuses the whole file listing every problem by line: bad rows, a duplicate, an unknown parent and a cycle', () => {
    const bad = utf8(
      [
        'numero;nome;sigla;numeroPai;ativo;recebeTramites',
        '1;Raiz;R;;sim;sim',
        'x2;Sem número;S;1;sim;sim',
        '3;;S3;1;talvez;sim',
        '1;Repetida;R2;;sim;sim',
        '4;Órfã;O;99;sim;sim',
        '5;Ciclo A;CA;6;sim;sim',
        '6;Ciclo B;CB;5;sim;sim',
      ].join('\n'),
    );
    const first = problems(bad);
    expect(first).toEqual([
      'linha 3: numero "x2" deve ter só dígitos (até 19)',
      'linha 4: nome em branco',
      'linha 4: ativo "talvez" deve ser sim ou não (s/n, true/false, 1/0)',
    ]);
    // once every row reads, the tree itself is checked
    const tree = utf8(['numero;nome;sigla;numeroPai', '1;Raiz;R;', '1;Repetida;R2;', '4;Órfã;O;99', '5;Ciclo A;CA;6', '6;Ciclo B;CB;5'].join('\n'));
    expect(problems(tree)).toEqual([
      'linha 3: numero 1 repetido (já na linha 2)',
      'linha 4: numeroPai 99 não está no arquivo nem no repositório',
      'linha 5: ciclo de estruturas 5 → 6 → 5 (nenhuma delas chega a uma raiz)',
    ]);
  });

  it('accepts a parent that is outside the file but already in the repository (a participant under the state’s tree)', () => {
    const file = utf8('numero;nome;sigla;numeroPai\n2000;Prefeitura;PM;100\n');
    expect(problems(file)).toEqual(['linha 2: numeroPai 100 não está no arquivo nem no repositório']);
    expect(problems(file, (n) => n === '100')).toEqual([]);
  });

  it('names an unknown column, a missing required one, and a row with a different number of columns', () => {
    expect(problems(utf8('numero;nome;sgla\n1;A;B\n'))).toEqual([
      'linha 1: coluna "sgla" desconhecida (as colunas são: numero, nome, sigla, numeroPai, ativo, recebeTramites, enviaTramites, codigoNoOrgao, unidadeReceptora, sucessor)',
      'linha 1: falta a coluna sigla',
    ]);
    expect(problems(utf8('numero;nome;sigla\n1;Nome; com ponto e vírgula;S\n'))).toEqual([
      'linha 2: 4 colunas, o cabeçalho tem 3 (confira o separador ";" dentro de nomes: use aspas)',
    ]);
  });

  it('refuses bytes that are neither UTF-8 nor Windows-1252, naming the line', () => {
    const bytes = Uint8Array.from([...utf8('numero;nome;sigla\n1;A;B\n2;'), 0xe3, 0x81, ...utf8(';C\n')]);
    expect(decodeText(bytes)).toMatchObject({ ok: false, line: 3 });
    expect(problems(bytes)[0]).toMatch(/^linha 3: o arquivo não está em UTF-8 nem em Windows-1252 \(byte 0x81\)/);
  });

  it('reads the booleans Brazilian sheets use, and nothing else', () => {
    for (const v of ['sim', 'SIM', 's', 'S', 'true', 'TRUE', '1', 'verdadeiro']) expect(parseBoolean(v, false), v).toBe(true);
    for (const v of ['não', 'nao', 'NÃO', 'n', 'N', 'false', '0', 'falso']) expect(parseBoolean(v, true), v).toBe(false);
    expect(parseBoolean('', true)).toBe(true);
    expect(parseBoolean('talvez', true)).toBeNull();
  });
});
