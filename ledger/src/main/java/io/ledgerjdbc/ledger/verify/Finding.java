package io.ledgerjdbc.ledger.verify;

import io.ledgerjdbc.ledger.entry.Row;

/**
 * One problem found by verification. Location fields that do not apply are null: ledger findings have a
 * seq, state findings a table and key (and the seq of the last entry that touched the row, where known).
 * A state finding about rows also carries the {@link Rows} its texts were made from, so that tools can show
 * them as data (JSON objects) rather than text.
 */
public record Finding(FindingKind kind, Long seq, String table, String key, String expected, String found, String detail,
                      Rows rows) {

    /** The key, the ledger's image and the row found, behind a state finding's texts; each may be null. */
    public record Rows(Row key, Row expected, Row found) {
    }

    public Finding(FindingKind kind, Long seq, String table, String key, String expected, String found, String detail) {
        this(kind, seq, table, key, expected, found, detail, null);
    }

    public static Finding atSeq(FindingKind kind, long seq, String expected, String found, String detail) {
        return new Finding(kind, seq, null, null, expected, found, detail);
    }

    /** One line for people: kind, where, what. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.name());
        if (seq != null) sb.append(" seq=").append(seq);
        if (table != null) sb.append(" table=").append(table);
        if (key != null) sb.append(" key=").append(key);
        if (detail != null) sb.append(": ").append(detail);
        if (expected != null || found != null) sb.append(" (expected ").append(expected).append(", found ").append(found).append(')');
        return sb.toString();
    }
}
