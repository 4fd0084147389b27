INSERT INTO customer (id, name) VALUES (1, 'ada'), (2, 'grace');
INSERT INTO customer (id, name) VALUES (3, 'edsger');
