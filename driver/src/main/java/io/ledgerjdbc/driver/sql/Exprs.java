package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.ExprKind;
import io.ledgerjdbc.driver.sql.Analysis.SqlExpr;

/**
 * Builds an {@link SqlExpr} from a token range: the exact source text (comments and spacing inside it kept,
 * none around it), its {@code ?} markers, and its kind. The kind is decided on the tokens rather than on
 * Calcite's tree because the tokens are the dialect's own (an E'…' or $$…$$ string is a literal there even
 * though Calcite was handed a rewritten one).
 */
final class Exprs {

    private Exprs() {
    }

    static SqlExpr of(SqlSource s, int from, int to) {
        int first = 0;
        int count = 0;
        for (int i = from; i <= to; i++) {
            if (s.type(i) == SqlSource.PARAM) {
                if (count++ == 0) first = s.paramIndex(i);
            }
        }
        return new SqlExpr(s.text(from, to), first, count, kind(s, from, to));
    }

    /**
     * PARAM: exactly one {@code ?}. LITERAL: a number, a string (any form), TRUE/FALSE/NULL, a signed number,
     * or a typed literal ({@code DATE '…'}, {@code TIMESTAMP '…'}, {@code INTERVAL '1' DAY}). Anything else,
     * including DEFAULT, CURRENT_TIMESTAMP, a parenthesised {@code (?)} and a cast, is an EXPRESSION.
     */
    static ExprKind kind(SqlSource s, int from, int to) {
        int n = to - from + 1;
        int t0 = s.type(from);
        if (n == 1) {
            if (t0 == SqlSource.PARAM) return ExprKind.PARAM;
            if (t0 == SqlSource.NUMBER || t0 == SqlSource.STRING) return ExprKind.LITERAL;
            if (s.is(from, "TRUE") || s.is(from, "FALSE") || s.is(from, "NULL")) return ExprKind.LITERAL;
            return ExprKind.EXPRESSION;
        }
        if (n == 2 && (s.isOp(from, "-") || s.isOp(from, "+")) && s.type(to) == SqlSource.NUMBER) {
            return ExprKind.LITERAL;
        }
        if (SqlKeywords.in(s, from, SqlKeywords.TYPED_LITERAL_PREFIXES) && s.type(from + 1) == SqlSource.STRING) {
            for (int i = from + 2; i <= to; i++) { // INTERVAL '1' DAY, INTERVAL '1-2' YEAR TO MONTH
                if (!SqlKeywords.in(s, i, SqlKeywords.INTERVAL_UNITS) || !s.is(from, "INTERVAL")) return ExprKind.EXPRESSION;
            }
            return ExprKind.LITERAL;
        }
        return ExprKind.EXPRESSION;
    }
}
