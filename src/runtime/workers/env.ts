import type { D1Database } from '../../store/d1/d1-types.ts';
import type { R2Bucket } from '../../store/blobs/r2-types.ts';
import type { DurableObjectNamespace } from './durable-object-types.ts';

/**
 * What a Worker of Elo is given (wrangler.toml and `wrangler secret put`, README "Rodando na
 * Cloudflare"): the D1 database, the R2 bucket, the Durable Objects of the pendências, the hub's signing key and certificate, the trust
 * anchors of the federation, and any `ELO_*` variable of the configuration schema.
 */
export interface WorkerEnv {
  DB: D1Database;
  BLOBS: R2Bucket;
  /** The Durable Objects where each system's held long-polls wait (pendencias-object.ts). */
  PENDENCIAS: DurableObjectNamespace;
  /** The hub's signing key (PKCS#8 PEM), a secret: it signs receipts, seals and audit checkpoints. */
  ELO_SIGNING_KEY_PEM?: string;
  /** The hub's signing certificate and its intermediates (PEM, leaf first). */
  ELO_SIGNING_CERT_PEM?: string;
  /** The anchors client certificates must chain to (PEM): the federation CA, ICP-Brasil roots… */
  ELO_TRUST_ANCHORS_PEM?: string;
  /** Intermediates the hub knows besides those a client sends (PEM). */
  ELO_INTERMEDIATES_PEM?: string;
  [variable: string]: unknown;
}

/** The fields of `request.cf.tlsClientAuth` Elo reads (Cloudflare's mTLS at the edge). */
export interface TlsClientAuth {
  certPresented?: '0' | '1';
  certVerified?: string;
  certRevoked?: '0' | '1';
  certFingerprintSHA256?: string;
  certNotAfter?: string;
  /** The leaf as an RFC 9440 Client-Cert value (`:base64 DER:`); '' when absent or over 10 KiB. */
  certRFC9440?: string;
  certRFC9440TooLarge?: boolean;
  /** The intermediates as an RFC 9440 Client-Cert-Chain list; '' when none or over 16 KiB. */
  certChainRFC9440?: string;
  certChainRFC9440TooLarge?: boolean;
}
