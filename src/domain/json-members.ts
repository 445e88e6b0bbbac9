/**
 * Finds the exact source text of each top-level member of a JSON object, so that Elo can relay
 * what a sender sent without re-rendering it (ARCHITECTURE "Byte stability"). The text must
 * already be valid JSON (it was parsed first); this scanner only tracks strings and nesting.
 *
 * @example rawMembers('{"a": {"b": 1}, "c": "x"}').get('a') // '{"b": 1}'
 */
export function rawMembers(json: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = skipWs(json, 0);
  if (json[i] !== '{') return out;
  i++;
  for (;;) {
    i = skipWs(json, i);
    if (json[i] === '}') return out;
    const keyEnd = endOfString(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipWs(json, keyEnd);
    i = skipWs(json, i + 1); // ':'
    const valueEnd = endOfValue(json, i);
    // A repeated key: the last one wins, as in JSON.parse.
    out.set(key, json.slice(i, valueEnd));
    i = skipWs(json, valueEnd);
    if (json[i] === ',') i++;
    else return out;
  }
}

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\r' || s[i] === '\t')) i++;
  return i;
}

function endOfString(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j + 1;
  }
  return s.length;
}

function endOfValue(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return endOfString(s, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s[j];
      if (d === '"') j = endOfString(s, j) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return s.length;
  }
  let j = i;
  while (j < s.length && !',}] \n\r\t'.includes(s[j]!)) j++;
  return j;
}
