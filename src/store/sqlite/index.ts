import type { Store } from '../index.ts';
import { openDatabase, type Db } from './open.ts';
import { sqliteRegistry } from './registry-sqlite.ts';
import { sqliteTramites } from './tramites-sqlite.ts';
import { sqliteRetention } from './retention-sqlite.ts';
import { sqliteOnboarding } from './onboarding-sqlite.ts';
import { sqliteMappings } from './mappings-sqlite.ts';
import { sqliteCodeLists } from './codelists-sqlite.ts';
import { sqliteCodeMappings } from './code-mappings-sqlite.ts';
import { sqliteCapabilities } from './capabilities-sqlite.ts';
import { sqliteMonitoring } from './monitoring-sqlite.ts';
import { sqliteWebhooks } from './webhooks-sqlite.ts';
import { sqliteSeals } from './seals-sqlite.ts';
import { toAuditEvent, type AuditRow } from './rows.ts';
import { toAdminToken, type AdminTokenRow } from '../rows.ts';
import type { AuditEntry } from '../index.ts';
import { auditAppender, setAuditChain, sqliteAuditChain } from './audit.ts';
import type { AuditChainOptions } from '../../domain/audit-chain.ts';
import Database from 'better-sqlite3';
import { refusingWhenFull } from '../disk-full.ts';

/** SQLite refused a write for lack of disk space (the unix VFS answers ENOSPC so). */
const sqliteFullReason = (e: unknown) => (e instanceof Database.SqliteError && e.code === 'SQLITE_FULL' ? 'SQLITE_FULL' : null);

/**
 * The embedded default store: one SQLite file (or ':memory:' in tests). `audit` names the chain
 * this process appends its audit events to and the SHA-256 that links them (domain/audit-chain.ts),
 * passed in by the composition root: an adapter never imports node:crypto.
 */
export function openSqliteStore(file: string, opts: { audit: AuditChainOptions }): Store & { db: Db } {
  const db = openDatabase(file);
  setAuditChain(db, opts.audit);
  const s = {
    addToken: db.prepare<[string, string, string, string, string | null]>(
      'INSERT INTO admin_tokens (token_sha256, role, label, created_at, participant_id) VALUES (?, ?, ?, ?, ?)',
    ),
    findToken: db.prepare<[string], AdminTokenRow>('SELECT * FROM admin_tokens WHERE token_sha256 = ?'),
    countTokens: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM admin_tokens'),
    listTokens: db.prepare<[], AdminTokenRow>('SELECT * FROM admin_tokens ORDER BY created_at, token_sha256'),
    revokeToken: db.prepare<[string, string]>('UPDATE admin_tokens SET revoked_at = ? WHERE token_sha256 = ? AND revoked_at IS NULL'),
  };
  const audited = auditAppender(db);
  const addToken = db.transaction((sha: string, role: string, at: string, label: string, participantId: string | null, audit?: AuditEntry) => {
    s.addToken.run(sha, role, label, at, participantId);
    if (audit) audited(at, audit);
  });
  const revokeToken = db.transaction((sha: string, at: string, audit: AuditEntry) => {
    if (s.revokeToken.run(at, sha).changes !== 1) return false;
    audited(at, audit);
    return true;
  });
  /** The audit list filters on any combination of idt and kind: one statement each, prepared once. */
  const auditLists = new Map<string, ReturnType<typeof db.prepare<unknown[], AuditRow>>>();
  return refusingWhenFull({
    db,
    registry: sqliteRegistry(db),
    tramites: sqliteTramites(db),
    retention: sqliteRetention(db),
    onboarding: sqliteOnboarding(db),
    mappings: sqliteMappings(db),
    codeLists: sqliteCodeLists(db),
    codeMappings: sqliteCodeMappings(db),
    capabilities: sqliteCapabilities(db),
    monitoring: sqliteMonitoring(db),
    webhooks: sqliteWebhooks(db),
    seals: sqliteSeals(db),
    audit: {
      async append(a, at) {
        audited(at, a);
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
      ...sqliteAuditChain(db),
    },
    tokens: {
      async addToken(sha, role, at, label, opts) {
        addToken(sha, role, at, label, opts?.participantId ?? null, opts?.audit);
      },
      async findToken(sha) {
        const r = s.findToken.get(sha);
        return r ? toAdminToken(r) : null;
      },
      async listTokens() {
        return s.listTokens.all().flatMap((r) => toAdminToken(r) ?? []);
      },
      async revokeToken(sha, at, audit) {
        return revokeToken(sha, at, audit);
      },
      async countTokens() {
        return s.countTokens.get()!.n;
      },
    },
    async close() {
      db.close();
    },
  }, sqliteFullReason);
}
