import type { AuditEntry } from '../index.ts';
import type { Db } from './open.ts';

/**
 * Appends an audit event: the one statement every writer of this adapter calls, inside its own
 * transaction, so that a change and its event are written together (ARCHITECTURE "Decisions").
 * `idt` names the trâmite when the entry itself does not.
 */
export function auditAppender(db: Db): (at: string, a: AuditEntry, idt?: number | null) => void {
  const st = db.prepare<[string, string, string, number | null, string]>('INSERT INTO audit_events (at, kind, actor, idt, data_json) VALUES (?, ?, ?, ?, ?)');
  return (at, a, idt = null) => {
    st.run(at, a.kind, a.actor, a.idt ?? idt, JSON.stringify(a.data ?? {}));
  };
}
