ALTER TABLE account ADD COLUMN currency VARCHAR(3) DEFAULT 'EUR' NOT NULL;
UPDATE account SET currency = 'USD' WHERE owner = 'grace';
