/**
 * A multipart/form-data body as SEI sends a component (fields, then the file part `conteudo`),
 * its file made block by block as the stream is read: hundreds of MiB go up without being held.
 */
export function streamedMultipart(
  boundary: string,
  fields: Record<string, string>,
  file: { name: string; type: string; blocks: number; block: (i: number) => Uint8Array },
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream<Uint8Array>({
    start(c) {
      for (const [k, v] of Object.entries(fields)) c.enqueue(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
      c.enqueue(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="conteudo"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    },
    pull(c) {
      if (i < file.blocks) c.enqueue(file.block(i++));
      else {
        c.enqueue(enc.encode(`\r\n--${boundary}--\r\n`));
        c.close();
      }
    },
  });
}
