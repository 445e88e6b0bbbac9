/**
 * Typed rows of the code-list tables, the same in every store adapter, and their mappers; only
 * how booleans are stored differs (SQLite 0/1, PostgreSQL BOOLEAN), so each adapter hands in its
 * reading of a boolean.
 */
import { CODE_LIST_KINDS, type CodeListChange, type CodeListEntry, type CodeListKind } from '../domain/codelist-entries.ts';

export interface CodeListEntryRow<B> {
  kind: string;
  codigo: number;
  nome: string;
  ativo: B;
}

export interface CodeListChangeRow {
  seq: number;
  kind: string;
  codigo: number;
  at: string;
  actor: string;
  reason: string;
  before_json: string | null;
  after_json: string;
}

const kindOf = (k: string): CodeListKind => {
  const kind = CODE_LIST_KINDS.find((x) => x === k);
  if (!kind) throw new Error(`code_list kind "${k}" unknown to this Elo`);
  return kind;
};

export const toCodeListEntry =
  <B>(bool: (b: B) => boolean) =>
  (r: CodeListEntryRow<B>): CodeListEntry => ({ kind: kindOf(r.kind), codigo: r.codigo, nome: r.nome, ativo: bool(r.ativo) });

export const toCodeListChange = (r: CodeListChangeRow): CodeListChange => ({
  seq: r.seq,
  kind: kindOf(r.kind),
  codigo: r.codigo,
  at: r.at,
  actor: r.actor,
  reason: r.reason,
  before: r.before_json === null ? null : (JSON.parse(r.before_json) as CodeListChange['before']),
  after: JSON.parse(r.after_json) as CodeListChange['after'],
});

/** A side of a change as its history row keeps it. */
export const stateJson = (s: { nome: string; ativo: boolean } | null): string | null => (s ? JSON.stringify({ nome: s.nome, ativo: s.ativo }) : null);
