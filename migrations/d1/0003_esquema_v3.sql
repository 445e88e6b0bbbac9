CREATE TABLE longpoll_deliveries (
  system_id TEXT NOT NULL, idt INTEGER NOT NULL, situacao INTEGER NOT NULL, at TEXT NOT NULL,
  PRIMARY KEY (system_id, idt, situacao)
) STRICT;
