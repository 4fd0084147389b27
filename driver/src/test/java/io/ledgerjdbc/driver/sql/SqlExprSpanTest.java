package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.ExprKind;
import io.ledgerjdbc.driver.sql.Analysis.Insert;
import io.ledgerjdbc.driver.sql.Analysis.SqlExpr;
import io.ledgerjdbc.driver.sql.Analysis.Update;
import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.ledgerjdbc.driver.sql.Sql.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The text of every value is the exact source text — not Calcite's unparse, and not Calcite's positions,
 * which were measured to drop the ')' of {@code x IN (SELECT …)} and to start {@code x::text} at the '='.
 */
class SqlExprSpanTest {

    /** Each expression is put in a SET and in a WHERE, and must come back character for character. */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("expressions")
    void expressionTextIsTheExactSource(SqlDialect d, String e, int params, ExprKind kind) {
        String sql = "UPDATE t SET a = " + e + ", b = ? WHERE " + e + " IS NOT NULL";
        Analysis a = analyze(d, sql);
        assertThat(a).isInstanceOf(Update.class);
        Update u = (Update) a;
        assertThat(u.assignments().get(0).value()).isEqualTo(new SqlExpr(e, params == 0 ? 0 : 1, params, kind));
        assertThat(u.assignments().get(1).value()).isEqualTo(param(params + 1));
        assertThat(u.where()).isEqualTo(new SqlExpr(e + " IS NOT NULL", params == 0 ? 0 : params + 2, params,
                ExprKind.EXPRESSION));
        assertThat(u.paramCount()).isEqualTo(2 * params + 1);
    }

    static Stream<Arguments> expressions() {
        List<Arguments> out = new ArrayList<>();
        Object[][] everywhere = {
                {"a + b * 2", 0, ExprKind.EXPRESSION},
                {"CASE WHEN x > ? THEN 'a, b' ELSE f(1, 2) END", 1, ExprKind.EXPRESSION},
                {"x IN (SELECT y FROM z WHERE w = ?)", 1, ExprKind.EXPRESSION},
                {"f(x, ?)", 1, ExprKind.EXPRESSION},
                {"NOT (a = 1 AND b = 2)", 0, ExprKind.EXPRESSION},
                {"'it''s, a ''quote'' ?'", 0, ExprKind.LITERAL},
                {"CAST(? AS INT)", 1, ExprKind.EXPRESSION},
                {"CAST(x AS DATE)", 0, ExprKind.EXPRESSION},
                {"COALESCE(?, (SELECT max(v) FROM u WHERE k IN (1, 2, ?)))", 2, ExprKind.EXPRESSION},
                {"x BETWEEN ? AND ?", 2, ExprKind.EXPRESSION},
                {"SUBSTRING(s FROM 1 FOR 2)", 0, ExprKind.EXPRESSION},
                {"EXTRACT(YEAR FROM d)", 0, ExprKind.EXPRESSION},
                {"TRIM(BOTH ' ' FROM s)", 0, ExprKind.EXPRESSION},
                {"'WHERE, LIMIT 1 ORDER BY'", 0, ExprKind.LITERAL},
                {"a /* a comment, with ? and ) */ + 1", 0, ExprKind.EXPRESSION},
                {"a -- line comment, ?\n + 1", 0, ExprKind.EXPRESSION},
                {"(SELECT v FROM u ORDER BY v DESC LIMIT 1)", 0, ExprKind.EXPRESSION},
                {"-5", 0, ExprKind.LITERAL},
                {"- 5.25", 0, ExprKind.LITERAL},
                {"-?", 1, ExprKind.EXPRESSION},
                {"(?)", 1, ExprKind.EXPRESSION},
                {"TIMESTAMP '2024-01-01 00:00:00'", 0, ExprKind.LITERAL},
                {"NULL", 0, ExprKind.LITERAL},
                {"upper(?) || lower(?)", 2, ExprKind.EXPRESSION},
                {"date + 1", 0, ExprKind.EXPRESSION},
                {"x\n\t*\n\t2", 0, ExprKind.EXPRESSION},
        };
        for (SqlDialect d : ALL) {
            for (Object[] e : everywhere) out.add(Arguments.of(d, e[0], e[1], e[2]));
        }
        for (SqlDialect d : DOUBLE_QUOTING) {
            out.add(Arguments.of(d, "\"Weird, Name\" + 1", 0, ExprKind.EXPRESSION));
            out.add(Arguments.of(d, "lower(\"Name\") = 'x'", 0, ExprKind.EXPRESSION));
        }
        out.add(Arguments.of(MARIA, "`Weird, Name` + 1", 0, ExprKind.EXPRESSION));
        out.add(Arguments.of(MARIA, "'a\\', ?' = \"b, ?\"", 0, ExprKind.EXPRESSION));
        out.add(Arguments.of(MARIA, "IFNULL(@v, ?)", 1, ExprKind.EXPRESSION));
        out.add(Arguments.of(PG, "col::text", 0, ExprKind.EXPRESSION));
        out.add(Arguments.of(PG, "?::int + 1", 1, ExprKind.EXPRESSION));
        out.add(Arguments.of(PG, "E'\\', ?'", 0, ExprKind.LITERAL));
        out.add(Arguments.of(PG, "$q$ ', ? $q$", 0, ExprKind.LITERAL));
        out.add(Arguments.of(PG, "ARRAY[1, ?, 3]", 1, ExprKind.EXPRESSION));
        out.add(Arguments.of(PG, "x = ANY(?)", 1, ExprKind.EXPRESSION));
        out.add(Arguments.of(PG, "now() - interval '1 day'", 0, ExprKind.EXPRESSION));
        out.add(Arguments.of(H2, "$$ ', ? $$", 0, ExprKind.LITERAL));
        out.add(Arguments.of(SQLITE, "[Weird, Name] + 1", 0, ExprKind.EXPRESSION));
        return out.stream();
    }

