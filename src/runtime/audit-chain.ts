import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { AuditChainOptions, Sha256 } from '../domain/audit-chain.ts';
import type { EloConfig } from './config.ts';

/** SHA-256 for the stores' audit chains (domain/audit-chain.ts): adapters never import node:crypto. */
export const nodeSha256: Sha256 = (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest());

/** The chain of the single-node deployment (SQLite) when ELO_NODE_ID is not set. */
export const DEFAULT_NODE_ID = 'principal';

/**
 * This node's audit chain (ELO_NODE_ID). Unset: `principal` on SQLite, where one process writes;
 * on PostgreSQL the machine's host name, so that nodes on different machines get chains of their
 * own (nodes sharing an id still write one valid chain, only serialised: README "Configuração").
 */
export function nodeId(config: Pick<EloConfig, 'nodeId' | 'databaseUrl'>, host: () => string = hostname): string {
  if (config.nodeId) return config.nodeId;
  if (!config.databaseUrl) return DEFAULT_NODE_ID;
  return host().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) || DEFAULT_NODE_ID;
}

export const auditChainOptions = (config: Pick<EloConfig, 'nodeId' | 'databaseUrl'>): AuditChainOptions => ({ chain: nodeId(config), sha256: nodeSha256 });
