package io.ledgerjdbc.ledger.entry;

/** What a row change did; the code is its byte in the canonical encoding. */
public enum Operation {
    INSERT(1, false, true),
    UPDATE(2, true, true),
    DELETE(3, true, false);

    public final int code;
    /** Whether a change of this kind carries a before image. */
    public final boolean hasBefore;
    /** Whether a change of this kind carries an after image. */
    public final boolean hasAfter;

    Operation(int code, boolean hasBefore, boolean hasAfter) {
        this.code = code;
        this.hasBefore = hasBefore;
        this.hasAfter = hasAfter;
    }

    /** The operation with this code, or null if the code is unknown. */
    public static Operation ofCode(int code) {
        return code >= 1 && code <= BY_CODE.length ? BY_CODE[code - 1] : null;
    }

    private static final Operation[] BY_CODE = values(); // codes are 1, 2, 3 in declaration order
}
