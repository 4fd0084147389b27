package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.ledgerjdbc.driver.sql.Sql.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Every read keyword passes as a Read; reads that would write are refused by name. */
class SqlAnalyzerReadsTest {

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("reads")
    void readPassesThrough(SqlDialect d, String sql) {
        assertThat(analyze(d, sql)).isEqualTo(read());
    }

    static Stream<Arguments> reads() {
        String[] all = {
                "SELECT * FROM t WHERE id = ?",
                "select 1",
                "  \n\t SELECT 1",
                "-- comment\nSELECT 1",
                "/* block */ SELECT 1",
                "/* a */ -- b\n /* c */ (SELECT 1) UNION (SELECT 2)",
                "((SELECT 1))",
                "SELECT * FROM t FOR UPDATE",
                "SELECT 'INSERT INTO x VALUES (1); DELETE FROM y' AS s",
                "SELECT \"update\", 'nextval(' FROM t -- INTO x",
                "SELECT * FROM ledger_entries WHERE entry_index > ?",
                "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
                "WITH x AS (SELECT id FROM t) SELECT * FROM x FOR UPDATE",
                "VALUES (1, 2)",
                "TABLE t",
                "SHOW TABLES",
                "EXPLAIN SELECT * FROM t",
                "EXPLAIN UPDATE t SET a = 1",
                "EXPLAIN ANALYZE SELECT * FROM t",
                "DESCRIBE t",
                "DESC t",
                "PRAGMA table_info(t)",
                "SET search_path = app",
                "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                "USE app",
                "HELP SELECT",
                "CHECKPOINT",
                "ANALYZE",
                "ANALYZE t",
                "VACUUM",
                "REINDEX t",
                "LOCK TABLE t IN EXCLUSIVE MODE",
                "UNLOCK TABLES",
                "RESET ALL",
                "SELECT 1;",
                "SELECT 1; -- done",
                "SELECT ';' ; /* done */",
                "",
                "   ",
                "-- nothing but a comment",
                ";",
        };
        Stream<Arguments> common = Stream.of(all).flatMap(sql -> Sql.ALL.stream().map(d -> Arguments.of(d, sql)));
        Stream<Arguments> specific = Stream.of(
                Arguments.of(PG, "EXPLAIN (ANALYZE, BUFFERS) SELECT 1"),
                Arguments.of(PG, "EXPLAIN (ANALYZE false) DELETE FROM t"),
                Arguments.of(PG, "EXPLAIN (FORMAT JSON) DELETE FROM t"),
                Arguments.of(PG, "SELECT $$ ; DELETE FROM t $$"),
                Arguments.of(PG, "SELECT * FROM t FOR NO KEY UPDATE"),
                Arguments.of(PG, "SELECT data ?? 'k', data ?| array['a'] FROM t"),
                Arguments.of(PG, "ANALYZE (VERBOSE) t"),
                Arguments.of(PG, "DISCARD ALL"),
                Arguments.of(PG, "DEALLOCATE ALL"),
                Arguments.of(PG, "LISTEN channel"),
                Arguments.of(SQLITE, "EXPLAIN QUERY PLAN SELECT * FROM t"),
                Arguments.of(SQLITE, "PRAGMA journal_mode = WAL"),
                Arguments.of(SQLITE, "SELECT 1 /* unterminated comments are legal in SQLite"),
                Arguments.of(H2, "EXPLAIN PLAN FOR SELECT 1"),
                Arguments.of(H2, "SELECT 1 /* nested /* comment */ ; still */"),
                Arguments.of(H2, "SELECT 1 // H2 line comment; DELETE"),
                Arguments.of(MARIA, "SELECT 1 # comment; DELETE FROM t"),
                Arguments.of(MARIA, "SELECT 'a\\';' FROM t"),
                Arguments.of(MARIA, "SELECT * FROM t LOCK IN SHARE MODE"),
                Arguments.of(MARIA, "ANALYZE TABLE t"),
                Arguments.of(MARIA, "ANALYZE FORMAT=JSON SELECT 1"),
                Arguments.of(MARIA, "SET @a = 1"),
                Arguments.of(MARIA, "LOCK TABLES t WRITE"));
        return Stream.concat(common, specific);
    }

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @MethodSource("writingReads")
    void readThatWritesIsRefusedByName(SqlDialect d, String sql, String construct) {
        assertThat(analyze(d, sql)).isInstanceOfSatisfying(Analysis.Refused.class,
                r -> assertThat(r.construct()).isEqualTo(construct));
    }

