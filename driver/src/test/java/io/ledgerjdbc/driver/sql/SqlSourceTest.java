package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.ledgerjdbc.driver.sql.Sql.*;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ?} markers are counted the way each backend's JDBC driver counts them: never inside quotes or comments. */
class SqlSourceTest {

    @ParameterizedTest(name = "{0}: {1} has {2}")
    @MethodSource("markers")
    void parameterMarkersAreCountedOutsideQuotesAndComments(SqlDialect d, String sql, int expected) {
        SqlSource s = SqlSource.lex(sql, d);
        assertThat(s.unterminated()).isFalse();
        assertThat(s.paramTotal()).isEqualTo(expected);
    }

    static Stream<Arguments> markers() {
        return Stream.of(
                each(ALL, "SELECT ?, ?, ?", 3),
                each(ALL, "SELECT '?', 'it''s ?', ?", 1),
                each(ALL, "SELECT ? -- ?\n, ? /* ? */", 2),
                each(ALL, "SELECT ?/*?*/?", 2),
                each(DOUBLE_QUOTING, "SELECT \"?\", \"a\"\"?\" FROM t WHERE x = ?", 1),
                Stream.of(
                        // PostgreSQL: pgjdbc's ?? escape; the jsonb operators ?| and ?&; dollar quotes; E'' strings
                        of(PG, "SELECT data ?? 'k' FROM t WHERE id = ?", 1),
                        of(PG, "SELECT data ?| array['a'], data ?& array['b'] FROM t WHERE id = ?", 1),
                        of(PG, "SELECT ?||'x'", 1),
                        of(PG, "SELECT $$?$$, $tag$ ? $$ ? $tag$, ?", 1),
                        of(PG, "SELECT E'\\'?', ?", 1),
                        of(PG, "SELECT '\\', ?", 1), // standard_conforming_strings: the backslash is a character
                        of(PG, "SELECT 1 /* outer /* nested ? */ still ? */, ?", 1),
                        of(PG, "SELECT a$b, ?", 1),
                        // MariaDB: backslash escapes, "…" strings, backticks, # comments, -- needs a space
                        of(MARIA, "SELECT 'a\\'?', \"b\\\"?\", `c?` FROM t WHERE x = ?", 1),
                        of(MARIA, "SELECT 1 # ?\n, ?", 1),
                        of(MARIA, "SELECT 1-- ?\n, ?", 1),
                        of(MARIA, "SELECT '\\\\', ?", 1),
                        // SQLite: backticks and [brackets] quote identifiers
                        of(SQLITE, "SELECT `?`, [?] FROM t WHERE x = ?", 1),
                        of(SQLITE, "SELECT 1 /* ? unterminated comments run to the end", 0),
                        // H2: nested comments, // comments, $$ strings
                        of(H2, "SELECT 1 /* a /* ? */ ? */, ? // ?", 1),
                        of(H2, "SELECT $$ ? $$, ?", 1))
        ).flatMap(x -> x);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("unterminated")
    void unclosedQuoteOrCommentIsNoticed(SqlDialect d, String sql) {
        assertThat(SqlSource.lex(sql, d).unterminated()).isTrue();
    }

    static Stream<Arguments> unterminated() {
        return Stream.of(
                each(ALL, "SELECT 'abc", null),
                each(DOUBLE_QUOTING, "SELECT \"abc", null),
                Stream.of(of(PG, "SELECT /* abc", null), of(PG, "SELECT $x$ abc", null), of(PG, "SELECT E'\\'", null),
                        of(MARIA, "SELECT 'a\\'", null), of(MARIA, "SELECT `a", null), of(MARIA, "SELECT 1 /*! 2", null),
                        of(SQLITE, "SELECT [a", null), of(H2, "SELECT /* /* */", null))
        ).flatMap(x -> x).map(a -> Arguments.of(a.get()[0], a.get()[1]));
    }

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @MethodSource("names")
    void quotedNamesLoseTheirQuotesOnly(SqlDialect d, String token, String name) {
        SqlSource s = SqlSource.lex(token, d);
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.name(0)).isEqualTo(name);
    }

    static Stream<Arguments> names() {
        return Stream.of(
                of(PG, "\"a\"\"b\"", "a\"b"), of(PG, "U&\"x\"", "x"), of(H2, "\"Mixed Case\"", "Mixed Case"),
                of(MARIA, "`a``b`", "a`b"), of(SQLITE, "[a b]", "a b"), of(SQLITE, "`x`", "x"), of(PG, "plain", "plain"));
    }
}
