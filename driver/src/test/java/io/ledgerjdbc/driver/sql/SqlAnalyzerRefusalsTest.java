package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.Refused;
import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.ledgerjdbc.driver.sql.Sql.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Every refusal, by its exact construct name; each reason says why and what to do instead. */
class SqlAnalyzerRefusalsTest {

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @MethodSource("refusals")
    void statementIsRefusedWithItsConstructName(SqlDialect d, String sql, String construct) {
        assertThat(analyze(d, sql)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.construct()).isEqualTo(construct);
            assertThat(r.reason()).isNotBlank().doesNotContain("not supported by capture.");
        });
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                // several statements; a ; inside a string, identifier or comment does not count
                each(ALL, "SELECT 1; SELECT 2", Refusals.MULTIPLE_STATEMENTS),
                each(ALL, "INSERT INTO t VALUES (';'); DELETE FROM t", Refusals.MULTIPLE_STATEMENTS),
                each(ALL, "UPDATE t SET a = 1; -- fine\n DROP TABLE t", Refusals.MULTIPLE_STATEMENTS),
                each(ALL, "SELECT 1;;", Refusals.MULTIPLE_STATEMENTS),
                // server-side code
                each(List.of(SqlDialect.SQLITE, PG, SqlDialect.MARIADB), "CALL proc(?)", Refusals.CALL),
                each(ALL, "{call proc(?, ?)}", Refusals.CALL),
                each(ALL, "{? = call func(?)}", Refusals.CALL),
                each(ALL, "EXEC proc", Refusals.CALL),
                each(ALL, "EXECUTE stmt_name", Refusals.CALL),
                each(List.of(H2, PG), "DO $$ BEGIN UPDATE t SET a = 1; END $$", Refusals.CALL),
                each(ALL, "DO 1", Refusals.CALL),
                // row order decides which rows change
                each(ALL, "UPDATE t SET a = 1 LIMIT 10", Refusals.UPDATE_LIMIT),
                each(ALL, "UPDATE t SET a = 1 WHERE b = ? ORDER BY id LIMIT 1", Refusals.UPDATE_ORDER_BY),
                each(ALL, "DELETE FROM t WHERE b = 1 LIMIT 1", Refusals.DELETE_LIMIT),
                each(ALL, "DELETE FROM t ORDER BY id", Refusals.DELETE_ORDER_BY),
                // RETURNING anywhere
                each(ALL, "INSERT INTO t (a) VALUES (?) RETURNING id", Refusals.RETURNING),
                each(ALL, "UPDATE t SET a = 1 WHERE id = 2 RETURNING *", Refusals.RETURNING),
                each(ALL, "UPDATE t SET a = 1 RETURNING a", Refusals.RETURNING),
                each(ALL, "DELETE FROM t WHERE id = 2 RETURNING id", Refusals.RETURNING),
                each(ALL, "DELETE FROM t RETURNING id", Refusals.RETURNING),
                // INSERT forms without VALUES
                // INSERT … query with an upsert clause or RETURNING
                each(ALL, "INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING", Refusals.INSERT_SELECT_UPSERT),
                each(ALL, "INSERT INTO t (a, b) SELECT x, y FROM u WHERE z = ? ON CONFLICT (a) DO UPDATE SET b = 1", Refusals.INSERT_SELECT_UPSERT),
                each(ALL, "INSERT INTO t SELECT * FROM u ON DUPLICATE KEY UPDATE a = 1", Refusals.INSERT_SELECT_UPSERT),
                each(ALL, "INSERT INTO t (a) SELECT x FROM u RETURNING a", Refusals.RETURNING),
                each(ALL, "INSERT INTO t DEFAULT VALUES", Refusals.INSERT_DEFAULT_VALUES),
                each(ALL, "INSERT INTO t SET a = 1", Refusals.INSERT_SET),
                // upserts whose plain INSERT cannot be found (capturable upserts: see upserts())
                each(ALL, "INSERT OR ABORT INTO t VALUES (1)", "INSERT OR ABORT"),
                each(ALL, "INSERT OR FAIL INTO t VALUES (1)", "INSERT OR FAIL"),
                each(ALL, "INSERT OR ROLLBACK INTO t VALUES (1)", "INSERT OR ROLLBACK"),
                each(ALL, "UPDATE OR IGNORE t SET a = 1", "UPDATE OR IGNORE"),
                each(ALL, "REPLACE t (a) VALUES (1)", Refusals.REPLACE_INTO),
                each(ALL, "INSERT LOW_PRIORITY IGNORE INTO t VALUES (1)", Refusals.INSERT_IGNORE),
                each(ALL, "INSERT INTO t VALUES (1) AS new ON DUPLICATE KEY UPDATE a = new.a", Refusals.ON_DUPLICATE_KEY),
                each(List.of(PG), "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)", Refusals.INDEX_CONCURRENTLY),
                each(List.of(PG), "DROP INDEX CONCURRENTLY i", Refusals.INDEX_CONCURRENTLY),
                each(List.of(SQLITE, MARIA), "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = u.a", Refusals.MERGE),
                each(List.of(H2, PG), "MERGE INTO t USING u ON t.id = u.id WHEN NOT MATCHED BY SOURCE THEN DELETE", Refusals.MERGE_BY_SOURCE),
                each(List.of(H2, PG), "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = 1 RETURNING *", Refusals.RETURNING),
                each(List.of(H2, PG), "MERGE INTO t USING u ON t.id = u.id WHEN NOT MATCHED THEN INSERT DEFAULT VALUES", Refusals.INSERT_DEFAULT_VALUES),
                each(ALL, "UPSERT INTO t VALUES (1)", Refusals.UPSERT),
                // bulk loading
                each(ALL, "COPY t FROM STDIN", Refusals.COPY),
                each(ALL, "LOAD DATA INFILE 'f.csv' INTO TABLE t", Refusals.LOAD_DATA),
                each(ALL, "LOAD DATA LOCAL INFILE 'f.csv' INTO TABLE t", Refusals.LOAD_DATA),
                each(ALL, "TRUNCATE t", Refusals.TRUNCATE),
                each(ALL, "TRUNCATE TABLE app.t", Refusals.TRUNCATE),
                // the ledger's own tables, any case, any schema, including DDL
                each(ALL, "INSERT INTO ledger_entries VALUES (1)", Refusals.LEDGER_TABLE),
                each(ALL, "UPDATE LEDGER_HEAD SET x = 1", Refusals.LEDGER_TABLE),
                each(ALL, "DELETE FROM app.Ledger_Entries WHERE 1 = 1", Refusals.LEDGER_TABLE),
                each(ALL, "DROP TABLE ledger_entries", Refusals.LEDGER_TABLE),
                each(ALL, "DROP TABLE IF EXISTS app.ledger_x", Refusals.LEDGER_TABLE),
                each(ALL, "ALTER TABLE ledger_entries ADD COLUMN x INT", Refusals.LEDGER_TABLE),
                each(ALL, "ALTER TABLE t RENAME TO ledger_t", Refusals.LEDGER_TABLE),
                each(ALL, "CREATE TABLE ledger_mine (id INT)", Refusals.LEDGER_TABLE),
                each(ALL, "CREATE INDEX i ON ledger_entries (x)", Refusals.LEDGER_TABLE),
                each(ALL, "CREATE INDEX ledger_idx ON t (x)", Refusals.LEDGER_TABLE),
                each(ALL, "DROP INDEX ledger_entries_idx", Refusals.LEDGER_TABLE),
                each(ALL, "CREATE VIEW ledger_v AS SELECT 1", Refusals.LEDGER_TABLE),
                each(DOUBLE_QUOTING, "INSERT INTO \"ledger_entries\" VALUES (1)", Refusals.LEDGER_TABLE),
                // aliases and multi-table forms
                each(ALL, "UPDATE accounts a b SET balance = 0", Refusals.UPDATE_ALIAS),
                each(ALL, "DELETE FROM accounts a b WHERE a.id = 1", Refusals.DELETE_ALIAS),
                each(ALL, "UPDATE t SET a = u.a FROM u WHERE t.id = u.id", Refusals.UPDATE_FROM),
                each(ALL, "DELETE FROM t USING u WHERE t.id = u.id", Refusals.DELETE_USING),
                each(ALL, "UPDATE t1, t2 SET t1.a = t2.a WHERE t1.id = t2.id", Refusals.MULTI_TABLE_UPDATE),
                each(ALL, "UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = 1", Refusals.MULTI_TABLE_UPDATE),
                each(ALL, "DELETE t FROM t JOIN u ON t.id = u.id", Refusals.MULTI_TABLE_DELETE),
                each(ALL, "DELETE a FROM t b WHERE b.id = 1", Refusals.MULTI_TABLE_DELETE),
                each(ALL, "DELETE a FROM t a, u WHERE a.id = u.id", Refusals.MULTI_TABLE_DELETE),
                each(ALL, "DELETE a FROM t WHERE id = 1", Refusals.MULTI_TABLE_DELETE),
                each(ALL, "DELETE t1, t2 FROM t1 JOIN t2 ON t1.id = t2.id", Refusals.MULTI_TABLE_DELETE),
                each(ALL, "DELETE FROM t1, t2 USING t1 JOIN t2", Refusals.MULTI_TABLE_DELETE),
                // code that writes behind capture's back
                each(ALL, "CREATE TRIGGER trg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", "CREATE TRIGGER"),
                each(ALL, "CREATE TRIGGER trg AFTER INSERT ON t BEGIN UPDATE u SET n = n + 1; END", "CREATE TRIGGER"),
                each(ALL, "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql", "CREATE FUNCTION"),
                each(ALL, "CREATE PROCEDURE p() BEGIN DELETE FROM t; END", "CREATE PROCEDURE"),
                each(ALL, "CREATE RULE r AS ON INSERT TO t DO ALSO DELETE FROM u", "CREATE RULE"),
                each(ALL, "CREATE CONSTRAINT TRIGGER trg AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", "CREATE TRIGGER"),
                // other DDL refusals
                each(ALL, "CREATE TABLE t2 AS SELECT * FROM t", Refusals.CREATE_TABLE_AS),
                each(List.of(SqlDialect.SQLITE, PG, SqlDialect.MARIADB), "CREATE TABLE t2 (a INT) AS SELECT 1", Refusals.CREATE_TABLE_AS),
                each(ALL, "DROP TABLE a, b", Refusals.SEVERAL_OBJECTS),
                each(ALL, "DROP VIEW v1, v2", Refusals.SEVERAL_OBJECTS),
                // transaction forms capture cannot follow
                each(ALL, "PREPARE TRANSACTION 'x'", Refusals.TWO_PHASE_COMMIT),
                each(ALL, "COMMIT PREPARED 'x'", Refusals.TWO_PHASE_COMMIT),
                each(ALL, "ROLLBACK PREPARED 'x'", Refusals.TWO_PHASE_COMMIT),
                // names
                each(ALL, "INSERT INTO cat.sch.t VALUES (1)", Refusals.THREE_PART_NAME),
                // unparsable and unknown
                each(ALL, "UPDATE t SET WHERE", Refusals.UNPARSABLE_WRITE),
                each(ALL, "INSERT INTO t VALUES (1, )", Refusals.UNPARSABLE_WRITE),
                each(ALL, "INSERT INTO t (a, b) VALUES (1)", Refusals.UNPARSABLE_WRITE),
                each(ALL, "INSERT INTO t VALUES (1, 2), (3)", Refusals.UNPARSABLE_WRITE),
                each(ALL, "UPDATE t SET a = 1 b = 2", Refusals.UNPARSABLE_WRITE),
                each(ALL, "DELETE FROM", Refusals.UNPARSABLE_WRITE),
                each(ALL, "CLUSTER t USING t_pkey", Refusals.UNRECOGNISED), // a statement word nothing handles
                each(ALL, "restore from backup.db", Refusals.UNRECOGNISED), // sqlite-jdbc's own command: rewrites the file
                each(ALL, "l1: LOOP INSERT INTO t VALUES (1); END LOOP l1", Refusals.MULTIPLE_STATEMENTS),
                each(ALL, "l1: BEGIN NOT ATOMIC UPDATE t SET a = 1 END", Refusals.UNRECOGNISED), // MariaDB label
                each(ALL, "l1 : REPEAT UPDATE t SET a = 1 UNTIL a END REPEAT", Refusals.UNRECOGNISED),
                each(ALL, "42", Refusals.UNRECOGNISED),
                each(ALL, "(INSERT INTO t VALUES (1))", Refusals.UNRECOGNISED),
                each(ALL, "SELECT 'unterminated", Refusals.UNTERMINATED),
                Stream.of(
                        of(PG, "UPDATE t SET a = data->>'k'", Refusals.UNPARSABLE_WRITE),
                        of(PG, "UPDATE t SET a = 1 WHERE tags ?| array['x']", Refusals.UNPARSABLE_WRITE),
                        of(PG, "INSERT INTO t VALUES ($1)", Refusals.NAMED_PARAMETER),
                        of(PG, "UPDATE ONLY t SET a = 1", Refusals.UNPARSABLE_WRITE),
                        of(PG, "SELECT 1 /* never closed", Refusals.UNTERMINATED),
                        of(PG, "SELECT $$ never closed", Refusals.UNTERMINATED),
                        of(SQLITE, "INSERT INTO t VALUES (:name)", Refusals.NAMED_PARAMETER),
                        of(SQLITE, "UPDATE t SET a = ?1", Refusals.NAMED_PARAMETER),
                        of(SQLITE, "DELETE FROM t WHERE a = @a", Refusals.NAMED_PARAMETER),
                        of(H2, "INSERT INTO t VALUES (?1, ?2)", Refusals.NAMED_PARAMETER),
                        of(H2, "CREATE ALIAS my_fn FOR \"java.lang.Math.abs\"", "CREATE ALIAS"),
                        of(MARIA, "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t", "CREATE EVENT"),
                        of(MARIA, "CREATE DEFINER=`root`@`localhost` TRIGGER trg BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1", "CREATE TRIGGER"),
                        of(MARIA, "BEGIN NOT ATOMIC UPDATE t SET a = 1; END", Refusals.MULTIPLE_STATEMENTS),
                        of(MARIA, "RENAME TABLE a TO b, c TO d", Refusals.SEVERAL_OBJECTS),
                        of(MARIA, "UPDATE IGNORE t SET a = 1", Refusals.UNPARSABLE_WRITE),
                        of(MARIA, "DELETE IGNORE FROM t", Refusals.UNPARSABLE_WRITE),
                        of(MARIA, "SELECT 'it\\'s", Refusals.UNTERMINATED))
        ).flatMap(s -> s);
    }

    /** An upsert is its own kind, by the same construct name, carrying the plain INSERT capture records it by. */
    @ParameterizedTest(name = "{0}: {1} → {2}")
    @MethodSource("upserts")
    void upsertIsAnalysedByThePlainInsertItStartsWith(SqlDialect d, String sql, String construct) {
        assertThat(analyze(d, sql)).isInstanceOfSatisfying(Analysis.Upsert.class, u -> {
            assertThat(u.construct()).isEqualTo(construct);
            assertThat(u.core().table().name()).isEqualToIgnoringCase("t");
            assertThat(u.core().rows()).hasSize(1);
        });
    }

    static Stream<Arguments> upserts() {
        return Stream.of(
                each(ALL, "INSERT INTO t (id, a) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET a = excluded.a", Refusals.ON_CONFLICT),
                each(ALL, "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING", Refusals.ON_CONFLICT),
                each(ALL, "INSERT OR REPLACE INTO t VALUES (1)", "INSERT OR REPLACE"),
                each(ALL, "insert or ignore into t values (1)", "INSERT OR IGNORE"),
                each(ALL, "REPLACE INTO t VALUES (1)", Refusals.REPLACE_INTO),
                each(ALL, "INSERT IGNORE INTO t VALUES (1)", Refusals.INSERT_IGNORE),
                each(ALL, "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = a + 1", Refusals.ON_DUPLICATE_KEY)
        ).flatMap(s -> s);
    }

    @Test
    void unparsableWriteCarriesCalcitesMessageWithPositionsOfTheOriginal() {
        // Calcite saw a normalised copy; the position must point into what the user wrote.
        Analysis a = analyze(PG, "UPDATE \"T\"\nSET   a = data->>'k'");
        assertThat(a).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.construct()).isEqualTo("unparsable write");
            assertThat(r.reason()).contains("Calcite: Encountered \"->\" at line 2, column 15");
        });
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("typos")
    void aStatementNoDatabaseCouldRunGoesToTheDatabaseForItsOwnSyntaxError(SqlDialect d, String sql) {
        assertThat(analyze(d, sql)).isInstanceOf(Analysis.Read.class);
    }

    static Stream<Arguments> typos() {
        return Stream.of(
                each(ALL, "INSRT INTO t VALUES (1)", null),
                each(ALL, "UDPATE t SET a = 1", null),
                each(ALL, "FROBNICATE t", null),
                each(ALL, "  /* a comment first */ DELTE FROM t", null)
        ).flatMap(x -> x).map(a -> Arguments.of(a.get()[0], a.get()[1]));
    }

    @Test
    void nullSqlIsRefusedNotThrown() {
        assertThat(analyze(PG, null)).isInstanceOf(Refused.class);
    }
}
