ALTER TABLE tramites ADD COLUMN package_ini INTEGER;
ALTER TABLE tramites ADD COLUMN package_fim INTEGER;
ALTER TABLE tramites ADD COLUMN props_ini INTEGER;
ALTER TABLE tramites ADD COLUMN props_fim INTEGER;
