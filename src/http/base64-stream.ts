/**
 * Encodes a byte stream as a JSON string of standard padded base64 (spec §2.19: the download
 * answer is base64, best as a JSON string), chunk by chunk so that memory does not grow with the
 * component (ARCHITECTURE "Streams, not buffers"). Bytes are encoded straight into bytes through
 * a table: no intermediate strings (btoa over binary strings ran at about 11 MiB/s end to end).
 */
const ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const QUOTE = 0x22;
const PAD = 0x3d;

/** Encodes whole 3-byte groups of `src` into `dst` at `at`; returns the new offset. */
function encodeGroups(src: Uint8Array, end: number, dst: Uint8Array, at: number): number {
  let o = at;
  for (let i = 0; i < end; i += 3) {
    const n = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    dst[o++] = ALPHABET[n >>> 18]!;
    dst[o++] = ALPHABET[(n >>> 12) & 63]!;
    dst[o++] = ALPHABET[(n >>> 6) & 63]!;
    dst[o++] = ALPHABET[n & 63]!;
  }
  return o;
}

/** Standard padded base64 of a whole buffer, as bytes. */
export function base64Bytes(src: Uint8Array): Uint8Array {
  const whole = src.length - (src.length % 3);
  const out = new Uint8Array(Math.ceil(src.length / 3) * 4);
  let o = encodeGroups(src, whole, out, 0);
  const rest = src.length - whole;
  if (rest) {
    const a = src[whole]!;
    const b = rest === 2 ? src[whole + 1]! : 0;
    out[o++] = ALPHABET[a >> 2]!;
    out[o++] = ALPHABET[((a & 3) << 4) | (b >> 4)]!;
    out[o++] = rest === 2 ? ALPHABET[(b & 15) << 2]! : PAD;
    out[o++] = PAD;
  }
  return out;
}

export function base64JsonStream(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let carry = new Uint8Array(0);
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([QUOTE]));
      },
      transform(chunk, controller) {
        let src = chunk;
        if (carry.length) {
          src = new Uint8Array(carry.length + chunk.length);
          src.set(carry);
          src.set(chunk, carry.length);
        }
        const usable = src.length - (src.length % 3);
        carry = src.slice(usable);
        if (usable === 0) return;
        const out = new Uint8Array((usable / 3) * 4);
        encodeGroups(src, usable, out, 0);
        controller.enqueue(out);
      },
      flush(controller) {
        const tail = base64Bytes(carry);
        const out = new Uint8Array(tail.length + 1);
        out.set(tail);
        out[tail.length] = QUOTE;
        controller.enqueue(out);
      },
    }),
  );
}
