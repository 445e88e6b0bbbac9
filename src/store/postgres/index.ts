import type pg from 'pg';
import type { Store } from '../index.ts';
import { createPool, migrate, one, rows, run, stmt } from './db.ts';
import { postgresRegistry } from './registry-postgres.ts';
import { postgresRetention } from './retention-postgres.ts';
import { postgresTramites } from './tramites-postgres.ts';
import { toAuditEvent, type AuditRow } from './rows.ts';

const ROLES = ['admin', 'monitor'] as const;

const s = {
  appendAudit: stmt<[string, string, string, number | null, string]>('INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES ($1, $2, $3, $4, $5)'),
  addToken: stmt<[string, string, string, string]>('INSERT INTO admin_tokens (token_sha256, role, label, created_at) VALUES ($1, $2, $3, $4)'),
  findToken: stmt<[string], { role: string; label: string }>('SELECT role, label FROM admin_tokens WHERE token_sha256 = $1'),
  countTokens: stmt<[], { n: number }>('SELECT count(*) AS n FROM admin_tokens'),
};

/**
 * The store for more than one hub node: one PostgreSQL database (`ELO_DATABASE_URL`), migrated on
 * open under an advisory lock. Same ports, same constraints as the SQLite store.
 */
export async function openPostgresStore(url: string, opts: { maxConnections?: number } = {}): Promise<Store & { pool: pg.Pool }> {
  const pool = createPool(url, opts.maxConnections);
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  /** The audit list filters on any combination of idt and kind: one named statement each. */
  const auditLists = new Map<string, ReturnType<typeof stmt<unknown[], AuditRow>>>();
  return {
    pool,
    registry: postgresRegistry(pool),
    tramites: postgresTramites(pool),
    retention: postgresRetention(pool),
    audit: {
      async append(a, at) {
        await run(pool, s.appendAudit, at, a.kind, a.actor, a.idt ?? null, JSON.stringify(a.data ?? {}));
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
    },
    tokens: {
      async addToken(sha, role, at, label) {
        await run(pool, s.addToken, sha, role, label, at);
      },
      async findToken(sha) {
        const r = await one(pool, s.findToken, sha);
        const role = ROLES.find((x) => x === r?.role);
        return r && role ? { role, label: r.label } : null;
      },
      async countTokens() {
        return (await one(pool, s.countTokens))!.n;
      },
    },
    async close() {
      await pool.end();
    },
  };
}
