import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a hub that breaks the connection once, when the bytes it has
 * forwarded from clients to the hub pass `cutAfterBytes`: the TLS session is end to end, so the
 * cut lands wherever that byte falls (a test sizes it to fall inside a request body).
 */
export async function startCuttingProxy(target: URL, cutAfterBytes: number) {
  let forwarded = 0;
  let cuts = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    connections++;
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => {
      if (cuts === 0 && forwarded + chunk.length > cutAfterBytes) {
        const keep = Math.max(0, cutAfterBytes - forwarded);
        forwarded += keep;
        cuts++;
        upstream.write(chunk.subarray(0, keep), () => close());
        return;
      }
      forwarded += chunk.length;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    stats: () => ({ forwarded, cuts, connections }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
