import type { CodeListStore } from '../index.ts';
import { stateJson, toCodeListChange, toCodeListEntry, type CodeListChangeRow, type CodeListEntryRow } from '../codelist-rows.ts';
import { all, atomically, first, type D1Conn } from './db.ts';

type Row = CodeListEntryRow<number>;
type Out<K extends keyof CodeListStore> = CodeListStore[K] extends (...a: never[]) => Promise<infer T> ? T : never;
const toEntry = toCodeListEntry<number>((b) => b === 1);

/** Every write of the code lists is one unit on this key (db.ts): an edit decides on the entry as it read it. */
const LISTS = 'listas-de-codigos';

/** The code lists on D1; each write one batch. */
export function d1CodeLists(c: D1Conn): CodeListStore {
  const history = 'INSERT INTO code_list_changes (kind, codigo, at, actor, reason, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)';
  return {
    async version() {
      return (await first<{ v: number }>(c, 'SELECT COALESCE(MAX(seq), 0) AS v FROM code_list_changes'))!.v;
    },
    async entries() {
      // one statement: the entries and the version they are at come from one snapshot
      const rows = await all<Row & { version: number }>(
        c,
        'SELECT v.version, e.* FROM (SELECT COALESCE(MAX(seq), 0) AS version FROM code_list_changes) v LEFT JOIN code_list_entries e ON 1 ORDER BY e.kind, e.codigo',
      );
      return { version: rows[0]?.version ?? 0, entries: rows.filter((r) => r.kind !== null).map(toEntry) };
    },
    async seed(entries, by, audit) {
      return atomically<boolean>(c, async (w) => {
        await w.lock(LISTS);
        if ((await w.first<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM code_list_entries LIMIT 1)'))!.n) return () => false;
        for (const e of entries) {
          w.write('INSERT INTO code_list_entries (kind, codigo, nome, ativo) VALUES (?, ?, ?, ?)', e.kind, e.codigo, e.nome, e.ativo);
          w.write(history, e.kind, e.codigo, by.at, by.actor, by.reason, null, stateJson(e)!);
        }
        w.audit(by.at, audit);
        return () => true;
      });
    },
    async apply(input, audit) {
      return atomically<Out<'apply'>>(c, async (w) => {
        const { kind, codigo, before, after } = input;
        await w.lock(LISTS);
        const current = await w.first<Row>('SELECT * FROM code_list_entries WHERE kind = ? AND codigo = ?', kind, codigo);
        const expected = before ? current !== null && current.nome === before.nome && current.ativo === (before.ativo ? 1 : 0) : current === null;
        if (!expected) return () => ({ ok: false, reason: 'conflict', current: current ? toEntry(current) : null });
        if (before) w.write('UPDATE code_list_entries SET nome = ?, ativo = ? WHERE kind = ? AND codigo = ?', after.nome, after.ativo, kind, codigo);
        else w.write('INSERT INTO code_list_entries (kind, codigo, nome, ativo) VALUES (?, ?, ?, ?)', kind, codigo, after.nome, after.ativo);
        const change = w.write<{ seq: number }>(`${history} RETURNING seq`, kind, codigo, input.at, input.actor, input.reason, stateJson(before), stateJson(after)!);
        w.audit(input.at, audit);
        return () => ({ ok: true, seq: change.rows[0]!.seq });
      });
    },
    async history(filter) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.kind !== undefined) (where.push('kind = ?'), params.push(filter.kind));
      if (filter.codigo !== undefined) (where.push('codigo = ?'), params.push(filter.codigo));
      const sql = `SELECT * FROM code_list_changes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
      return (await all<CodeListChangeRow>(c, sql, ...params, filter.limit)).map(toCodeListChange);
    },
  };
}
