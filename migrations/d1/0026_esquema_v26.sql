CREATE VIRTUAL TABLE structures_palavras USING fts5(nome, content='structures', content_rowid='rowid', tokenize='unicode61 remove_diacritics 1', detail=none, prefix='4 5 6');
INSERT INTO structures_palavras(structures_palavras) VALUES ('rebuild');
-- new units are indexed by the store in bulk after each write, as structures_busca's
CREATE TRIGGER structures_palavras_ad AFTER DELETE ON structures BEGIN
  INSERT INTO structures_palavras(structures_palavras, rowid, nome) VALUES ('delete', old.rowid, old.nome);
END;
CREATE TRIGGER structures_palavras_au AFTER UPDATE OF nome ON structures BEGIN
  INSERT INTO structures_palavras(structures_palavras, rowid, nome) VALUES ('delete', old.rowid, old.nome);
  INSERT INTO structures_palavras(rowid, nome) VALUES (new.rowid, new.nome);
END;
