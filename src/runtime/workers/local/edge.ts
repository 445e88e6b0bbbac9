/**
 * Node side, never bundled into the Worker: `npm run dev:workers` and the Workers test tier.
 *
 * Cloudflare's edge, as far as Elo's Worker sees it, on loopback: an HTTPS server that asks every
 * client for its certificate (as a zone with mTLS does), checks it against the CA uploaded for the
 * zone, and hands each request to the Worker running in Miniflare (workerd) with the facts
 * Cloudflare puts in `request.cf.tlsClientAuth`: presented, verified, fingerprint, validity and the
 * RFC 9440 encodings of the leaf and the chain the client sent. A client reaches the Worker exactly
 * as a SEI reaches Cloudflare: with its certificate, over real TLS.
 *
 * `forward: 'fingerprint'` leaves out the RFC 9440 fields (a zone that does not forward them, or a
 * certificate over their size limit): the Worker then works from the fingerprint alone.
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Miniflare } from 'miniflare';

export interface EdgeEmulator {
  url: string;
  close(): Promise<void>;
}

/** What the edge said of a client certificate (Cloudflare's field names). */
export function tlsClientAuthOf(socket: TLSSocket, forward: 'rfc9440' | 'fingerprint') {
  const peer = socket.getPeerCertificate(true);
  if (!peer || !peer.raw) return { certPresented: '0', certVerified: 'NONE', certRevoked: '0', certFingerprintSHA256: '', certRFC9440: '', certChainRFC9440: '' };
  const leaf = new X509Certificate(peer.raw);
  // the chain the client sent: Node links the peer's issuers, stopping at a self-signed one
  const chain: Buffer[] = [];
  const seen = new Set([peer.fingerprint256]);
  for (let i = peer.issuerCertificate; i?.raw && !seen.has(i.fingerprint256); i = i.issuerCertificate) {
    seen.add(i.fingerprint256);
    if (i.issuerCertificate?.fingerprint256 !== i.fingerprint256) chain.push(i.raw);
  }
  return {
    certPresented: '1',
    certVerified: socket.authorized ? 'SUCCESS' : `FAILED:${String(socket.authorizationError ?? 'unknown')}`,
    certRevoked: '0',
    certFingerprintSHA256: leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
    certNotAfter: leaf.validTo,
    certRFC9440: forward === 'rfc9440' ? `:${peer.raw.toString('base64')}:` : '',
    certRFC9440TooLarge: false,
    certChainRFC9440: forward === 'rfc9440' ? chain.map((c) => `:${c.toString('base64')}:`).join(', ') : '',
    certChainRFC9440TooLarge: false,
  };
}

/**
 * The request body for the Worker: read whole up to STREAM_ABOVE bytes, streamed beyond. Miniflare
 * sends a streamed body half-duplex (the whole body before the answer is read), so a Worker that
 * refuses early (413) and stops reading would wait forever for the rest; Cloudflare's edge takes
 * the whole body first anyway, up to its limit (100 MB on the paid plan).
 */
const STREAM_ABOVE = 64 * 1024 * 1024;
async function bodyOf(req: IncomingMessage, hasBody: boolean): Promise<ReadableStream | Uint8Array | null> {
  if (!hasBody) return null;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > STREAM_ABOVE) return Readable.toWeb(req) as ReadableStream;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    // no length said, and more than the limit came: the rest goes streamed after what was read
    if (size > STREAM_ABOVE) {
      const rest = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      const head = new Uint8Array(Buffer.concat(chunks));
      return new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(head);
          for await (const more of rest as unknown as AsyncIterable<Uint8Array>) c.enqueue(more);
          c.close();
        },
      });
    }
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startEdgeEmulator(
  mf: Miniflare,
  tls: { cert: string; key: string; ca: string },
  opts: {
    forward?: 'rfc9440' | 'fingerprint';
    port?: number;
    /** The loopback address to listen on. */
    listen?: string;
    /** The host each request is dispatched to: Miniflare picks the Worker whose route it matches. */
    host?: () => string;
    /** Headers added to every request handed over (after the client's). */
    headers?: () => Record<string, string>;
  } = {},
): Promise<EdgeEmulator> {
  const server: Server = createServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const cf = { tlsClientAuth: tlsClientAuthOf(req.socket as TLSSocket, opts.forward ?? 'rfc9440') };
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    for (const [k, v] of Object.entries(opts.headers?.() ?? {})) headers.set(k, v);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    bodyOf(req, hasBody)
      .then((body) =>
        mf.dispatchFetch(`https://${opts.host?.() ?? 'elo.exemplo.gov.br'}${req.url}`, {
          method: req.method,
          headers,
          cf,
          ...(body ? { body, duplex: 'half' } : {}),
        } as Parameters<Miniflare['dispatchFetch']>[1]),
      )
      .then(async (answer) => {
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        if (!answer.body) return void res.end();
        for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
        res.end();
      })
      .catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`borda: ${e instanceof Error ? e.message : String(e)}`);
      });
  });
  const host = opts.listen ?? '127.0.0.1';
  await new Promise<void>((r) => server.listen(opts.port ?? 0, host, r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host}:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
