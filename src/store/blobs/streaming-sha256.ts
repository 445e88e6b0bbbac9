import { sha256 } from '@noble/hashes/sha2.js';

/** An incremental SHA-256 over the chunks of a stream, as they pass. */
export interface StreamingSha256 {
  update(chunk: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

/**
 * A digest as the blob stores name it: lower-case hex (the content address) and base64 (the
 * protocol's hash). Here rather than pki/encoding.ts: store adapters import domain/ only.
 */
export const digestNames = (d: Uint8Array) => ({
  hex: Array.from(d, (b) => b.toString(16).padStart(2, '0')).join(''),
  base64: btoa(String.fromCharCode(...d)),
});

interface DigestStreamLike extends WritableStream<Uint8Array> {
  digest: Promise<ArrayBuffer>;
}

/**
 * workerd's `crypto.DigestStream` (native, outside the isolate's JavaScript time) where the runtime
 * has it, @noble/hashes' incremental SHA-256 elsewhere (Node, tests reaching R2 through Miniflare).
 * https://developers.cloudflare.com/workers/runtime-apis/web-crypto/#constructors
 */
export function streamingSha256(): StreamingSha256 {
  const DigestStream = (globalThis.crypto as unknown as { DigestStream?: new (algorithm: string) => DigestStreamLike }).DigestStream;
  if (DigestStream) {
    const stream = new DigestStream('SHA-256');
    const writer = stream.getWriter();
    return {
      update: (chunk) => void writer.write(chunk),
      async digest() {
        await writer.close();
        return new Uint8Array(await stream.digest);
      },
    };
  }
  const h = sha256.create();
  return {
    update: (chunk) => void h.update(chunk),
    digest: async () => h.digest(),
  };
}
