import type { Context } from 'hono';
import type { Clock } from '../domain/clock.ts';
import { EloError } from '../domain/errors.ts';
import { fromBase64, pemBlocks } from '../pki/encoding.ts';
import type { PeerCertificate } from '../domain/identity.ts';
import type { Log } from '../services/deps.ts';
import { canonicalAddress, parseAddress, parseNetwork } from '../domain/ip-address.ts';

export { canonicalAddress, parseAddress, parseNetwork } from '../domain/ip-address.ts';

/**
 * Elo behind a TLS-terminating proxy (nginx): the proxy asks for the client certificate and
 * forwards it in a header; Elo validates it exactly as one presented in its own handshake (spec
 * §1.4: the certificate is the only credential, and a bad one gets the protocol's JSON refusal,
 * not a TLS failure or the proxy's HTML page). A header is a credential only when the connection
 * comes from a configured trusted proxy, which overwrites it on every request; from anyone else
 * it is an attempt to claim a certificate without holding its key, and is ignored and logged.
 */

/** A predicate over remote addresses: true for an address inside any of `entries`. */
export function trustedProxyMatcher(entries: readonly string[]): (address: string | null | undefined) => boolean {
  const networks = entries.map((e) => {
    const n = parseNetwork(e);
    if (!n) throw new Error(`endereço ou bloco CIDR inválido: ${e}`);
    return n;
  });
  return (address) => {
    if (!address || networks.length === 0) return false;
    const a = parseAddress(address);
    if (!a) return false;
    return networks.some((n) => {
      if (n.family !== a.family) return false;
      const width = a.family === 4 ? 32 : 128;
      const mask = n.bits === 0 ? 0n : ((1n << BigInt(n.bits)) - 1n) << BigInt(width - n.bits);
      return (a.value & mask) === n.base;
    });
  };
}

/**
 * The client's address as the trusted proxies saw it: the right-most X-Forwarded-For entry that
 * is not itself a trusted proxy (entries to its left were written by the client and prove
 * nothing), else X-Real-IP, else null.
 */
