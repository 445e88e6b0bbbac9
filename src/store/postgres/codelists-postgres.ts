import type pg from 'pg';
import type { CodeListStore } from '../index.ts';
import { stateJson, toCodeListChange, toCodeListEntry, type CodeListChangeRow, type CodeListEntryRow } from '../codelist-rows.ts';
import { one, rows, run, stmt, tx, type Conn } from './db.ts';
import { appendAudit } from './audit.ts';

type Row = CodeListEntryRow<boolean>;
const toEntry = toCodeListEntry<boolean>((b) => b);

/**
 * Any 64-bit number: the advisory lock every write of the code lists takes first. Change numbers
 * come from an identity sequence, allocated at insert but visible at commit; with writers taking
 * turns, a number becomes visible only after every smaller one, so a reader that saw version N
 * has seen every change up to N (the hub's cache of the lists trusts exactly that).
 */
const CODE_LISTS_LOCK = 0x456c6f43; // "EloC"

const s = {
  lock: stmt<[number]>('SELECT pg_advisory_xact_lock($1)'),
  version: stmt<[], { v: number }>('SELECT COALESCE(MAX(seq), 0)::bigint AS v FROM code_list_changes'),
  // one statement: the entries and the version they are at come from one snapshot
  entries: stmt<[], Row & { version: number }>(
    'SELECT v.version, e.* FROM (SELECT COALESCE(MAX(seq), 0)::bigint AS version FROM code_list_changes) v LEFT JOIN code_list_entries e ON true ORDER BY e.kind, e.codigo',
  ),
  any: stmt<[], { one: number }>('SELECT 1 AS one FROM code_list_entries LIMIT 1'),
  get: stmt<[string, number], Row>('SELECT * FROM code_list_entries WHERE kind = $1 AND codigo = $2'),
  insert: stmt<[string, number, string, boolean]>('INSERT INTO code_list_entries (kind, codigo, nome, ativo) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING'),
  update: stmt<[string, boolean, string, number, string, boolean]>(
    'UPDATE code_list_entries SET nome = $1, ativo = $2 WHERE kind = $3 AND codigo = $4 AND nome = $5 AND ativo = $6',
  ),
  history: stmt<[string, number, string, string, string, string | null, string], { seq: number }>(
    'INSERT INTO code_list_changes (kind, codigo, at, actor, reason, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq',
  ),
};

const lock = (c: Conn) => run(c, s.lock, CODE_LISTS_LOCK);

/** The code lists on PostgreSQL: writers take turns (an advisory lock), readers never wait. */
export function postgresCodeLists(pool: pg.Pool): CodeListStore {
  /** The history filters on any combination of kind and código: one named statement each. */
  const historyLists = new Map<string, ReturnType<typeof stmt<unknown[], CodeListChangeRow>>>();
  return {
    async version() {
      return (await one(pool, s.version))!.v;
    },
    async entries() {
      const all = await rows(pool, s.entries);
      return { version: all[0]?.version ?? 0, entries: all.filter((r) => r.kind !== null).map(toEntry) };
    },
    async seed(entries, by, audit) {
      return tx(pool, async (c) => {
        await lock(c);
        if (await one(c, s.any)) return false;
        for (const e of entries) {
          await run(c, s.insert, e.kind, e.codigo, e.nome, e.ativo);
          await run(c, s.history, e.kind, e.codigo, by.at, by.actor, by.reason, null, stateJson(e)!);
        }
        await appendAudit(c, by.at, audit);
        return true;
      });
    },
    async apply(input, audit) {
      const { kind, codigo, before, after } = input;
      return tx(pool, async (c) => {
        await lock(c);
        const moved = before
          ? await run(c, s.update, after.nome, after.ativo, kind, codigo, before.nome, before.ativo)
          : await run(c, s.insert, kind, codigo, after.nome, after.ativo);
        if (moved !== 1) {
          const current = await one(c, s.get, kind, codigo);
          return { ok: false as const, reason: 'conflict' as const, current: current ? toEntry(current) : null };
        }
        const { seq } = (await one(c, s.history, kind, codigo, input.at, input.actor, input.reason, stateJson(before), stateJson(after)!))!;
        await appendAudit(c, input.at, audit);
        return { ok: true as const, seq };
      });
    },
    async history(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.kind !== undefined) where.push(`kind = $${params.push(filter.kind)}`);
      if (filter.codigo !== undefined) where.push(`codigo = $${params.push(filter.codigo)}`);
      const limit = `$${params.push(filter.limit)}`;
      const text = `SELECT * FROM code_list_changes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${limit}`;
      let st = historyLists.get(text);
      if (!st) historyLists.set(text, (st = stmt<unknown[], CodeListChangeRow>(text)));
      return (await rows(pool, st, ...params)).map(toCodeListChange);
    },
  };
}
