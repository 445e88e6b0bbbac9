-- Optimistic units of work (src/store/d1/db.ts): each key a decision reads (a trâmite, an NRE,
-- a counter) has a revision, moved by every batch that writes what the key covers.
CREATE TABLE d1_locks (key TEXT PRIMARY KEY, rev INTEGER NOT NULL) STRICT;
-- A row of 0 here fails the whole batch: written as changes() after a statement that must
-- change exactly one row (a revision, a compare-and-set), and deleted at the batch's end.
CREATE TABLE d1_guard (ok INTEGER NOT NULL CONSTRAINT elo_d1_conflito CHECK (ok = 1)) STRICT;
