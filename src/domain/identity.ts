import type { System, SystemBinding, SystemCertificate } from './registry.ts';

/** The client certificate presented in the TLS handshake, as the runtime read it (DER). */
export interface PeerCertificate {
  leaf: Uint8Array;
  /** Further certificates the client sent (intermediates), nearest first. */
  chain: Uint8Array[];
}

/** An authenticated system: who is calling on a transfer face (spec §1.4). */
export interface Caller {
  system: System;
  certificate: SystemCertificate;
  bindings: SystemBinding[];
}
