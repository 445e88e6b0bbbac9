/**
 * A strict reader of the block-YAML subset the repository's configuration examples use (no YAML
 * dependency in the project): mappings, sequences, plain and double- or single-quoted scalars,
 * `#` comments. Anything outside it (tabs, flow collections, anchors, block scalars, a bad indent,
 * a duplicate key) throws, naming the line: a file this accepts is valid YAML with the same meaning.
 */
type Node = string | Node[] | { [key: string]: Node };

interface Line {
  n: number;
  indent: number;
  text: string;
}

function stripComment(s: string): string {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || s[i - 1] === ' ')) return s.slice(0, i).trimEnd();
  }
  if (quote) throw new Error(`unterminated quote: ${s}`);
  return s.trimEnd();
}

function scalar(raw: string, n: number): string {
  if (raw.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(raw)) throw new Error(`line ${n}: bad double-quoted scalar`);
    return JSON.parse(raw) as string;
  }
  if (raw.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(raw)) throw new Error(`line ${n}: bad single-quoted scalar`);
    return raw.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[[\]{}&*!|>%@`]/.test(raw) || /: |\s#/.test(raw)) throw new Error(`line ${n}: outside the subset: ${raw}`);
  return raw;
}

export function parseYamlSubset(text: string): Node {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.includes('\t')) throw new Error(`line ${i + 1}: tab`);
    const body = stripComment(raw);
    if (body.trim() === '') return;
    lines.push({ n: i + 1, indent: body.length - body.trimStart().length, text: body.trimStart() });
  });
  let at = 0;
  function block(indent: number): Node {
    const first = lines[at];
    if (!first || first.indent !== indent) throw new Error(`line ${first?.n ?? 'end'}: expected indent ${indent}`);
    return first.text.startsWith('- ') || first.text === '-' ? sequence(indent) : mapping(indent);
  }
  function value(rest: string, line: Line, indent: number): Node {
    if (rest !== '') return scalar(rest, line.n);
    const next = lines[at];
    if (!next || next.indent <= indent) throw new Error(`line ${line.n}: empty value`);
    return block(next.indent);
  }
  function mapping(indent: number, seed?: { key: string; rest: string; line: Line }): Node {
    const out: Record<string, Node> = {};
    const entry = (key: string, rest: string, line: Line, childIndent: number) => {
      if (key in out) throw new Error(`line ${line.n}: duplicate key ${key}`);
      out[key] = value(rest, line, childIndent);
    };
    if (seed) entry(seed.key, seed.rest, seed.line, indent - 1);
    while (at < lines.length && lines[at]!.indent === indent && !lines[at]!.text.startsWith('- ')) {
      const line = lines[at++]!;
      const m = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/.exec(line.text);
      if (!m) throw new Error(`line ${line.n}: expected "key: value"`);
      entry(m[1]!, (m[2] ?? '').trim(), line, indent);
    }
    if (at < lines.length && lines[at]!.indent > indent) throw new Error(`line ${lines[at]!.n}: bad indent`);
    return out;
  }
  function sequence(indent: number): Node {
    const out: Node[] = [];
    while (at < lines.length && lines[at]!.indent === indent && lines[at]!.text.startsWith('- ')) {
      const line = lines[at++]!;
      const item = line.text.slice(2);
      const m = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/.exec(item);
      // "- key: value" opens a mapping whose other keys sit under the first one
      if (m) out.push(mapping(indent + 2, { key: m[1]!, rest: (m[2] ?? '').trim(), line }));
      else out.push(scalar(item, line.n));
    }
    if (at < lines.length && lines[at]!.indent > indent) throw new Error(`line ${lines[at]!.n}: bad indent`);
    return out;
  }
  const doc = block(0);
  if (at !== lines.length) throw new Error(`line ${lines[at]!.n}: unexpected content`);
  return doc;
}
