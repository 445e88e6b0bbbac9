/**
 * Bounds on the shape of a JSON text, checked on its UTF-8 bytes before it is parsed: how many
 * values, how many of them objects or lists, how deep. Parsing allocates per value (an empty
 * object costs about 90 bytes of memory for 3 bytes of text), so a body of `{"x":[{},{},…]}`
 * within the size limit would take gigabytes; this scan allocates nothing and reads each byte
 * once. It does not validate JSON: a malformed text is counted as far as it goes and then
 * refused by the parser.
 *
 * @example scanJsonShape(utf8('{"a":[1,{}]}')) // { values: 4, containers: 3, depth: 2 }
 */
export interface JsonShape {
  /** Objects, lists, strings, numbers and literals (keys are not values). */
  values: number;
  /** Objects and lists. */
  containers: number;
  /** Deepest nesting of objects and lists. */
  depth: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Counts the shape of `bytes`, stopping as soon as one count passes its bound in `max` (the
 * returned shape then shows which one did).
 */
export function scanJsonShape(bytes: Uint8Array, max: JsonShape = { values: Infinity, containers: Infinity, depth: Infinity }): JsonShape {
  const shape: JsonShape = { values: 0, containers: 0, depth: 0 };
  // Whether each open container is an object (1) or a list (0), to tell keys from values.
  const inObject: number[] = [];
  let depth = 0;
  let prev = COMMA; // the last structural byte outside strings; a value may start after it
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (isWs(b)) continue;
    if (b === QUOTE) {
      const isKey = depth > 0 && inObject[depth - 1] === 1 && (prev === OPEN_OBJECT || prev === COMMA);
      if (!isKey) shape.values++;
      for (i++; i < n; i++) {
        const c = bytes[i]!;
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) break;
      }
      prev = QUOTE;
    } else if (b === OPEN_OBJECT || b === OPEN_LIST) {
      shape.values++;
      shape.containers++;
      inObject[depth] = b === OPEN_OBJECT ? 1 : 0;
      depth++;
      if (depth > shape.depth) shape.depth = depth;
      prev = b;
    } else if (b === CLOSE_OBJECT || b === CLOSE_LIST) {
      if (depth > 0) depth--;
      prev = b;
    } else if (b === COMMA || b === COLON) {
      prev = b;
    } else {
      // a number or literal: counted at its first byte, then skipped to its end
      if (prev === COMMA || prev === COLON || prev === OPEN_LIST) shape.values++;
      while (i + 1 < n && !isWs(bytes[i + 1]!) && bytes[i + 1] !== COMMA && bytes[i + 1] !== CLOSE_OBJECT && bytes[i + 1] !== CLOSE_LIST) i++;
      prev = 0;
    }
    if (shape.values > max.values || shape.containers > max.containers || shape.depth > max.depth) return shape;
  }
  return shape;
}