    @Test
    void unicodeIdentifiersAndStringsSurviveExactly() {
        for (SqlDialect d : DOUBLE_QUOTING) {
            String sql = "INSERT INTO \"Größe\" (\"名前\", ünïcode, emoji) VALUES ('日本語 — ✓', ?, '😀 e\u0301')";
            assertThat(analyze(d, sql)).isEqualTo(new Insert(quotedTable("Größe"), List.of("名前", "ünïcode", "emoji"),
                    List.of(row(lit("'日本語 — ✓'"), param(1), lit("'😀 e\u0301'"))), 1));
            String update = "UPDATE städte SET 名前 = 'Zürich 😀' WHERE città = ? AND \"Straße\" <> 'ß'";
            assertThat(analyze(d, update)).isEqualTo(new Update(table("städte"),
                    List.of(set("名前", lit("'Zürich 😀'"))), expr("città = ? AND \"Straße\" <> 'ß'", 1, 1), 1));
        }
        assertThat(analyze(MARIA, "INSERT INTO `Größe` (`名前`) VALUES ('😀')")).isEqualTo(
                new Insert(quotedTable("Größe"), List.of("名前"), List.of(row(lit("'😀'"))), 1 - 1));
    }

    @Test
    void valuesSpanLinesAndKeepInnerComments() {
        String sql = "INSERT INTO t (a, b)\nVALUES (\n  ? /* first */,\n  -- second\n  'x'\n), (f(\n ?\n), 2)";
        assertThat(analyze(PG, sql)).isEqualTo(new Insert(table("t"), List.of("a", "b"), List.of(
                row(param(1), lit("'x'")),
                row(expr("f(\n ?\n)", 2, 1), lit("2"))), 2));
    }

    /**
     * Random writes built from expressions with known text and parameter counts: every value comes back with
     * its exact text, and the parameter indexes run 1..n across values in source order.
     */
    @Test
    void randomWritesKeepTextsAndParameterIndexes() {
        String[][] pool = { // text, params, kind
                {"?", "1", "PARAM"}, {"1", "0", "LITERAL"}, {"'a,b'", "0", "LITERAL"}, {"'it''s ?'", "0", "LITERAL"},
                {"x + ?", "1", "EXPRESSION"}, {"f(?, 'x', ?)", "2", "EXPRESSION"}, {"NULL", "0", "LITERAL"},
                {"CASE WHEN a = ? THEN 1 ELSE 2 END", "1", "EXPRESSION"}, {"-3", "0", "LITERAL"},
                {"(SELECT max(y) FROM u WHERE z = ?)", "1", "EXPRESSION"}, {"DATE '2024-02-03'", "0", "LITERAL"},
                {"a /* ?, */ + 1", "0", "EXPRESSION"}, {"COALESCE(?, (SELECT 1))", "1", "EXPRESSION"},
                {"CAST(? AS INT)", "1", "EXPRESSION"}, {"CURRENT_TIMESTAMP", "0", "EXPRESSION"},
        };
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            SqlDialect d = ALL.get(random.nextInt(ALL.size()));
            int width = 1 + random.nextInt(4);
            int rows = 1 + random.nextInt(3);
            StringBuilder sql = new StringBuilder("INSERT INTO t (");
            List<String> cols = new ArrayList<>();
            for (int c = 0; c < width; c++) cols.add("c" + c);
            sql.append(String.join(", ", cols)).append(") VALUES ");
            List<List<SqlExpr>> expected = new ArrayList<>();
            int next = 1;
            for (int r = 0; r < rows; r++) {
                List<String> texts = new ArrayList<>();
                List<SqlExpr> values = new ArrayList<>();
                for (int c = 0; c < width; c++) {
                    String[] e = pool[random.nextInt(pool.length)];
                    int n = Integer.parseInt(e[1]);
                    texts.add(e[0]);
                    values.add(new SqlExpr(e[0], n == 0 ? 0 : next, n, ExprKind.valueOf(e[2])));
                    next += n;
                }
                sql.append(r == 0 ? "" : ", ").append('(').append(String.join(", ", texts)).append(')');
                expected.add(values);
            }
            assertThat(analyze(d, sql.toString())).as(d + ": " + sql)
                    .isEqualTo(new Insert(table("t"), cols, expected, next - 1));
        }
    }
}
