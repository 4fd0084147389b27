package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.Delete;
import io.ledgerjdbc.driver.sql.Analysis.Insert;
import io.ledgerjdbc.driver.sql.Analysis.InsertSelect;
import io.ledgerjdbc.driver.sql.Analysis.Merge;
import io.ledgerjdbc.driver.sql.Analysis.MergeAction;
import io.ledgerjdbc.driver.sql.Analysis.MergeClause;
import io.ledgerjdbc.driver.sql.Analysis.Update;
import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.ledgerjdbc.driver.sql.Sql.*;
import static org.assertj.core.api.Assertions.assertThat;

/** INSERT / UPDATE / DELETE per dialect → the exact expected analysis (records compared with equals). */
class SqlAnalyzerWritesTest {

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource({"inserts", "updates", "deletes", "insertQueries", "merges"})
    void writeIsAnalysedIntoTableValuesAndParameters(SqlDialect d, String sql, Analysis expected) {
        assertThat(analyze(d, sql)).isEqualTo(expected);
    }

    static Stream<Arguments> inserts() {
        return Stream.of(
                each(ALL, "INSERT INTO users (id, name) VALUES (?, ?)",
                        new Insert(table("users"), List.of("id", "name"), List.of(row(param(1), param(2))), 2)),
                each(ALL, "insert into users values (1, 'a')",
                        new Insert(table("users"), List.of(), List.of(row(lit("1"), lit("'a'"))), 0)),
                each(ALL, "INSERT INTO t (a, b, c) VALUES (?, 'x', ?), (3, ?, NULL), (?, -5, DEFAULT)",
                        new Insert(table("t"), List.of("a", "b", "c"), List.of(
                                row(param(1), lit("'x'"), param(2)),
                                row(lit("3"), param(3), lit("NULL")),
                                row(param(4), lit("-5"), expr("DEFAULT"))), 4)),
                each(ALL, "INSERT INTO app.accounts (id, balance) VALUES (?, 0)",
                        new Insert(table("app", "accounts"), List.of("id", "balance"), List.of(row(param(1), lit("0"))), 1)),
                each(ALL, "INSERT INTO t VALUES (DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00', TRUE, FALSE, 1.5e3, .5, + 7)",
                        new Insert(table("t"), List.of(), List.of(row(lit("DATE '2024-01-01'"),
                                lit("TIMESTAMP '2024-01-01 10:00:00'"), lit("TRUE"), lit("FALSE"), lit("1.5e3"), lit(".5"),
                                lit("+ 7"))), 0)),
                each(ALL, "INSERT INTO t (a, b, c, d) VALUES (CURRENT_TIMESTAMP, lower(?), (?), ? + 1)",
                        new Insert(table("t"), List.of("a", "b", "c", "d"), List.of(row(expr("CURRENT_TIMESTAMP"),
                                expr("lower(?)", 1, 1), expr("(?)", 2, 1), expr("? + 1", 3, 1))), 3)),
                each(ALL, "INSERT INTO t (a) VALUES ((SELECT max(id) FROM u WHERE k = ?))",
                        new Insert(table("t"), List.of("a"), List.of(row(expr("(SELECT max(id) FROM u WHERE k = ?)", 1, 1))), 1)),
                // quoted identifiers, per dialect
                each(DOUBLE_QUOTING, "INSERT INTO \"Mixed Case\" (\"Id\", \"first name\", plain) VALUES (?, ?, ?)",
                        new Insert(quotedTable("Mixed Case"), List.of("Id", "first name", "plain"),
                                List.of(row(param(1), param(2), param(3))), 3)),
                each(DOUBLE_QUOTING, "INSERT INTO \"My Schema\".\"Order\" VALUES (1)",
                        new Insert(new Analysis.TableRef("My Schema", "Order", true), List.of(), List.of(row(lit("1"))), 0)),
                each(DOUBLE_QUOTING, "INSERT INTO \"we\"\"ird\" VALUES (1)",
                        new Insert(quotedTable("we\"ird"), List.of(), List.of(row(lit("1"))), 0)),
                Stream.of(
                        of(MARIA, "INSERT INTO `order` (`Mixed Case`, `select`) VALUES (?, ?)",
                                new Insert(quotedTable("order"), List.of("Mixed Case", "select"), List.of(row(param(1), param(2))), 2)),
                        of(MARIA, "INSERT INTO shop.`order` VALUES (1)",
                                new Insert(new Analysis.TableRef("shop", "order", true), List.of(), List.of(row(lit("1"))), 0)),
                        // MariaDB: "…" is a string, backslash escapes, INSERT without INTO, VALUE, user variables
                        of(MARIA, "INSERT INTO t VALUES (\"it's\", 'a\\'b?', ?)",
                                new Insert(table("t"), List.of(), List.of(row(lit("\"it's\""), lit("'a\\'b?'"), param(1))), 1)),
                        of(MARIA, "INSERT t VALUE (1, @v)",
                                new Insert(table("t"), List.of(), List.of(row(lit("1"), expr("@v"))), 0)),
                        of(MARIA, "INSERT INTO t VALUES (0x1F, b'101', X'AB')",
                                new Insert(table("t"), List.of(), List.of(row(lit("0x1F"), lit("b'101'"), lit("X'AB'"))), 0)),
                        // SQLite accepts backticks and brackets too
                        of(SQLITE, "INSERT INTO `order` ([Mixed Case], \"x\") VALUES (?, ?)",
                                new Insert(quotedTable("order"), List.of("Mixed Case", "x"), List.of(row(param(1), param(2))), 2)),
                        of(SQLITE, "INSERT INTO t VALUES (X'00ff', datetime('now'))",
                                new Insert(table("t"), List.of(), List.of(row(lit("X'00ff'"), expr("datetime('now')"))), 0)),
                        // PostgreSQL string forms
                        of(PG, "INSERT INTO t VALUES (E'a\\'b ?', $$it's ?$$, $tag$x$tag$, ?::jsonb, '2024-01-01'::date)",
                                new Insert(table("t"), List.of(), List.of(row(lit("E'a\\'b ?'"), lit("$$it's ?$$"),
                                        lit("$tag$x$tag$"), expr("?::jsonb", 1, 1), expr("'2024-01-01'::date"))), 1)),
                        of(PG, "INSERT INTO t (a) VALUES (ARRAY[1, 2, ?])",
                                new Insert(table("t"), List.of("a"), List.of(row(expr("ARRAY[1, 2, ?]", 1, 1))), 1)),
                        of(H2, "INSERT INTO t VALUES (NEXT VALUE FOR seq, RANDOM_UUID())",
                                new Insert(table("t"), List.of(), List.of(row(expr("NEXT VALUE FOR seq"), expr("RANDOM_UUID()"))), 0)),
                        of(H2, "INSERT INTO t VALUES ($$dollar ?$$)",
                                new Insert(table("t"), List.of(), List.of(row(lit("$$dollar ?$$"))), 0))),
                // names Calcite reserves but the backends do not
                each(ALL, "INSERT INTO events (date, time, timestamp, value, year, uuid) VALUES (?, ?, ?, ?, ?, ?)",
                        new Insert(table("events"), List.of("date", "time", "timestamp", "value", "year", "uuid"),
                                List.of(row(param(1), param(2), param(3), param(4), param(5), param(6))), 6)),
                // trailing semicolon and comments around the statement
                each(ALL, "/* lead */ INSERT INTO t (a) VALUES (?) ; -- trailing",
                        new Insert(table("t"), List.of("a"), List.of(row(param(1))), 1))
        ).flatMap(s -> s);
    }

