CREATE TABLE account (id INT PRIMARY KEY, owner VARCHAR(100) NOT NULL, balance DECIMAL(12, 2) NOT NULL);
INSERT INTO account (id, owner, balance) VALUES (1, 'ada', 100.00), (2, 'grace', 250.00);
