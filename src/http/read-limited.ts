/**
 * Reads a whole stream into one buffer, but never more than `limit` bytes: past it the stream
 * is cancelled and `null` returned, so an oversized body is refused without being held. When
 * the size is announced (Content-Length), the buffer is allocated once at that size, so a large
 * body is held once, not twice (chunks and their concatenation).
 */
export async function readLimited(body: ReadableStream<Uint8Array>, limit: number, announced?: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const exact = announced !== undefined && Number.isSafeInteger(announced) && announced >= 0 && announced <= limit ? new Uint8Array(announced) : null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > limit) {
      await reader.cancel();
      return null;
    }
    if (exact && size + value.byteLength <= exact.byteLength) exact.set(value, size);
    else chunks.push(value.slice());
    size += value.byteLength;
  }
  if (exact && chunks.length === 0 && size === exact.byteLength) return exact;
  // The announced size was wrong (the server normally refuses that before us): assemble anyway.
  const out = new Uint8Array(size);
  let offset = 0;
  if (exact) {
    const held = Math.min(size, exact.byteLength);
    out.set(exact.subarray(0, held), 0);
    offset = held;
  }
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