    static Stream<Arguments> updates() {
        return Stream.of(
                // Hibernate's bulk JPQL: the table's alias is kept for capture's own queries
                each(ALL, "update Book b1_0 set price=(b1_0.price+1) where b1_0.price<?",
                        new Update(table("Book"), List.of(set("price", expr("(b1_0.price+1)"))), expr("b1_0.price<?", 1, 1), 1, "b1_0")),
                each(ALL, "UPDATE accounts AS a SET balance = 0",
                        new Update(table("accounts"), List.of(set("balance", lit("0"))), null, 0, "a")),
                each(ALL, "UPDATE accounts SET balance = balance + 1 WHERE id = ?",
                        new Update(table("accounts"), List.of(set("balance", expr("balance + 1"))), expr("id = ?", 1, 1), 1)),
                each(ALL, "UPDATE t SET a = ?, b = ?",
                        new Update(table("t"), List.of(set("a", param(1)), set("b", param(2))), null, 2)),
                each(ALL, "UPDATE t SET a = CASE WHEN b > ? THEN 'x' ELSE c END, d = 'it''s' WHERE e = ? AND f = ?",
                        new Update(table("t"), List.of(
                                set("a", expr("CASE WHEN b > ? THEN 'x' ELSE c END", 1, 1)),
                                set("d", lit("'it''s'"))), expr("e = ? AND f = ?", 2, 2), 3)),
                each(ALL, "UPDATE t SET a = 1 WHERE id IN (SELECT t_id FROM u WHERE u.x = ?) AND y = ?",
                        new Update(table("t"), List.of(set("a", lit("1"))),
                                expr("id IN (SELECT t_id FROM u WHERE u.x = ?) AND y = ?", 1, 2), 2)),
                each(ALL, "UPDATE t SET a = DEFAULT, b = CURRENT_TIMESTAMP, c = NULL WHERE d IS NOT NULL",
                        new Update(table("t"), List.of(set("a", expr("DEFAULT")), set("b", expr("CURRENT_TIMESTAMP")),
                                set("c", lit("NULL"))), expr("d IS NOT NULL"), 0)),
                each(ALL, "UPDATE s.t SET x = -1 WHERE y BETWEEN ? AND ? OR z IS DISTINCT FROM ?",
                        new Update(table("s", "t"), List.of(set("x", lit("-1"))),
                                expr("y BETWEEN ? AND ? OR z IS DISTINCT FROM ?", 1, 3), 3)),
                each(ALL, "UPDATE t SET date = ?, time = ? WHERE timestamp < ? AND t.date > DATE '2020-01-01'",
                        new Update(table("t"), List.of(set("date", param(1)), set("time", param(2))),
                                expr("timestamp < ? AND t.date > DATE '2020-01-01'", 3, 1), 3)),
                each(DOUBLE_QUOTING, "UPDATE \"Users\" SET \"Name\" = ?, plain = 1 WHERE \"Id\" = ?",
                        new Update(quotedTable("Users"), List.of(setQuoted("Name", param(1)), set("plain", lit("1"))),
                                expr("\"Id\" = ?", 2, 1), 2)),
                Stream.of(
                        of(MARIA, "UPDATE `order` SET `status` = ? WHERE `id` = ?",
                                new Update(quotedTable("order"), List.of(setQuoted("status", param(1))), expr("`id` = ?", 2, 1), 2)),
                        of(MARIA, "UPDATE t SET a = CONCAT(a, ?), b = DATE_ADD(b, INTERVAL 1 DAY) WHERE c = 'x\\'?'",
                                new Update(table("t"), List.of(set("a", expr("CONCAT(a, ?)", 1, 1)),
                                        set("b", expr("DATE_ADD(b, INTERVAL 1 DAY)"))), expr("c = 'x\\'?'"), 1)),
                        of(PG, "UPDATE t SET a = b::text, c = now() - interval '1 day', d = ? || 'x' WHERE e = ANY(?)",
                                new Update(table("t"), List.of(set("a", expr("b::text")),
                                        set("c", expr("now() - interval '1 day'")), set("d", expr("? || 'x'", 1, 1))),
                                        expr("e = ANY(?)", 2, 1), 2)),
                        of(PG, "UPDATE t SET a = INTERVAL '1' DAY",
                                new Update(table("t"), List.of(set("a", lit("INTERVAL '1' DAY"))), null, 0)))
        ).flatMap(s -> s);
    }

