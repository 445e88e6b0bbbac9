/**
 * One stream made of several, read in order: each is opened by `next` only when the previous one
 * has ended, so at most one is open at a time (one file handle, one R2 read) and nothing is read
 * ahead of the consumer. `next` answers null after the last. Cancelling the whole stream (a
 * refused upload, a full disk, a client gone) cancels the one open.
 */
export function streamInTurn(next: () => Promise<ReadableStream<Uint8Array> | null>): ReadableStream<Uint8Array> {
  let current: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (!current) {
          const stream = await next();
          if (!stream) return controller.close();
          current = stream.getReader();
        }
        const { done, value } = await current.read();
        if (done) {
          current = null;
          continue;
        }
        return controller.enqueue(value);
      }
    },
    async cancel(reason) {
      await current?.cancel(reason);
    },
  });
}
