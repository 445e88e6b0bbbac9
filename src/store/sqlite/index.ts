import type { Store } from '../index.ts';
import { openDatabase, type Db } from './open.ts';
import { sqliteRegistry } from './registry-sqlite.ts';
import { sqliteTramites } from './tramites-sqlite.ts';
import { sqliteRetention } from './retention-sqlite.ts';

/** The embedded default store: one SQLite file (or ':memory:' in tests). */
export function openSqliteStore(file: string): Store & { db: Db } {
  const db = openDatabase(file);
  return {
    db,
    registry: sqliteRegistry(db),
    tramites: sqliteTramites(db),
    retention: sqliteRetention(db),
    audit: {
      async append(a, at) {
        db.prepare('INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES (?, ?, ?, ?, ?)').run(
          at, a.kind, a.actor, a.idt ?? null, JSON.stringify(a.data ?? {}),
        );
      },
      async list(filter) {
        const where: string[] = [];
        const params: unknown[] = [];
        if (filter?.idt !== undefined) (where.push('idt = ?'), params.push(filter.idt));
        if (filter?.kind !== undefined) (where.push('kind = ?'), params.push(filter.kind));
        const rows = db
          .prepare(`SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`)
          .all(...params, filter?.limit ?? 1000) as Record<string, unknown>[];
        return rows.map((r) => ({
          seq: r.seq as number,
          at: r.at as string,
          kind: r.kind as string,
          actor: r.actor as string,
          idt: (r.idt as number | null) ?? null,
          data: JSON.parse(r.data_json as string) as Record<string, unknown>,
        }));
      },
    },
    tokens: {
      async addToken(sha, role, at, label) {
        db.prepare('INSERT INTO admin_tokens (token_sha256, role, label, created_at) VALUES (?, ?, ?, ?)').run(sha, role, label, at);
      },
      async findToken(sha) {
        const r = db.prepare('SELECT role, label FROM admin_tokens WHERE token_sha256 = ?').get(sha) as
          | { role: 'admin' | 'monitor'; label: string }
          | undefined;
        return r ?? null;
      },
      async countTokens() {
        return (db.prepare('SELECT count(*) AS n FROM admin_tokens').get() as { n: number }).n;
      },
    },
    async close() {
      db.close();
    },
  };
}