    static Stream<Arguments> insertQueries() {
        return Stream.of(
                each(ALL, "INSERT INTO archive (id, v) SELECT id, v * 2 FROM src WHERE v > ?",
                        new InsertSelect(table("archive"), List.of("id", "v"), expr("SELECT id, v * 2 FROM src WHERE v > ?", 1, 1), 1)),
                each(ALL, "INSERT INTO t SELECT * FROM a UNION SELECT * FROM b;",
                        new InsertSelect(table("t"), List.of(), expr("SELECT * FROM a UNION SELECT * FROM b"), 0)),
                each(ALL, "INSERT INTO t (a) (SELECT x FROM u ORDER BY x LIMIT 3)",
                        new InsertSelect(table("t"), List.of("a"), expr("(SELECT x FROM u ORDER BY x LIMIT 3)"), 0)),
                each(ALL, "INSERT INTO t WITH q AS (SELECT ? AS x) SELECT x FROM q",
                        new InsertSelect(table("t"), List.of(), expr("WITH q AS (SELECT ? AS x) SELECT x FROM q", 1, 1), 1))
        ).flatMap(s -> s);
    }

    static Stream<Arguments> merges() {
        String full = "MERGE INTO kv AS t USING (SELECT k, v, del FROM src WHERE k > ?) AS s ON t.k = s.k "
                + "WHEN MATCHED AND s.del THEN DELETE "
                + "WHEN MATCHED THEN UPDATE SET v = CASE WHEN s.v IS NULL THEN t.v ELSE s.v END, note = ? "
                + "WHEN NOT MATCHED AND s.v > 0 THEN INSERT (k, v) VALUES (s.k, s.v) "
                + "WHEN NOT MATCHED THEN DO NOTHING";
        return Stream.of(
                each(List.of(H2, PG), full, new Merge(table("kv"), "kv", "t", expr("(SELECT k, v, del FROM src WHERE k > ?)", 1, 1), "s",
                        expr("t.k = s.k"), List.of(
                        new MergeClause(true, expr("s.del"), MergeAction.DELETE, List.of(), List.of(), List.of()),
                        new MergeClause(true, null, MergeAction.UPDATE, List.of(
                                set("v", expr("CASE WHEN s.v IS NULL THEN t.v ELSE s.v END")), set("note", param(2))), List.of(), List.of()),
                        new MergeClause(false, expr("s.v > 0"), MergeAction.INSERT, List.of(), List.of("k", "v"),
                                List.of(expr("s.k"), expr("s.v"))),
                        new MergeClause(false, null, MergeAction.NOTHING, List.of(), List.of(), List.of())), 2)),
                each(List.of(H2, PG), "MERGE INTO kv USING src ON kv.k = src.k WHEN MATCHED THEN UPDATE SET v = src.v",
                        new Merge(table("kv"), "kv", null, expr("src"), null, expr("kv.k = src.k"), List.of(
                                new MergeClause(true, null, MergeAction.UPDATE, List.of(set("v", expr("src.v"))), List.of(), List.of())), 0))
        ).flatMap(s -> s);
    }

