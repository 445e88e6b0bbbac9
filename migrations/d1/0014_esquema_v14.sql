CREATE INDEX structures_parent ON structures(repository_id, parent_numero);
CREATE VIRTUAL TABLE structures_busca USING fts5(nome, sigla, content='structures', content_rowid='rowid', tokenize='trigram remove_diacritics 1');
INSERT INTO structures_busca(structures_busca) VALUES ('rebuild');
-- new units are indexed by the store in bulk after each write (4× faster than a row trigger on
-- a national import); changed names and removals are kept in step by triggers
CREATE TRIGGER structures_busca_ad AFTER DELETE ON structures BEGIN
  INSERT INTO structures_busca(structures_busca, rowid, nome, sigla) VALUES ('delete', old.rowid, old.nome, old.sigla);
END;
CREATE TRIGGER structures_busca_au AFTER UPDATE OF nome, sigla ON structures BEGIN
  INSERT INTO structures_busca(structures_busca, rowid, nome, sigla) VALUES ('delete', old.rowid, old.nome, old.sigla);
  INSERT INTO structures_busca(rowid, nome, sigla) VALUES (new.rowid, new.nome, new.sigla);
END;
