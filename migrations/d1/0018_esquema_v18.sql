CREATE TABLE code_list_entries (
  kind TEXT NOT NULL, codigo INTEGER NOT NULL, nome TEXT NOT NULL, ativo INTEGER NOT NULL,
  PRIMARY KEY (kind, codigo)
) STRICT;
CREATE TABLE code_list_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, codigo INTEGER NOT NULL, at TEXT NOT NULL,
  actor TEXT NOT NULL, reason TEXT NOT NULL, before_json TEXT, after_json TEXT NOT NULL
) STRICT;
CREATE INDEX code_list_changes_entry ON code_list_changes(kind, codigo, seq);
-- spec §2.5: SEI deletes its mappings of a code that disappears; a code, once listed, stays
CREATE TRIGGER code_list_entries_kept BEFORE DELETE ON code_list_entries BEGIN
  SELECT RAISE(ABORT, 'code list entries are never removed (spec 2.5)');
END;
CREATE TRIGGER code_list_entries_code_kept BEFORE UPDATE OF kind, codigo ON code_list_entries BEGIN
  SELECT RAISE(ABORT, 'a code list entry keeps its code (spec 2.5)');
END;
CREATE TRIGGER code_list_changes_kept BEFORE DELETE ON code_list_changes BEGIN
  SELECT RAISE(ABORT, 'code list history is append-only');
END;
CREATE TRIGGER code_list_changes_unchanged BEFORE UPDATE ON code_list_changes BEGIN
  SELECT RAISE(ABORT, 'code list history is append-only');
END;
