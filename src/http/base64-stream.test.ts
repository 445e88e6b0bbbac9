import { describe, expect, it } from 'vitest';
import { base64JsonStream } from './base64-stream.ts';

const streamOf = (chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });

describe('base64JsonStream', () => {
  it('produces the same base64 as a one-shot encoding whatever the chunk boundaries', async () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 256);
    const expected = JSON.stringify(Buffer.from(bytes).toString('base64'));
    for (const cut of [1, 2, 3, 4, 5, 7, 64, 999]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += cut) chunks.push(bytes.slice(i, i + cut));
      const text = await new Response(base64JsonStream(streamOf(chunks))).text();
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
