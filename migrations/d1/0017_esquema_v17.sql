CREATE TABLE directory_version (id INTEGER PRIMARY KEY CHECK (id = 1), v INTEGER NOT NULL) STRICT;
INSERT INTO directory_version VALUES (1, 0);
CREATE TRIGGER directory_version_si AFTER INSERT ON structures BEGIN UPDATE directory_version SET v = v + 1; END;
CREATE TRIGGER directory_version_su AFTER UPDATE ON structures BEGIN UPDATE directory_version SET v = v + 1; END;
CREATE TRIGGER directory_version_sd AFTER DELETE ON structures BEGIN UPDATE directory_version SET v = v + 1; END;
CREATE TRIGGER directory_version_ri AFTER INSERT ON repositories BEGIN UPDATE directory_version SET v = v + 1; END;
CREATE TRIGGER directory_version_ru AFTER UPDATE ON repositories BEGIN UPDATE directory_version SET v = v + 1; END;
CREATE TRIGGER directory_version_rd AFTER DELETE ON repositories BEGIN UPDATE directory_version SET v = v + 1; END;
CREATE TRIGGER directory_version_pu AFTER UPDATE ON participants BEGIN UPDATE directory_version SET v = v + 1; END;
