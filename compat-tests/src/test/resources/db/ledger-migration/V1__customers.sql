CREATE TABLE customer (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL);
CREATE INDEX customer_name_idx ON customer (name);