export function forwardedClientAddress(
  forwardedFor: string | undefined,
  realIp: string | undefined,
  isTrusted: (address: string) => boolean,
): string | null {
  const entries = (forwardedFor ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  for (let i = entries.length - 1; i >= 0 && i >= entries.length - 20; i--) {
    const entry = entries[i]!.replace(/^\[([^\]]+)\](?::\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
    const canonical = canonicalAddress(entry);
    if (!canonical) break;
    if (!isTrusted(canonical)) return canonical;
  }
  return realIp ? canonicalAddress(realIp) : null;
}

const base64ToBytes = (b64: string): Uint8Array | null => (b64.length === 0 ? null : fromBase64(b64));

/** Forwarded certificate headers bigger than this are refused unread (a chain of 10 is ~25 KB). */
export const FORWARDED_CERT_MAX_CHARS = 96 * 1024;

type Parsed = { ok: true; value: PeerCertificate } | { ok: false; error: string };

/**
 * Parses a forwarded client certificate: nginx's `$ssl_client_escaped_cert` (the URL-encoded
 * PEM of the leaf; further PEM blocks, if any, are the chain) or RFC 9440's `Client-Cert`
 * (a structured-field byte sequence `:base64 DER:`), whose intermediates come in
 * `Client-Cert-Chain` (a list of byte sequences). Certificates are not parsed here: the
 * identity service does that exactly as for a TLS peer.
 */
export function parseForwardedCertificate(value: string, chainValue?: string): Parsed {
  const v = value.trim();
  if (v.length > FORWARDED_CERT_MAX_CHARS || (chainValue?.length ?? 0) > FORWARDED_CERT_MAX_CHARS) {
    return { ok: false, error: `maior que ${FORWARDED_CERT_MAX_CHARS} caracteres` };
  }
  if (v.startsWith(':')) {
    const leaf = byteSequence(v);
    if (!leaf) return { ok: false, error: 'não é uma sequência de bytes ":base64:" (RFC 9440)' };
    const chain: Uint8Array[] = [];
    if (chainValue?.trim()) {
      for (const member of chainValue.split(',')) {
        const der = byteSequence(member.trim());
        if (!der) return { ok: false, error: 'Client-Cert-Chain não é uma lista de sequências de bytes ":base64:" (RFC 9440)' };
        chain.push(der);
      }
    }
    return { ok: true, value: { leaf, chain } };
  }
  let pem: string;
  try {
    pem = decodeURIComponent(v);
  } catch {
    return { ok: false, error: 'codificação de URL inválida (esperado o PEM de $ssl_client_escaped_cert do nginx)' };
  }
  const blocks = pemBlocks(pem);
  if (!blocks.ok) return { ok: false, error: 'o PEM não está em base64 válido' };
  // only whole CERTIFICATE blocks, and nothing around them: every BEGIN line must open one
  const begins = pem.split('-----BEGIN ').length - 1;
  const trimmed = pem.trim();
  if (
    blocks.value.length === 0 ||
    begins !== blocks.value.length ||
    blocks.value.some((b) => b.label !== 'CERTIFICATE' || b.der.length === 0) ||
    !trimmed.startsWith('-----BEGIN CERTIFICATE-----') ||
    !trimmed.endsWith('CERTIFICATE-----')
  ) {
    return { ok: false, error: 'não contém um certificado PEM (BEGIN/END CERTIFICATE)' };
  }
  const [leaf, ...chain] = blocks.value.map((b) => b.der);
  return { ok: true, value: { leaf: leaf!, chain } };
}

function byteSequence(s: string): Uint8Array | null {
  const m = /^:([A-Za-z0-9+/=]*):$/.exec(s);
  return m ? base64ToBytes(m[1]!) : null;
}

export interface ForwardedClientOptions {
  /** Addresses and CIDR blocks of the proxies whose certificate headers are believed. */
  trustedProxies: readonly string[];
  /** The header the proxy writes the client certificate in (nginx escaped PEM or RFC 9440). */
  clientCertHeader: string;
  /** The certificate and address of the connection itself (the TLS socket, the TCP peer). */
  direct: { certificate(c: Context): PeerCertificate | null; address(c: Context): string | null };
  log: Log;
  clock: Clock;
}

/** Lines the "header from an untrusted address" warning may write per minute; the rest are counted. */
export const IGNORED_HEADER_LOG_PER_MINUTE = 10;

/**
 * The `peerCertificate` and `peerAddress` ports of the http layer, aware of trusted proxies. From
 * a trusted proxy: the forwarded certificate (a malformed one is refused, never skipped: the
 * proxy said there was one) and the forwarded client address. From anyone else: the
 * connection's own certificate and address; a certificate header is ignored and logged.
 */
export function forwardedClient(o: ForwardedClientOptions) {
  const isTrusted = trustedProxyMatcher(o.trustedProxies);
  const header = o.clientCertHeader.toLowerCase();
  const chainHeader = header === 'client-cert' ? 'client-cert-chain' : null;
  let window = { start: -Infinity, lines: 0, suppressed: 0 };

  /** At most IGNORED_HEADER_LOG_PER_MINUTE lines a minute, the next one saying how many were left out. */
  function boundedWarn(event: string, data: Record<string, unknown>) {
    const now = o.clock.now().getTime();
    if (now - window.start >= 60_000) window = { start: now, lines: 0, suppressed: window.suppressed };
    if (window.lines >= IGNORED_HEADER_LOG_PER_MINUTE) {
      window.suppressed++;
      return;
    }
    window.lines++;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    o.log({ level: 'warn', event, data: { ...data, ...(suppressed ? { omitidosAntes: suppressed } : {}) } });
  }
  const origin = (address: string | null | undefined) => (address ?? 'desconhecida').slice(0, 64);

  function logIgnored(address: string | null, length: number) {
    boundedWarn('certificado_encaminhado_ignorado', {
      origem: origin(address),
      cabecalho: o.clientCertHeader,
      caracteres: length,
      motivo: 'endereço não está em trustedProxies',
    });
  }

  return {
    /** Whether a connection from `address` comes from a trusted proxy. */
    trusts: (address: string | null | undefined) => isTrusted(address),
    /**
     * The refusal for a connection to the proxy listener from an address that is not a trusted
     * proxy (logged, bounded): that listener is plain HTTP and serves only the proxy.
     */
    proxyListenerRefusal(address: string | null | undefined): EloError {
      boundedWarn('ouvinte_do_proxy_recusado', { origem: origin(address), motivo: 'endereço não está em trustedProxies' });
      return new EloError(
        'not_authorised',
        `Esta porta atende somente o proxy configurado em trustedProxies, e a conexão veio de ${origin(address)}. Conecte-se ao endereço HTTPS do hub.`,
        { origin: origin(address) },
      );
    },
    peerCertificate(c: Context): PeerCertificate | null {
      const value = c.req.header(header);
      const address = o.direct.address(c);
      if (value === undefined) return o.direct.certificate(c);
      if (!isTrusted(address)) {
        logIgnored(address, value.length);
        return o.direct.certificate(c);
      }
      // nginx omits the header when the client sent no certificate; an empty one says the same
      if (value.trim() === '') return o.direct.certificate(c);
      const parsed = parseForwardedCertificate(value, chainHeader ? c.req.header(chainHeader) : undefined);
      if (!parsed.ok) {
        throw new EloError(
          'certificate_refused',
          `O certificado de cliente encaminhado pelo proxy no cabeçalho ${o.clientCertHeader} está malformado: ${parsed.error}. Confira a configuração do proxy (${
            chainHeader ? 'RFC 9440: Client-Cert: :base64 do DER:' : `nginx: proxy_set_header ${o.clientCertHeader} $ssl_client_escaped_cert`
          }).`,
          { reason: 'forwarded_certificate_malformed', header: o.clientCertHeader },
        );
      }
      return parsed.value;
    },
    peerAddress(c: Context): string | null {
      const address = o.direct.address(c);
      if (!isTrusted(address)) return address;
      return forwardedClientAddress(c.req.header('x-forwarded-for'), c.req.header('x-real-ip'), isTrusted) ?? address;
    },
  };
}
