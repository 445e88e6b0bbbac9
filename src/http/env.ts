import type { AdminPrincipal } from '../domain/admin-roles.ts';
import type { Context } from 'hono';
import type { Caller, PeerCertificate } from '../domain/identity.ts';
import type { Services } from '../services/index.ts';
import type { OpsPorts } from './routes/ops.ts';

/** Runtime facts the core cannot read itself: the adapter of each runtime supplies them (STYLE: hono). */
export type PeerCertificateSource = (c: Context) => PeerCertificate | null;

export interface AppDeps {
  services: Services;
  peerCertificate: PeerCertificateSource;
  /** The client's network address (for logs and per-origin limits), when the runtime knows it. */
  peerAddress?: (c: Context) => string | null;
  /** A CRL published by the federation CA, by file name (PEM bytes), or null. */
  publishedCrl?: (name: string) => Promise<Uint8Array | null>;
  /** Human-readable hub name, shown in health answers. */
  hubName?: string;
  /** Readiness, metrics, request timing and the log's request scope (README "Operação"); the runtime supplies them. */
  ops?: OpsPorts;
  /** The hub's clock (the dashboard's sessions and idle times); the system clock when absent. */
  now?: () => Date;
}

export type AppEnv = {
  Variables: { caller: Caller; requestId: string; face: 'tramita' | 'other'; operator: string; principal: AdminPrincipal };
};
