import type { Store } from '../index.ts';
import { openDatabase, type Db } from './open.ts';
import { sqliteRegistry } from './registry-sqlite.ts';
import { sqliteTramites } from './tramites-sqlite.ts';
import { sqliteRetention } from './retention-sqlite.ts';
import { toAuditEvent, type AuditRow } from './rows.ts';

const ROLES = ['admin', 'monitor'] as const;

/** The embedded default store: one SQLite file (or ':memory:' in tests). */
export function openSqliteStore(file: string): Store & { db: Db } {
  const db = openDatabase(file);
  const s = {
    appendAudit: db.prepare<[string, string, string, number | null, string]>(
      'INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES (?, ?, ?, ?, ?)',
    ),
    addToken: db.prepare<[string, string, string, string]>('INSERT INTO admin_tokens (token_sha256, role, label, created_at) VALUES (?, ?, ?, ?)'),
    findToken: db.prepare<[string], { role: string; label: string }>('SELECT role, label FROM admin_tokens WHERE token_sha256 = ?'),
    countTokens: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM admin_tokens'),
  };
  /** The audit list filters on any combination of idt and kind: one statement each, prepared once. */
  const auditLists = new Map<string, ReturnType<typeof db.prepare<unknown[], AuditRow>>>();
  return {
    db,
    registry: sqliteRegistry(db),
    tramites: sqliteTramites(db),
    retention: sqliteRetention(db),
    audit: {
      async append(a, at) {
        s.appendAudit.run(at, a.kind, a.actor, a.idt ?? null, JSON.stringify(a.data ?? {}));
      },
      async list(filter) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (filter?.idt !== undefined) (where.push('idt = ?'), params.push(filter.idt));
        if (filter?.kind !== undefined) (where.push('kind = ?'), params.push(filter.kind));
        const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
        let stmt = auditLists.get(sql);
        if (!stmt) auditLists.set(sql, (stmt = db.prepare<unknown[], AuditRow>(sql)));
        return stmt.all(...params, filter?.limit ?? 1000).map(toAuditEvent);
      },
    },
    tokens: {
      async addToken(sha, role, at, label) {
        s.addToken.run(sha, role, label, at);
      },
      async findToken(sha) {
        const r = s.findToken.get(sha);
        const role = ROLES.find((x) => x === r?.role);
        return r && role ? { role, label: r.label } : null;
      },
      async countTokens() {
        return s.countTokens.get()!.n;
      },
    },
    async close() {
      db.close();
    },
  };
}
