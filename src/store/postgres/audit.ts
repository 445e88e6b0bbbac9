import type { AuditEntry } from '../index.ts';
import { run, stmt, type Conn } from './db.ts';

const append = stmt<[string, string, string, number | null, string]>('INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES ($1, $2, $3, $4, $5)');

/**
 * Appends an audit event on `c`: the one statement every writer of this adapter calls, inside its
 * own transaction, so that a change and its event commit together (ARCHITECTURE "Decisions").
 * `idt` names the trâmite when the entry itself does not.
 */
export const appendAudit = (c: Conn, at: string, a: AuditEntry, idt: number | null = null): Promise<number> =>
  run(c, append, at, a.kind, a.actor, a.idt ?? idt, JSON.stringify(a.data ?? {}));
