/**
 * What is wrong with a text JSON.parse refused, in Portuguese: V8's messages are English
 * ("Unexpected end of JSON input", "Expected ',' or '}' after property value in JSON at
 * position 12 (line 1 column 13)"), and SEI shows the hub's message to its user verbatim
 * (spec §1.5.7). The position, when V8 gives one, is kept: it is what helps fix the text.
 */
export function jsonSyntaxProblem(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  if (/end of JSON input/i.test(message)) return 'o texto termina antes de o JSON se fechar';
  const at = /at position (\d+)(?: \(line (\d+) column (\d+)\))?/.exec(message);
  const where = at ? (at[2] ? ` na posição ${at[1]} (linha ${at[2]}, coluna ${at[3]})` : ` na posição ${at[1]}`) : '';
  for (const [pattern, what] of KNOWN) if (pattern.test(message)) return `${what}${where}`;
  const token = /Unexpected token '?(.)'?/.exec(message);
  if (token) return `caractere inesperado "${token[1]}"${where}`;
  return `erro de sintaxe${where}`;
}

/** V8's JSON.parse messages (Node 20–22), most specific first. */
const KNOWN: [RegExp, string][] = [
  [/Unterminated string/, 'texto entre aspas sem as aspas de fechamento'],
  [/Expected double-quoted property name/, 'esperava o nome de um campo entre aspas duplas'],
  [/Expected property name or '\}'/, "esperava o nome de um campo ou '}'"],
  [/Expected ':' after property name/, "esperava ':' depois do nome do campo"],
  [/Expected ',' or '\}' after property value/, "esperava ',' ou '}' depois do valor do campo"],
  [/Expected ',' or '\]' after array element/, "esperava ',' ou ']' depois do item da lista"],
  [/Bad control character in string literal/, 'caractere de controle dentro de um texto entre aspas (use \\n, \\t…)'],
  [/Bad escaped character|Bad Unicode escape/, 'sequência de escape inválida dentro de um texto entre aspas'],
  [/Unexpected non-whitespace character after JSON/, 'há conteúdo depois do fim do JSON'],
  [/No number after minus sign|Exponent part is missing|Unterminated fractional number/, 'número mal escrito'],
];
