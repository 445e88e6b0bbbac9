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

/** Encodes the whole 3-byte groups of `src[0, usable)` (`usable` a multiple of 3) as base64 bytes. */
type GroupEncoder = (src: Uint8Array, usable: number) => Uint8Array;

const tableEncoder: GroupEncoder = (src, usable) => {
  const out = new Uint8Array((usable / 3) * 4);
  encodeGroups(src, usable, out, 0);
  return out;
};

/** Node's Buffer, also present in Workers with nodejs_compat; absent elsewhere. */
interface NativeBuffer {
  from(bytes: ArrayBufferLike, offset: number, length: number): { toString(encoding: 'base64'): string };
  from(text: string, encoding: 'latin1'): Uint8Array;
}
const nativeBuffer = (globalThis as { Buffer?: NativeBuffer }).Buffer;

/**
 * The runtime's native base64 where it has one: about 9× the table's speed here (2.8 GB/s against
 * 306 MB/s for 64 KiB chunks; the table capped ranged downloads near 180 MiB/s, half of what a bare
 * server of the same protocol sends, bench "transfer"). Its text is ASCII, so latin1 gives its bytes.
 */
const nativeEncoder: GroupEncoder | null = nativeBuffer
  ? (src, usable) => nativeBuffer.from(nativeBuffer.from(src.buffer, src.byteOffset, usable).toString('base64'), 'latin1')
  : null;

/** Both encoders, for the test that holds them to the same output. */
export const groupEncoders = { table: tableEncoder, native: nativeEncoder };

export function base64JsonStream(source: ReadableStream<Uint8Array>, encode: GroupEncoder = nativeEncoder ?? tableEncoder): ReadableStream<Uint8Array> {
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
        controller.enqueue(encode(src, usable));
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