    static Stream<Arguments> deletes() {
        return Stream.of(
                each(ALL, "DELETE FROM t WHERE id = ?",
                        new Delete(table("t"), expr("id = ?", 1, 1), 1)),
                each(ALL, "DELETE FROM t",
                        new Delete(table("t"), null, 0)),
                each(ALL, "delete from Book b1_0 where b1_0.title like ?",
                        new Delete(table("Book"), expr("b1_0.title like ?", 1, 1), 1, "b1_0")),
                each(ALL, "DELETE FROM accounts AS a",
                        new Delete(table("accounts"), null, 0, "a")),
                each(ALL, "DELETE FROM app.t WHERE id IN (SELECT id FROM u WHERE x = ? AND y = ?)",
                        new Delete(table("app", "t"), expr("id IN (SELECT id FROM u WHERE x = ? AND y = ?)", 1, 2), 2)),
                each(ALL, "DELETE FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.t = t.id) AND a LIKE ?",
                        new Delete(table("t"), expr("NOT EXISTS (SELECT 1 FROM u WHERE u.t = t.id) AND a LIKE ?", 1, 1), 1)),
                each(DOUBLE_QUOTING, "DELETE FROM \"Audit Log\" WHERE \"at\" < ?",
                        new Delete(quotedTable("Audit Log"), expr("\"at\" < ?", 1, 1), 1)),
                Stream.of(of(MARIA, "DELETE FROM `Audit Log` WHERE `at` < ?",
                        new Delete(quotedTable("Audit Log"), expr("`at` < ?", 1, 1), 1)),
                        // MariaDB's only way to alias the table of a one-table DELETE (Hibernate's bulk delete)
                        of(MARIA, "delete to_delete_ from Book_Tag to_delete_ where to_delete_.Book_id in "
                                        + "(select * from (select b1_0.id from Book b1_0 where b1_0.title like ?) _sub_)",
                                new Delete(table("Book_Tag"), expr("to_delete_.Book_id in (select * from (select b1_0.id from "
                                        + "Book b1_0 where b1_0.title like ?) _sub_)", 1, 1), 1, "to_delete_")),
                        of(MARIA, "DELETE t FROM t WHERE id = ?", new Delete(table("t"), expr("id = ?", 1, 1), 1)))
        ).flatMap(s -> s);
    }
}
