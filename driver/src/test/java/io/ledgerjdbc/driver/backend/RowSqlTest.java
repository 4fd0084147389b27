package io.ledgerjdbc.driver.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerjdbc.driver.schema.Values;
import io.ledgerjdbc.ledger.entry.Row;
import io.ledgerjdbc.ledger.entry.Value;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every statement {@link RowSql} builds, run on each real database: a table of cases, each a statement, its
 * bound row(s), the update count it must report and the table's rows after it. Keys with NULLs (a key-less
 * table's whole-row "key") follow the one NULL rule: IS NULL, nothing bound.
 */
class RowSqlTest {

    private static final Value NULL = Value.NULL;

    /** One statement: SQL from RowSql, the rows bound in order, the expected count and the table afterwards. */
    record Case(String name, String table, BiFunction<RowSql, String, String> sql, List<Row> binds, boolean bindKeys,
                int count, List<String> after) {
    }

    private static Row keyed(long id, String k) {
        return Row.of("id", Value.of(id), "k", Value.of(k));
    }

    private static Row pair(String a, Value b) {
        return Row.of("a", Value.of(a), "b", b);
    }

    private static final List<Case> CASES = List.of(
            new Case("insert a keyed row", "keyed", (r, t) -> r.insert(t, Row.of("id", Value.of(1), "k", Value.of("a"), "v", Value.of("x"), "n", NULL)),
                    List.of(Row.of("id", Value.of(1), "k", Value.of("a"), "v", Value.of("x"), "n", NULL)), false, 1,
                    List.of("1|a|x|null")),
            new Case("insert a second", "keyed", (r, t) -> r.insert(t, Row.of("id", Value.of(2), "k", Value.of("b"), "v", NULL, "n", Value.of(5))),
                    List.of(Row.of("id", Value.of(2), "k", Value.of("b"), "v", NULL, "n", Value.of(5))), false, 1,
                    List.of("1|a|x|null", "2|b|null|5")),
            new Case("update by composite key", "keyed", (r, t) -> r.update(t, Row.of("v", Value.of("y"), "n", Value.of(7)), keyed(1, "a")),
                    List.of(Row.of("v", Value.of("y"), "n", Value.of(7)), keyed(1, "a")), true, 1,
                    List.of("1|a|y|7", "2|b|null|5")),
            new Case("update of an absent key changes nothing", "keyed", (r, t) -> r.update(t, Row.of("v", Value.of("z")), keyed(1, "b")),
                    List.of(Row.of("v", Value.of("z")), keyed(1, "b")), true, 0,
                    List.of("1|a|y|7", "2|b|null|5")),
            new Case("delete by composite key", "keyed", (r, t) -> r.delete(t, keyed(2, "b")),
                    List.of(keyed(2, "b")), true, 1,
                    List.of("1|a|y|7")),
            new Case("insert a row with a NULL", "pairs", (r, t) -> r.insert(t, pair("p", NULL)),
                    List.of(pair("p", NULL)), false, 1, List.of("p|null")),
            new Case("insert an equal row", "pairs", (r, t) -> r.insert(t, pair("p", NULL)),
                    List.of(pair("p", NULL)), false, 1, List.of("p|null", "p|null")),
            new Case("insert another", "pairs", (r, t) -> r.insert(t, pair("q", Value.of(1))),
                    List.of(pair("q", Value.of(1))), false, 1, List.of("p|null", "p|null", "q|1")),
            new Case("update one of two equal rows, matching NULL by IS NULL", "pairs",
                    (r, t) -> r.updateOneRow(t, pair("p", Value.of(2)), pair("p", NULL)),
                    List.of(pair("p", Value.of(2)), pair("p", NULL)), true, 1, List.of("p|2", "p|null", "q|1")),
            new Case("delete one of the rows with a NULL", "pairs", (r, t) -> r.deleteOneRow(t, pair("p", NULL)),
                    List.of(pair("p", NULL)), true, 1, List.of("p|2", "q|1")),
            new Case("a NULL key matches no non-NULL row", "pairs", (r, t) -> r.delete(t, pair("q", NULL)),
                    List.of(pair("q", NULL)), true, 0, List.of("p|2", "q|1")),
            new Case("delete by whole-row key", "pairs", (r, t) -> r.delete(t, pair("q", Value.of(1))),
                    List.of(pair("q", Value.of(1))), true, 1, List.of("p|2")));

