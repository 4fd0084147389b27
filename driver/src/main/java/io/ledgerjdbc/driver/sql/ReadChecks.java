package io.ledgerjdbc.driver.sql;

import java.util.function.Function;

/**
 * The few ways a statement that starts like a read can still change data, found by a scan over the tokens
 * (so quotes and comments cannot fool it) instead of a parse: reads are the hot path and are never given
 * to Calcite.
 *
 * <p>Known blind spot, by design: a user-defined function called from a SELECT can write anything; only
 * the sequence functions below are recognised.
 */
final class ReadChecks {

    private ReadChecks() {
    }

    /** SELECT / WITH / VALUES / TABLE: null when it is a plain read, else the refusal. */
    static Analysis query(SqlSource s, int first) {
        if (s.is(first, "WITH")) {
            Analysis modifying = dataModifyingWith(s, first);
            if (modifying != null) return modifying;
        }
        for (int i = first; i < s.size(); i++) {
            // MariaDB SELECT … INTO @var / OUTFILE, PostgreSQL SELECT … INTO new_table. INTO is reserved
            // everywhere, so a bare INTO word can only be that clause here.
            if (s.is(i, "INTO")) return Refusals.of(Refusals.SELECT_INTO);
            // H2: SELECT … FROM FINAL TABLE (INSERT …) runs the data change inside the query.
            if ((s.is(i, "FINAL") || s.is(i, "NEW") || s.is(i, "OLD")) && s.is(i + 1, "TABLE") && s.isOp(i + 2, "(")) {
                return Refusals.of(Refusals.DELTA_TABLE);
            }
        }
        // Last, so that a query refused for taking sequence values does nothing else (see SequenceReads).
        return sequenceUse(s);
    }

    /** nextval(…), setval(…) (also schema-qualified) and NEXT VALUE FOR advance or set a sequence. */
    static Analysis sequenceUse(SqlSource s) {
        Analysis taking = null;
        for (int i = 0; i < s.size(); i++) {
            if (s.type(i) != SqlSource.WORD) continue;
            // setval sets state rather than taking a value: it wins over any nextval in the same statement
            if (s.is(i, "SETVAL") && s.isOp(i + 1, "(")) return Refusals.of(Refusals.SETVAL);
            if (taking == null && s.is(i, "NEXTVAL") && s.isOp(i + 1, "(")) taking = Refusals.of(Refusals.NEXTVAL);
            if (taking == null && s.is(i, "NEXT") && s.is(i + 1, "VALUE") && s.is(i + 2, "FOR")) {
                taking = Refusals.of(Refusals.NEXT_VALUE_FOR);
            }
        }
        return taking;
    }

    /**
     * {@code WITH x AS (INSERT|UPDATE|DELETE …) …}, or a WITH whose main statement writes. The row-locking
     * clause {@code FOR [NO KEY] UPDATE} and qualified names ({@code t.update}) are not writes.
     */
    private static Analysis dataModifyingWith(SqlSource s, int first) {
        for (int i = first + 1; i < s.size(); i++) {
            boolean write = s.is(i, "INSERT") || s.is(i, "DELETE") || (s.is(i, "MERGE") && s.is(i + 1, "INTO"))
                    || (s.is(i, "UPDATE") && !s.is(i - 1, "FOR") && !s.is(i - 1, "KEY"));
            if (write && !s.isOp(i - 1, ".")) return Refusals.of(Refusals.DATA_MODIFYING_WITH);
        }
        return null;
    }

    /**
     * EXPLAIN runs nothing, except EXPLAIN ANALYZE (PostgreSQL, H2; also {@code EXPLAIN (ANALYZE, …)}), which
     * executes the statement: then that statement must itself be a read.
     */
    static Analysis explain(SqlSource s, int first, Function<String, Analysis> analyze) {
        boolean analyzing = false;
        int k = first + 1;
        if (s.isOp(k, "(")) { // PostgreSQL option list
            int close = s.closing(k);
            if (close < 0) return SqlAnalyzer.READ;
            for (int i = k + 1; i < close; i++) {
                boolean off = s.is(i + 1, "FALSE") || s.is(i + 1, "OFF")
                        || (s.type(i + 1) == SqlSource.NUMBER && s.text(i + 1).equals("0"));
                if ((s.is(i, "ANALYZE") || s.is(i, "ANALYSE")) && !off) analyzing = true;
            }
            k = close + 1;
        }
        for (; k < s.size(); k++) {
            if (s.is(k, "ANALYZE") || s.is(k, "ANALYSE")) {
                analyzing = true;
            } else if (SqlKeywords.in(s, k, SqlKeywords.EXPLAINED_STATEMENT)) {
                return analyzing ? executed(s, k, analyze) : SqlAnalyzer.READ;
            }
        }
        return SqlAnalyzer.READ;
    }

    /**
     * ANALYZE: statistics (a read) on SQLite, H2, PostgreSQL and for MariaDB's ANALYZE TABLE; but MariaDB's
     * {@code ANALYZE [FORMAT=JSON] statement} executes the statement.
     */
    static Analysis analyze(SqlSource s, int first, Function<String, Analysis> analyze) {
        int k = first + 1;
        if (s.isOp(k, "(")) return SqlAnalyzer.READ; // PostgreSQL ANALYZE (VERBOSE) t
        while (s.is(k, "FORMAT") || s.isOp(k, "=") || s.is(k, "JSON") || s.is(k, "TRADITIONAL")) k++;
        return SqlKeywords.in(s, k, SqlKeywords.ANALYZED_STATEMENT) ? executed(s, k, analyze) : SqlAnalyzer.READ;
    }

    private static Analysis executed(SqlSource s, int k, Function<String, Analysis> analyze) {
        Analysis inner = analyze.apply(s.sql().substring(s.start(k)));
        return inner instanceof Analysis.Read ? SqlAnalyzer.READ : Refusals.of(Refusals.EXPLAIN_ANALYZE);
    }
}
