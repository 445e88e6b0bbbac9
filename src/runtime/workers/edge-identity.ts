import type { PeerCertificate } from '../../domain/identity.ts';
import { fromBase64, fromPem } from '../../pki/encoding.ts';
import type { TlsClientAuth } from './env.ts';

/** An RFC 9440 byte sequence (`:base64:`) as bytes; null when it is not one. */
const byteSequence = (v: string): Uint8Array | null => {
  const m = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(v.trim());
  return m ? fromBase64(m[1]!) : null;
};

/**
 * The client certificate of a request at the edge (README "Rodando na Cloudflare"). Cloudflare
 * terminates TLS and asks for the certificate; Elo then judges it itself, with the same validator,
 * codes and Portuguese messages as on Node:
 *
 *  - when Cloudflare forwards the presented certificate and chain (RFC 9440 fields of
 *    `request.cf.tlsClientAuth`), those bytes are the peer certificate, whatever Cloudflare's own
 *    verdict (`certVerified`) was;
 *  - otherwise (the fields are absent, or the certificate is over their 10 KiB limit), the
 *    certificate is the one the registry holds under the SHA-256 fingerprint Cloudflare computed
 *    (`certFingerprintSHA256`): the registry keeps every system certificate's PEM, and a fingerprint
 *    names exactly one certificate. A certificate the registry does not know cannot be read then,
 *    and the request is refused as one without a certificate would be, saying why.
 *
 * `request.cf` is set by Cloudflare for each request and cannot be written by the client; headers
 * named Client-Cert are never read here.
 */
export async function edgePeerCertificate(
  auth: TlsClientAuth | undefined,
  registeredPem: (fingerprint256: string) => Promise<string | null>,
): Promise<{ peer: PeerCertificate | null; via: 'rfc9440' | 'impressao_digital' | 'nenhum' }> {
  if (!auth || auth.certPresented !== '1') return { peer: null, via: 'nenhum' };
  const leaf = auth.certRFC9440 ? byteSequence(auth.certRFC9440) : null;
  if (leaf) {
    const chain = (auth.certChainRFC9440 ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
      .flatMap((item) => byteSequence(item) ?? []);
    return { peer: { leaf, chain }, via: 'rfc9440' };
  }
  const fp = auth.certFingerprintSHA256?.toLowerCase().replace(/:/g, '');
  if (!fp || !/^[0-9a-f]{64}$/.test(fp)) return { peer: null, via: 'nenhum' };
  const pem = await registeredPem(fp);
  return pem ? { peer: { leaf: fromPem(pem, 'CERTIFICATE'), chain: [] }, via: 'impressao_digital' } : { peer: null, via: 'nenhum' };
}