    @ParameterizedTest
    @EnumSource(value = io.ledgerjdbc.ledger.store.Backend.class, names = {"SQLITE", "H2_MEM", "POSTGRESQL", "MARIADB"})
    void everyStatementChangesExactlyTheRowsItNamesOnEachDatabase(io.ledgerjdbc.ledger.store.Backend db) throws Exception {
        try (io.ledgerjdbc.ledger.store.Backend.Db d = db.open(); Connection c = d.connect()) {
            SqlDialect dialect = SqlDialect.of(c);
            RowSql rows = RowSql.of(dialect);
            try (Statement s = c.createStatement()) {
                s.execute(quoted(dialect, "CREATE TABLE 'keyed' ('id' INT NOT NULL, 'k' VARCHAR(10) NOT NULL, 'v' VARCHAR(10), 'n' INT, PRIMARY KEY ('id', 'k'))"));
                s.execute(quoted(dialect, "CREATE TABLE 'pairs' ('a' VARCHAR(10), 'b' INT)"));
            }
            for (Case x : CASES) {
                String table = rows.table(null, x.table());
                try (PreparedStatement ps = c.prepareStatement(x.sql().apply(rows, table))) {
                    int at = 1;
                    for (int i = 0; i < x.binds().size(); i++) {
                        boolean key = x.bindKeys() && i == x.binds().size() - 1;
                        at = key ? rows.bindKey(ps, at, x.binds().get(i), binder(dialect))
                                : rows.bindAll(ps, at, x.binds().get(i), binder(dialect));
                    }
                    assertThat(ps.executeUpdate()).as(x.name()).isEqualTo(x.count());
                }
                assertThat(contents(c, table)).as(x.name()).isEqualTo(x.after());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = io.ledgerjdbc.ledger.store.Backend.class, names = {"SQLITE", "H2_MEM", "POSTGRESQL", "MARIADB"})
    void readsByKeyFindExactlyTheRowsOfTheKeysOnEachDatabase(io.ledgerjdbc.ledger.store.Backend db) throws Exception {
        try (io.ledgerjdbc.ledger.store.Backend.Db d = db.open(); Connection c = d.connect()) {
            SqlDialect dialect = SqlDialect.of(c);
            RowSql rows = RowSql.of(dialect);
            try (Statement s = c.createStatement()) {
                s.execute(quoted(dialect, "CREATE TABLE 'keyed' ('id' INT NOT NULL, 'k' VARCHAR(10) NOT NULL, 'v' VARCHAR(10), PRIMARY KEY ('id', 'k'))"));
                s.execute(quoted(dialect, "CREATE TABLE 'pairs' ('a' VARCHAR(10), 'b' INT)"));
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + rows.table(null, "keyed") + " VALUES (1, 'a', 'x'), (2, 'b', NULL), (3, 'c', 'z')");
                s.execute("INSERT INTO " + rows.table(null, "pairs") + " VALUES ('p', NULL), ('q', 1)");
            }
            c.setAutoCommit(false); // the locking forms need a transaction to lock in
            String keyed = rows.table(null, "keyed");
            List<String> keyColumns = List.of("id", "k");
            try (PreparedStatement ps = c.prepareStatement(rows.selectByKeys(keyed, "*", keyColumns, List.of("int4", "varchar"), 3))) {
                int at = 1;
                for (Row key : List.of(keyed(1, "a"), keyed(3, "c"), keyed(3, "a"))) {
                    at = rows.bindKey(ps, at, key, binder(dialect));
                }
                assertThat(results(ps)).containsExactlyInAnyOrder("1|a|x", "3|c|z");
            }
            List<String> columns = List.of("id", "v");
            try (PreparedStatement ps = c.prepareStatement(rows.selectForUpdate(keyed, columns, keyed(2, "b")))) {
                rows.bindKey(ps, 1, keyed(2, "b"), binder(dialect));
                assertThat(results(ps)).containsExactly("2|null");
            }
            String pairs = rows.table(null, "pairs");
            List<String> pairColumns = List.of("a", "b");
            try (PreparedStatement ps = c.prepareStatement(rows.selectForUpdate(pairs, pairColumns, pair("p", NULL)))) {
                assertThat(rows.bindKey(ps, 1, pair("p", NULL), binder(dialect))).as("NULL binds nothing").isEqualTo(2);
                assertThat(results(ps)).containsExactly("p|null");
            }
            c.rollback();
        }
    }

    /** DDL with every 'name' quoted as an exact (lower-case) identifier of the database. */
    private static String quoted(SqlDialect dialect, String ddl) {
        return java.util.regex.Pattern.compile("'([a-z]+)'").matcher(ddl)
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(Backend.of(dialect).quote(m.group(1))));
    }

    /** Binds as replay does: by the value alone. */
    private static RowSql.Binder binder(SqlDialect dialect) {
        return (ps, index, v, column) -> Values.bind(ps, index, v, null, dialect);
    }

    private static List<String> contents(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            return results(s.executeQuery("SELECT * FROM " + table));
        }
    }

    private static List<String> results(PreparedStatement ps) throws SQLException {
        return results(ps.executeQuery());
    }

    private static List<String> results(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) b.append(i == 1 ? "" : "|").append(rs.getString(i));
                out.add(b.toString());
            }
        }
        out.sort(null);
        return out;
    }
}
