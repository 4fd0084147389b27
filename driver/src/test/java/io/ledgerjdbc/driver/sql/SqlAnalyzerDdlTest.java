package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.Ddl;
import io.ledgerjdbc.driver.sql.Analysis.DdlKind;
import io.ledgerjdbc.driver.sql.Analysis.TableRef;
import io.ledgerjdbc.driver.sql.Analysis.TransactionControl;
import io.ledgerjdbc.driver.sql.Analysis.TxCommand;
import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.ledgerjdbc.driver.sql.Sql.*;
import static org.assertj.core.api.Assertions.assertThat;

/** DDL is classified (object as written, table as a TableRef) and transaction control recognised. */
class SqlAnalyzerDdlTest {

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource({"ddl", "transactionControl"})
    void statementIsClassified(SqlDialect d, String sql, Analysis expected) {
        assertThat(analyze(d, sql)).isEqualTo(expected);
    }

    private static Ddl ddl(DdlKind kind, String object, TableRef table) {
        return new Ddl(kind, object, table);
    }

    static Stream<Arguments> ddl() {
        return Stream.of(
                each(ALL, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)",
                        ddl(DdlKind.CREATE_TABLE, "t", table("t"))),
                each(ALL, "create table if not exists app.t (id int)",
                        ddl(DdlKind.CREATE_TABLE, "app.t", table("app", "t"))),
                each(ALL, "CREATE TEMPORARY TABLE tmp (id INT)", ddl(DdlKind.CREATE_TABLE, "tmp", table("tmp"))),
                each(ALL, "CREATE TEMP TABLE IF NOT EXISTS tmp (id INT)", ddl(DdlKind.CREATE_TABLE, "tmp", table("tmp"))),
                each(DOUBLE_QUOTING, "CREATE TABLE IF NOT EXISTS \"My Table\" (\"Id\" INT)",
                        ddl(DdlKind.CREATE_TABLE, "\"My Table\"", quotedTable("My Table"))),
                each(ALL, "ALTER TABLE t ADD COLUMN x INT", ddl(DdlKind.ALTER_TABLE, "t", table("t"))),
                each(ALL, "ALTER TABLE app.t RENAME COLUMN a TO b", ddl(DdlKind.ALTER_TABLE, "app.t", table("app", "t"))),
                each(ALL, "DROP TABLE t", ddl(DdlKind.DROP_TABLE, "t", table("t"))),
                each(ALL, "DROP TABLE IF EXISTS t CASCADE", ddl(DdlKind.DROP_TABLE, "t", table("t"))),
                each(ALL, "CREATE INDEX idx_a ON t (a)", ddl(DdlKind.CREATE_INDEX, "idx_a", table("t"))),
                each(ALL, "CREATE UNIQUE INDEX IF NOT EXISTS idx_a ON app.t (a, b)",
                        ddl(DdlKind.CREATE_INDEX, "idx_a", table("app", "t"))),
                each(ALL, "DROP INDEX idx_a", ddl(DdlKind.DROP_INDEX, "idx_a", null)),
                each(ALL, "DROP INDEX IF EXISTS idx_a", ddl(DdlKind.DROP_INDEX, "idx_a", null)),
                each(ALL, "CREATE VIEW v AS SELECT * FROM t", ddl(DdlKind.CREATE_VIEW, "v", null)),
                each(ALL, "CREATE OR REPLACE VIEW v AS SELECT * FROM t", ddl(DdlKind.CREATE_VIEW, "v", null)),
                each(ALL, "DROP VIEW IF EXISTS v", ddl(DdlKind.DROP_VIEW, "v", null)),
                each(ALL, "CREATE SEQUENCE seq START WITH 1", ddl(DdlKind.OTHER, "seq", null)),
                each(ALL, "DROP SEQUENCE IF EXISTS seq", ddl(DdlKind.OTHER, "seq", null)),
                each(ALL, "CREATE SCHEMA IF NOT EXISTS app", ddl(DdlKind.OTHER, "app", null)),
                each(ALL, "CREATE TYPE mood AS ENUM ('sad', 'ok')", ddl(DdlKind.OTHER, "mood", null)),
                each(ALL, "COMMENT ON TABLE t IS 'x'", ddl(DdlKind.OTHER, "t", null)),
                each(ALL, "GRANT SELECT ON t TO bob", ddl(DdlKind.OTHER, null, null)),
                each(ALL, "REVOKE SELECT ON t FROM bob", ddl(DdlKind.OTHER, null, null)),
                each(ALL, "DROP TRIGGER IF EXISTS trg", ddl(DdlKind.OTHER, "trg", null)),
                Stream.of(
                        of(PG, "CREATE INDEX ON t (a)", ddl(DdlKind.CREATE_INDEX, null, table("t"))),
                        of(PG, "CREATE INDEX IF NOT EXISTS \"Idx\" ON ONLY \"T\" (a)",
                                ddl(DdlKind.CREATE_INDEX, "\"Idx\"", quotedTable("T"))),
                        of(PG, "CREATE UNLOGGED TABLE t (id INT)", ddl(DdlKind.CREATE_TABLE, "t", table("t"))),
                        // Flyway's history table on H2: recorded as the CREATE TABLE, its rows as inserts
                        of(H2, "CREATE TABLE IF NOT EXISTS h (id INT NOT NULL, note VARCHAR(9), CONSTRAINT h_pk PRIMARY KEY (id)) AS SELECT -1, 'x'",
                                new Ddl(DdlKind.CREATE_TABLE, "h", table("h"),
                                        "CREATE TABLE IF NOT EXISTS h (id INT NOT NULL, note VARCHAR(9), CONSTRAINT h_pk PRIMARY KEY (id))")),
                        of(PG, "ALTER TABLE IF EXISTS ONLY t ADD COLUMN x INT", ddl(DdlKind.ALTER_TABLE, "t", table("t"))),
                        of(PG, "CREATE MATERIALIZED VIEW mv AS SELECT 1", ddl(DdlKind.OTHER, "mv", null)),
                        of(PG, "CREATE TABLE p (id INT, v TEXT) PARTITION BY RANGE (id)", ddl(DdlKind.CREATE_TABLE, "p", table("p"))),
                        of(SQLITE, "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT) STRICT, WITHOUT ROWID",
                                ddl(DdlKind.CREATE_TABLE, "t", table("t"))),
                        of(SQLITE, "CREATE TABLE [Order Lines] (id INT)",
                                ddl(DdlKind.CREATE_TABLE, "[Order Lines]", quotedTable("Order Lines"))),
                        of(SQLITE, "CREATE VIRTUAL TABLE docs USING fts5(body)", ddl(DdlKind.CREATE_TABLE, "docs", table("docs"))),
                        of(H2, "CREATE CACHED TABLE t (id INT)", ddl(DdlKind.CREATE_TABLE, "t", table("t"))),
                        of(MARIA, "CREATE TABLE `Order` (id INT) ENGINE=InnoDB",
                                ddl(DdlKind.CREATE_TABLE, "`Order`", quotedTable("Order"))),
                        of(MARIA, "DROP TEMPORARY TABLE IF EXISTS tmp", ddl(DdlKind.DROP_TABLE, "tmp", table("tmp"))),
                        of(MARIA, "DROP INDEX idx ON shop.t", ddl(DdlKind.DROP_INDEX, "idx", table("shop", "t"))),
                        of(MARIA, "CREATE INDEX idx USING BTREE ON t (a)", ddl(DdlKind.CREATE_INDEX, "idx", table("t"))),
                        of(MARIA, "ALTER ONLINE TABLE t ADD COLUMN x INT", ddl(DdlKind.ALTER_TABLE, "t", table("t"))),
                        of(MARIA, "RENAME TABLE a TO b", ddl(DdlKind.ALTER_TABLE, "a", table("a"))),
                        of(MARIA, "CREATE TABLE t2 LIKE t", ddl(DdlKind.CREATE_TABLE, "t2", table("t2"))))
        ).flatMap(s -> s);
    }

    private static TransactionControl tx(TxCommand c, String savepoint) {
        return new TransactionControl(c, savepoint);
    }

    static Stream<Arguments> transactionControl() {
        return Stream.of(
                each(ALL, "BEGIN", tx(TxCommand.BEGIN, null)),
                each(ALL, "begin transaction", tx(TxCommand.BEGIN, null)),
                each(ALL, "BEGIN WORK", tx(TxCommand.BEGIN, null)),
                each(ALL, "START TRANSACTION", tx(TxCommand.BEGIN, null)),
                each(ALL, "START TRANSACTION READ ONLY", tx(TxCommand.BEGIN, null)),
                each(ALL, "COMMIT", tx(TxCommand.COMMIT, null)),
                each(ALL, "COMMIT WORK;", tx(TxCommand.COMMIT, null)),
                each(ALL, "END", tx(TxCommand.COMMIT, null)),
                each(ALL, "END TRANSACTION", tx(TxCommand.COMMIT, null)),
                each(ALL, "ROLLBACK", tx(TxCommand.ROLLBACK, null)),
                each(ALL, "ROLLBACK WORK", tx(TxCommand.ROLLBACK, null)),
                each(ALL, "SAVEPOINT sp1", tx(TxCommand.SAVEPOINT, "sp1")),
                each(ALL, "RELEASE SAVEPOINT sp1", tx(TxCommand.RELEASE_SAVEPOINT, "sp1")),
                each(ALL, "RELEASE sp1", tx(TxCommand.RELEASE_SAVEPOINT, "sp1")),
                each(ALL, "ROLLBACK TO SAVEPOINT sp1", tx(TxCommand.ROLLBACK_TO_SAVEPOINT, "sp1")),
                each(ALL, "ROLLBACK WORK TO sp1", tx(TxCommand.ROLLBACK_TO_SAVEPOINT, "sp1")),
                each(ALL, "rollback to sp1", tx(TxCommand.ROLLBACK_TO_SAVEPOINT, "sp1")),
                each(DOUBLE_QUOTING, "SAVEPOINT \"Sp 1\"", tx(TxCommand.SAVEPOINT, "Sp 1")),
                Stream.of(
                        of(SQLITE, "BEGIN IMMEDIATE TRANSACTION", tx(TxCommand.BEGIN, null)),
                        of(SQLITE, "BEGIN EXCLUSIVE", tx(TxCommand.BEGIN, null)),
                        of(PG, "BEGIN ISOLATION LEVEL SERIALIZABLE", tx(TxCommand.BEGIN, null)),
                        of(PG, "ABORT", tx(TxCommand.ROLLBACK, null)),
                        of(MARIA, "COMMIT AND NO CHAIN", tx(TxCommand.COMMIT, null)),
                        of(MARIA, "SAVEPOINT `sp 1`", tx(TxCommand.SAVEPOINT, "sp 1")))
        ).flatMap(s -> s);
    }
}
