import { describe, expect, it } from 'vitest';
import { base64JsonStream, groupEncoders } from './base64-stream.ts';

const streamOf = (chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });

describe('base64JsonStream', () => {
  it('produces the same base64 as a one-shot encoding whatever the chunk boundaries, with the native encoder and with the table', async () => {
    expect(groupEncoders.native, 'Node has a native base64').not.toBeNull();
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 256);
    const expected = JSON.stringify(Buffer.from(bytes).toString('base64'));
    for (const encoder of [groupEncoders.native!, groupEncoders.table])
      for (const cut of [1, 2, 3, 4, 5, 7, 64, 999]) {
        const chunks: Uint8Array[] = [];
        // views into a larger buffer, as file streams hand them: the encoder must honour byteOffset
        for (let i = 0; i < bytes.length; i += cut) {
          const host = new Uint8Array(cut + 8);
          host.set(bytes.slice(i, i + cut), 5);
          chunks.push(host.subarray(5, 5 + Math.min(cut, bytes.length - i)));
        }
        const text = await new Response(base64JsonStream(streamOf(chunks), encoder)).text();
        expect(text, `chunk ${cut}`).toBe(expected);
      }
  });

  it('answers an empty JSON string for an empty range', async () => {
    expect(await new Response(base64JsonStream(streamOf([]))).text()).toBe('""');
  });
});

describe('base64Bytes', () => {
  it('matches the platform encoder for every length modulo 3, including empty', async () => {
    const { base64Bytes } = await import('./base64-stream.ts');
    for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 100, 1001]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) % 256);
      expect(new TextDecoder().decode(base64Bytes(bytes)), `length ${n}`).toBe(Buffer.from(bytes).toString('base64'));
    }
  });
});
