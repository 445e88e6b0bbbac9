/**
 * Boyer–Moore–Horspool search for one fixed byte pattern. The shift table is built once per
 * pattern; a search touches about one byte in every `pattern.length` on data that rarely contains
 * pattern bytes, and never more than `pattern.length` comparisons per position in the worst case.
 */
export class ByteSearch {
  readonly pattern: Uint8Array;
  readonly #shift: Int32Array;

  constructor(pattern: Uint8Array) {
    if (pattern.length === 0) throw new RangeError('ByteSearch needs a non-empty pattern');
    this.pattern = pattern;
    const last = pattern.length - 1;
    this.#shift = new Int32Array(256).fill(pattern.length);
    for (let j = 0; j < last; j++) this.#shift[pattern[j]!] = last - j;
  }

  get length(): number {
    return this.pattern.length;
  }

  /** Index of the first occurrence of the pattern inside `haystack[from, to)`, or -1. */
  indexIn(haystack: Uint8Array, from: number, to: number): number {
    const pattern = this.pattern;
    const shift = this.#shift;
    const last = pattern.length - 1;
    const lastByte = pattern[last]!;
    let i = from + last;
    while (i < to) {
      const byte = haystack[i]!;
      if (byte === lastByte) {
        let j = last - 1;
        let k = i - 1;
        while (j >= 0 && haystack[k] === pattern[j]) {
          j--;
          k--;
        }
        if (j < 0) return i - last;
      }
      i += shift[byte]!;
    }
    return -1;
  }

  /**
   * Where the bytes that might begin an occurrence completed by later data start: the smallest
   * index `p` in `[from, to)` such that `haystack[p, to)` is a proper prefix of the pattern, or
   * `to` when there is none. Call it after `indexIn` found nothing in the same range; it only
   * looks at the last `pattern.length - 1` bytes.
   */
  partialTailStart(haystack: Uint8Array, from: number, to: number): number {
    const pattern = this.pattern;
    const first = pattern[0]!;
    for (let start = Math.max(from, to - pattern.length + 1); start < to; start++) {
      if (haystack[start] !== first) continue;
      let k = 1;
      while (start + k < to && haystack[start + k] === pattern[k]) k++;
      if (start + k === to) return start;
    }
    return to;
  }
}
