ALTER TABLE completion_receipts ADD COLUMN situacao4_date TEXT;
