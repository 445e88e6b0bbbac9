import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import type { PeerCertificate } from '../domain/identity.ts';

/**
 * Reads the client certificate of the TLS connection behind a request (Node adapter of the
 * http layer's PeerCertificateSource). The handshake never fails for a bad certificate
 * (rejectUnauthorized: false): Elo answers with a JSON 401/403 that says why (spec §1.4).
 */
export function nodePeerCertificate(c: Context): PeerCertificate | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const socket = incoming?.socket as TLSSocket | undefined;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return null;
  // Read once per TLS connection: the hub disables renegotiation on every connection
  // (runtime/hub.ts), so the certificate a connection presented cannot change, and reading and
  // copying the chain again on each keep-alive request cost about 6% of the hub's CPU. Whether
  // the certificate is still valid, registered and unrevoked is checked on every request.
  if (presented.has(socket)) return presented.get(socket)!;
  const read = readPeerCertificate(socket);
  presented.set(socket, read);
  return read;
}

/** The certificate each TLS connection presented (collected with the connection). */
const presented = new WeakMap<TLSSocket, PeerCertificate | null>();

function readPeerCertificate(socket: TLSSocket): PeerCertificate | null {
  const cert = socket.getPeerCertificate(true);
  if (!cert || !cert.raw) return null;
  const chain: Uint8Array[] = [];
  const seen = new Set([cert.fingerprint256]);
  for (let issuer = cert.issuerCertificate; issuer?.raw && !seen.has(issuer.fingerprint256); issuer = issuer.issuerCertificate) {
    seen.add(issuer.fingerprint256);
    chain.push(new Uint8Array(issuer.raw));
  }
  return { leaf: new Uint8Array(cert.raw), chain };
}

/** The remote address of the TCP connection behind a request (Node adapter of `peerAddress`). */
export function nodePeerAddress(c: Context): string | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}
