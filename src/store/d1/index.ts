import type { AuditChainOptions } from '../../domain/audit-chain.ts';
import type { Store } from '../index.ts';
import { toChained, toCheckpoint, type ChainRow, type CheckpointRow } from '../audit-rows.ts';
import { toAdminToken, toAuditEvent, type AdminTokenRow, type AuditRow } from '../rows.ts';
import { AUDIT_CHAIN_SQL as A } from '../sqlite/audit-sql.ts';
import { all, atomically, d1Conn, first, changed, type D1Conn } from './db.ts';
import type { D1Database } from './d1-types.ts';
import { d1Capabilities } from './capabilities-d1.ts';
import { d1CodeLists } from './codelists-d1.ts';
import { d1CodeMappings } from './code-mappings-d1.ts';
import { d1Mappings } from './mappings-d1.ts';
import { d1Monitoring } from './monitoring-d1.ts';
import { d1Onboarding } from './onboarding-d1.ts';
import { d1Registry } from './registry-d1.ts';
import { d1Retention } from './retention-d1.ts';
import { d1Seals } from './seals-d1.ts';
import { d1Tramites } from './tramites-d1.ts';
import { d1Webhooks } from './webhooks-d1.ts';

export type { D1Database } from './d1-types.ts';

/**
 * The store on Cloudflare D1 (README "Rodando na Cloudflare"): the same ports as SQLite and
 * PostgreSQL, the SQLite schema and statements, and units of work over `batch()` where SQLite
 * opens a transaction (db.ts says how their guarantees hold). The schema is applied by `wrangler
 * d1 migrations apply` (or applyD1Migrations): this store never migrates on its own.
 *
 * `audit.chain` is the chain this store links its events into. Only one store may append to a
 * chain at a time (its head is cached here): on Workers each isolate takes a chain of its own.
 */
export function openD1Store(db: D1Database, opts: { audit: AuditChainOptions }): Store & { d1: D1Conn } {
  const c = d1Conn(db, opts.audit);
  return {
    d1: c,
    registry: d1Registry(c),
    tramites: d1Tramites(c),
    retention: d1Retention(c),
    onboarding: d1Onboarding(c),
    mappings: d1Mappings(c),
    codeLists: d1CodeLists(c),
    codeMappings: d1CodeMappings(c),
    capabilities: d1Capabilities(c),
    monitoring: d1Monitoring(c),
    webhooks: d1Webhooks(c),
    seals: d1Seals(c),
    audit: {
      async append(a, at) {
        await atomically(c, async (w) => (w.audit(at, a), () => undefined));
      },
      async list(filter) {
        const where: string[] = [];
        const params: (string | number)[] = [];
        if (filter?.idt !== undefined) (where.push('idt = ?'), params.push(filter.idt));
        if (filter?.kind !== undefined) (where.push('kind = ?'), params.push(filter.kind));
        const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
        return (await all<AuditRow>(c, sql, ...params, filter?.limit ?? 1000)).map(toAuditEvent);
      },
      chainHeads: () => all(c, A.heads),
      async chainRows(chain, after, limit) {
        return (await all<ChainRow>(c, A.rows, chain, after, limit)).map(toChained);
      },
      async outsideChains() {
        const pre = (await first<{ n: number; last: number | null }>(c, A.preChain))!;
        return { preChain: pre.n, lastPreChainSeq: pre.last, firstInsertedSeq: (await first<{ seq: number }>(c, A.inserted))?.seq ?? null };
      },
      async addCheckpoint(x) {
        return (await changed(c, A.addCheckpoint, x.chain, x.position, x.hash, x.at, x.signature, x.chainPem)) === 1;
      },
      async checkpoints() {
        return (await all<CheckpointRow>(c, A.checkpoints)).map(toCheckpoint);
      },
      lastPositionsOf: (idt) => all(c, A.lastPositions, idt),
    },
    tokens: {
      async addToken(sha, role, at, label, o) {
        await atomically(c, async (w) => {
          w.write('INSERT INTO admin_tokens (token_sha256, role, label, created_at, participant_id) VALUES (?, ?, ?, ?, ?)', sha, role, label, at, o?.participantId ?? null);
          if (o?.audit) w.audit(at, o.audit);
          return () => undefined;
        });
      },
      async findToken(sha) {
        const r = await first<AdminTokenRow>(c, 'SELECT * FROM admin_tokens WHERE token_sha256 = ?', sha);
        return r ? toAdminToken(r) : null;
      },
      async countTokens() {
        return (await first<{ n: number }>(c, 'SELECT count(*) AS n FROM admin_tokens'))!.n;
      },
      async listTokens() {
        return (await all<AdminTokenRow>(c, 'SELECT * FROM admin_tokens ORDER BY created_at, token_sha256')).flatMap((r) => toAdminToken(r) ?? []);
      },
      async revokeToken(sha, at, audit) {
        return atomically<boolean>(c, async (w) => {
          const r = await w.first<{ revoked_at: string | null }>('SELECT revoked_at FROM admin_tokens WHERE token_sha256 = ?', sha);
          if (!r || r.revoked_at !== null) return () => false;
          w.writeOne('UPDATE admin_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL', at, sha);
          w.audit(at, audit);
          return () => true;
        });
      },
    },
    // D1 is reached through the Worker's binding: nothing to close
    async close() {},
  };
}