    static Stream<Arguments> writingReads() {
        return Stream.of(
                each(ALL, "WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT * FROM x", Refusals.DATA_MODIFYING_WITH),
                each(ALL, "WITH x AS (UPDATE t SET a = 1 RETURNING id) SELECT * FROM x", Refusals.DATA_MODIFYING_WITH),
                each(ALL, "with x as (delete from t returning id) select * from x", Refusals.DATA_MODIFYING_WITH),
                each(ALL, "WITH x AS (SELECT 1 AS a) INSERT INTO t SELECT a FROM x", Refusals.DATA_MODIFYING_WITH),
                each(ALL, "WITH x AS (SELECT 1 AS a) DELETE FROM t WHERE id IN (SELECT a FROM x)", Refusals.DATA_MODIFYING_WITH),
                each(ALL, "SELECT nextval('seq')", Refusals.NEXTVAL),
                each(ALL, "SELECT pg_catalog.NEXTVAL('seq')", Refusals.NEXTVAL),
                each(ALL, "SELECT setval('seq', 10)", Refusals.SETVAL),
                each(ALL, "SELECT NEXT VALUE FOR seq", Refusals.NEXT_VALUE_FOR),
                each(ALL, "VALUES (next value for seq)", Refusals.NEXT_VALUE_FOR),
                each(ALL, "SELECT nextval('s'), setval('s', 5)", Refusals.SETVAL),
                each(ALL, "SELECT nextval('s') INTO x", Refusals.SELECT_INTO),
                each(ALL, "SELECT a INTO new_table FROM t", Refusals.SELECT_INTO),
                each(ALL, "(SELECT a FROM t) INTO @x", Refusals.SELECT_INTO),
                each(ALL, "SELECT * FROM FINAL TABLE (INSERT INTO t VALUES (1))", Refusals.DELTA_TABLE),
                each(ALL, "SELECT * FROM OLD TABLE (DELETE FROM t)", Refusals.DELTA_TABLE),
                each(ALL, "select id from new table (update t set a = 1)", Refusals.DELTA_TABLE),
                each(ALL, "EXPLAIN ANALYZE UPDATE t SET a = 1", Refusals.EXPLAIN_ANALYZE),
                each(ALL, "EXPLAIN ANALYZE SELECT nextval('s')", Refusals.EXPLAIN_ANALYZE),
                Stream.of(
                        of(PG, "EXPLAIN (ANALYZE, BUFFERS) DELETE FROM t", Refusals.EXPLAIN_ANALYZE),
                        of(PG, "EXPLAIN (ANALYZE true) INSERT INTO t VALUES (1)", Refusals.EXPLAIN_ANALYZE),
                        of(PG, "EXPLAIN ANALYSE VERBOSE UPDATE t SET a = 1", Refusals.EXPLAIN_ANALYZE),
                        of(H2, "EXPLAIN ANALYZE MERGE INTO t KEY (id) VALUES (1)", Refusals.EXPLAIN_ANALYZE),
                        of(MARIA, "ANALYZE UPDATE t SET a = 1", Refusals.EXPLAIN_ANALYZE),
                        of(MARIA, "ANALYZE FORMAT=JSON DELETE FROM t", Refusals.EXPLAIN_ANALYZE),
                        of(MARIA, "SELECT a FROM t INTO OUTFILE '/tmp/x'", Refusals.SELECT_INTO),
                        of(MARIA, "SET @id = NEXTVAL(seq)", Refusals.NEXTVAL),
                        of(MARIA, "SELECT 1 /*!; DELETE FROM t */", Refusals.MULTIPLE_STATEMENTS),
                        of(MARIA, "SELECT 1 /*M!100000 INTO @x */", Refusals.SELECT_INTO))
        ).flatMap(s -> s);
    }
}
