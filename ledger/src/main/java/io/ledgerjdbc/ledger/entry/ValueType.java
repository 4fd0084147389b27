package io.ledgerjdbc.ledger.entry;

/** The kinds of value the ledger records, with their tag byte in the canonical encoding. */
public enum ValueType {
    NULL(0),
    INTEGER(1),
    DECIMAL(2),
    FLOAT(3),
    TEXT(4),
    BYTES(5),
    BOOLEAN(6),
    DATE(7),
    TIME(8),
    TIMESTAMP(9),
    TIMESTAMP_TZ(10);

    private static final ValueType[] BY_TAG = values();

    public final int tag;

    ValueType(int tag) {
        this.tag = tag;
    }

    /** The type with this tag, or null if the tag is unknown. */
    public static ValueType ofTag(int tag) {
        return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
    }
}
