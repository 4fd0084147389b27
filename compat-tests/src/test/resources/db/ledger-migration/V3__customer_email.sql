ALTER TABLE customer ADD COLUMN email VARCHAR(200);
UPDATE customer SET email = name || '@example.org';
DELETE FROM customer WHERE id = 3;
