import type pg from 'pg';
import type { Store } from '../index.ts';
import { createPool, migrate, one, pgCode, rows, run, stmt, tx } from './db.ts';
import { refusingWhenFull } from '../disk-full.ts';
import { postgresKeyLocks } from './key-locks.ts';
import { postgresRegistry } from './registry-postgres.ts';
import { postgresRetention } from './retention-postgres.ts';
import { postgresOnboarding } from './onboarding-postgres.ts';
import { postgresMappings } from './mappings-postgres.ts';
import { postgresCodeLists } from './codelists-postgres.ts';
import { postgresCodeMappings } from './code-mappings-postgres.ts';
import { postgresCapabilities } from './capabilities-postgres.ts';
import { postgresMonitoring } from './monitoring-postgres.ts';
import { postgresTramites } from './tramites-postgres.ts';
import { toAuditEvent, type AuditRow } from './rows.ts';
import { toAdminToken, type AdminTokenRow } from '../rows.ts';
import { appendAudit, postgresAuditChain, setAuditChain } from './audit.ts';
import type { AuditChainOptions } from '../../domain/audit-chain.ts';
import { postgresWebhooks } from './webhooks-postgres.ts';
import { postgresSeals } from './seals-postgres.ts';

/** disk_full: PostgreSQL could not extend a file or write WAL for lack of space. */
const DISK_FULL = '53100';

const s = {
  addToken: stmt<[string, string, string, string, string | null]>(
    'INSERT INTO admin_tokens (token_sha256, role, label, created_at, participant_id) VALUES ($1, $2, $3, $4, $5)',
  ),
  findToken: stmt<[string], AdminTokenRow>('SELECT * FROM admin_tokens WHERE token_sha256 = $1'),
  countTokens: stmt<[], { n: number }>('SELECT count(*) AS n FROM admin_tokens'),
  listTokens: stmt<[], AdminTokenRow>('SELECT * FROM admin_tokens ORDER BY created_at, token_sha256'),
  revokeToken: stmt<[string, string]>('UPDATE admin_tokens SET revoked_at = $1 WHERE token_sha256 = $2 AND revoked_at IS NULL'),
};

/**
 * The store for more than one hub node: one PostgreSQL database (`ELO_DATABASE_URL`), migrated on
 * open under an advisory lock. Same ports, same constraints as the SQLite store.
 */
export async function openPostgresStore(url: string, opts: { maxConnections?: number; audit: AuditChainOptions }): Promise<Store & { pool: pg.Pool }> {
  const pool = createPool(url, opts.maxConnections);
  // each node appends to its own audit chain (domain/audit-chain.ts; ELO_NODE_ID)
  setAuditChain(pool, opts.audit);
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  /** The audit list filters on any combination of idt and kind: one named statement each. */
  const locks = postgresKeyLocks(url);
  const auditLists = new Map<string, ReturnType<typeof stmt<unknown[], AuditRow>>>();
  return refusingWhenFull({
    pool,
    registry: postgresRegistry(pool),
    tramites: postgresTramites(pool),
    retention: postgresRetention(pool),
    onboarding: postgresOnboarding(pool),
    mappings: postgresMappings(pool),
    codeLists: postgresCodeLists(pool),
    codeMappings: postgresCodeMappings(pool),
    capabilities: postgresCapabilities(pool),
    monitoring: postgresMonitoring(pool),
    webhooks: postgresWebhooks(pool),
    seals: postgresSeals(pool),
    audit: {
      async append(a, at) {
        await appendAudit(pool, at, a);
      },
      async list(filter) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (filter?.idt !== undefined) where.push(`idt = $${params.push(filter.idt)}`);
        if (filter?.kind !== undefined) where.push(`kind = $${params.push(filter.kind)}`);
        const limit = `$${params.push(filter?.limit ?? 1000)}`;
        const text = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${limit}`;
        let st = auditLists.get(text);
        if (!st) auditLists.set(text, (st = stmt<unknown[], AuditRow>(text)));
        return (await rows(pool, st, ...params)).map(toAuditEvent);
      },
      ...postgresAuditChain(pool),
    },
    tokens: {
      async addToken(sha, role, at, label, opts) {
        await tx(pool, async (c) => {
          await run(c, s.addToken, sha, role, label, at, opts?.participantId ?? null);
          if (opts?.audit) await appendAudit(c, at, opts.audit);
        });
      },
      async findToken(sha) {
        const r = await one(pool, s.findToken, sha);
        return r ? toAdminToken(r) : null;
      },
      async listTokens() {
        return (await rows(pool, s.listTokens)).flatMap((r) => toAdminToken(r) ?? []);
      },
      async revokeToken(sha, at, audit) {
        return tx(pool, async (c) => {
          if ((await run(c, s.revokeToken, at, sha)) !== 1) return false;
          await appendAudit(c, at, audit);
          return true;
        });
      },
      async countTokens() {
        return (await one(pool, s.countTokens))!.n;
      },
    },
    locks,
    async close() {
      await locks.close();
      await pool.end();
    },
  }, (e) => (pgCode(e) === DISK_FULL ? DISK_FULL : null));
}
