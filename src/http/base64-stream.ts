/**
 * Encodes a byte stream as a JSON string of standard padded base64 (spec §2.19: the download
 * answer is base64, best as a JSON string), chunk by chunk so that memory does not grow with the
 * component (ARCHITECTURE "Streams, not buffers").
 */
export function base64JsonStream(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let carry = new Uint8Array(0);
  const encode = (bytes: Uint8Array): string => {
    let out = '';
    // btoa takes a binary string; slices keep String.fromCharCode's argument list small.
    for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(out);
  };
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('"'));
      },
      transform(chunk, controller) {
        const joined = new Uint8Array(carry.length + chunk.length);
        joined.set(carry);
        joined.set(chunk, carry.length);
        const usable = joined.length - (joined.length % 3);
        carry = joined.slice(usable);
        if (usable > 0) controller.enqueue(encoder.encode(encode(joined.subarray(0, usable))));
      },
      flush(controller) {
        controller.enqueue(encoder.encode(`${carry.length ? encode(carry) : ''}"`));
      },
    }),
  );
}
