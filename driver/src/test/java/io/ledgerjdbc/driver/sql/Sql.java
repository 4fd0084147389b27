package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.Assignment;
import io.ledgerjdbc.driver.sql.Analysis.ExprKind;
import io.ledgerjdbc.driver.sql.Analysis.SqlExpr;
import io.ledgerjdbc.driver.sql.Analysis.TableRef;
import io.ledgerjdbc.ledger.store.SqlDialect;
import org.junit.jupiter.params.provider.Arguments;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Short builders for expected analyses, shared by the analyzer tests. */
final class Sql {

    private Sql() {
    }

    static final SqlDialect SQLITE = SqlDialect.SQLITE;
    static final SqlDialect H2 = SqlDialect.H2;
    static final SqlDialect PG = SqlDialect.POSTGRESQL;
    static final SqlDialect MARIA = SqlDialect.MARIADB;
    static final List<SqlDialect> ALL = List.of(SqlDialect.values());
    /** The three that quote identifiers with "…". */
    static final List<SqlDialect> DOUBLE_QUOTING = List.of(SQLITE, H2, PG);

    private static final Map<SqlDialect, SqlAnalyzer> ANALYZERS = new EnumMap<>(SqlDialect.class);

    /** One analyzer per dialect for the whole test run, as the driver would keep it. */
    static synchronized SqlAnalyzer analyzer(SqlDialect d) {
        return ANALYZERS.computeIfAbsent(d, SqlAnalyzer::new);
    }

    static Analysis analyze(SqlDialect d, String sql) {
        return analyzer(d).analyze(sql);
    }

    static TableRef table(String name) {
        return new TableRef(null, name, false);
    }

    static TableRef table(String schema, String name) {
        return new TableRef(schema, name, false);
    }

    static TableRef quotedTable(String name) {
        return new TableRef(null, name, true);
    }

    static SqlExpr param(int index) {
        return new SqlExpr("?", index, 1, ExprKind.PARAM);
    }

    static SqlExpr lit(String text) {
        return new SqlExpr(text, 0, 0, ExprKind.LITERAL);
    }

    static SqlExpr expr(String text) {
        return new SqlExpr(text, 0, 0, ExprKind.EXPRESSION);
    }

    static SqlExpr expr(String text, int firstParam, int paramCount) {
        return new SqlExpr(text, firstParam, paramCount, ExprKind.EXPRESSION);
    }

    static Assignment set(String column, SqlExpr value) {
        return new Assignment(column, false, value);
    }

    static Assignment setQuoted(String column, SqlExpr value) {
        return new Assignment(column, true, value);
    }

    static List<SqlExpr> row(SqlExpr... values) {
        return List.of(values);
    }

    static Analysis.Read read() {
        return new Analysis.Read();
    }

    static Arguments of(SqlDialect d, String sql, Object expected) {
        return Arguments.of(d, sql, expected);
    }

    /** The same case for each dialect given. */
    static Stream<Arguments> each(List<SqlDialect> dialects, String sql, Object expected) {
        return dialects.stream().map(d -> Arguments.of(d, sql, expected));
    }
}
