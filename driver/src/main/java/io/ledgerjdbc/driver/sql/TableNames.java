package io.ledgerjdbc.driver.sql;

import io.ledgerjdbc.driver.sql.Analysis.TableRef;

/** Reads a (possibly schema-qualified, possibly quoted) table name out of the tokens. */
final class TableNames {

    private TableNames() {
    }

    /**
     * A name found at token {@code from}, ending before token {@code end}.
     *
     * @param ref   the table as a {@link TableRef}, or null when the name has three or more parts
     * @param text  the name exactly as written, quotes included (used as {@code Ddl.object})
     */
    record Found(TableRef ref, int from, int end, String text) {
        boolean threeParts() {
            return ref == null;
        }
    }

    /** The name starting at token {@code k}, or null when token {@code k} is not a name. */
    static Found at(SqlSource s, int k) {
        int e = s.nameEnd(k);
        if (e == k) return null;
        int parts = (e - k + 1) / 2;
        String text = s.text(k, e - 1);
        if (parts > 2) return new Found(null, k, e, text);
        int last = e - 1;
        String schema = parts == 2 ? s.name(k) : null;
        return new Found(new TableRef(schema, s.name(last), s.type(last) == SqlSource.QIDENT), k, e, text);
    }

    /** Whether a table/index name is reserved for the ledger itself: {@code ledger_…}, any case. */
    static boolean isLedger(String name) {
        return name != null && name.regionMatches(true, 0, "ledger_", 0, 7);
    }

    /** The last part of a dotted name as written, without quotes. */
    static String lastPart(SqlSource s, int end) {
        return s.name(end - 1);
    }
}
