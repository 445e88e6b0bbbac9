import type { CodeListEntry } from '../../domain/codelist-entries.ts';
import type { AuditEntry, CodeListChangeBy, CodeListStore } from '../index.ts';
import { stateJson, toCodeListChange, toCodeListEntry, type CodeListChangeRow, type CodeListEntryRow } from '../codelist-rows.ts';
import type { Db } from './open.ts';
import { auditAppender } from './audit.ts';

type Row = CodeListEntryRow<number>;
const toEntry = toCodeListEntry<number>((b) => b === 1);

/** The code lists in the embedded store; each write one transaction. */
export function sqliteCodeLists(db: Db): CodeListStore {
  const q = {
    version: db.prepare<[], { v: number }>('SELECT COALESCE(MAX(seq), 0) AS v FROM code_list_changes'),
    // one statement: the entries and the version they are at come from one snapshot
    entries: db.prepare<[], Row & { version: number }>(
      'SELECT v.version, e.* FROM (SELECT COALESCE(MAX(seq), 0) AS version FROM code_list_changes) v LEFT JOIN code_list_entries e ON 1 ORDER BY e.kind, e.codigo',
    ),
    any: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM code_list_entries LIMIT 1)'),
    get: db.prepare<[string, number], Row>('SELECT * FROM code_list_entries WHERE kind = ? AND codigo = ?'),
    insert: db.prepare<[string, number, string, number]>('INSERT INTO code_list_entries (kind, codigo, nome, ativo) VALUES (?, ?, ?, ?)'),
    update: db.prepare<[string, number, string, number, string, number]>(
      'UPDATE code_list_entries SET nome = ?, ativo = ? WHERE kind = ? AND codigo = ? AND nome = ? AND ativo = ?',
    ),
    history: db.prepare<[string, number, string, string, string, string | null, string]>(
      'INSERT INTO code_list_changes (kind, codigo, at, actor, reason, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  const audited = auditAppender(db);
  const seed = db.transaction((entries: readonly CodeListEntry[], by: CodeListChangeBy, audit: AuditEntry) => {
    if (q.any.get()!.n) return false;
    for (const e of entries) {
      q.insert.run(e.kind, e.codigo, e.nome, e.ativo ? 1 : 0);
      q.history.run(e.kind, e.codigo, by.at, by.actor, by.reason, null, stateJson(e)!);
    }
    audited(by.at, audit);
    return true;
  });
  const apply = db.transaction((input: Parameters<CodeListStore['apply']>[0], audit: AuditEntry) => {
    const { kind, codigo, before, after } = input;
    const moved = before
      ? q.update.run(after.nome, after.ativo ? 1 : 0, kind, codigo, before.nome, before.ativo ? 1 : 0).changes
      : q.get.get(kind, codigo)
        ? 0
        : q.insert.run(kind, codigo, after.nome, after.ativo ? 1 : 0).changes;
    if (moved !== 1) {
      const current = q.get.get(kind, codigo);
      return { ok: false as const, reason: 'conflict' as const, current: current ? toEntry(current) : null };
    }
    const seq = Number(q.history.run(kind, codigo, input.at, input.actor, input.reason, stateJson(before), stateJson(after)!).lastInsertRowid);
    audited(input.at, audit);
    return { ok: true as const, seq };
  });
  /** The history filters on any combination of kind and código: one statement each, prepared once. */
  const historyLists = new Map<string, ReturnType<typeof db.prepare<unknown[], CodeListChangeRow>>>();
  return {
    async version() {
      return q.version.get()!.v;
    },
    async entries() {
      const rows = q.entries.all();
      return { version: rows[0]?.version ?? 0, entries: rows.filter((r) => r.kind !== null).map(toEntry) };
    },
    async seed(entries, by, audit) {
      return seed(entries, by, audit);
    },
    async apply(input, audit) {
      return apply(input, audit);
    },
    async history(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.kind !== undefined) (where.push('kind = ?'), params.push(filter.kind));
      if (filter.codigo !== undefined) (where.push('codigo = ?'), params.push(filter.codigo));
      const sql = `SELECT * FROM code_list_changes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
      let st = historyLists.get(sql);
      if (!st) historyLists.set(sql, (st = db.prepare<unknown[], CodeListChangeRow>(sql)));
      return st.all(...params, filter.limit).map(toCodeListChange);
    },
  };
}
