-- hbm2ddl's own schema on SQLite, with Book's key an INTEGER PRIMARY KEY (SQLite's rowid, which it generates):
-- Hibernate's SQLite dialect leaves the type of an IDENTITY mapped in orm.xml out ("id,"), and such a key is never generated.
create table author (id integer, version bigint not null, name varchar(255), primary key (id));
create table book (id integer, price integer not null, author_id bigint not null, title varchar(255), primary key (id));
create table book_tag (book_id bigint not null, tags_code varchar(255) not null, primary key (book_id, tags_code));
create table tag (code varchar(255) not null, label varchar(255), primary key (code));
