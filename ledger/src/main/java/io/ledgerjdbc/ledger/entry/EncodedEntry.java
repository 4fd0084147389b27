package io.ledgerjdbc.ledger.entry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One entry as its canonical bytes, validated, with the positions of its parts: what tools that fold a whole
 * ledger read instead of a {@link LedgerEntry}, so that a verification pass neither materialises rows and
 * values nor encodes them again. {@link EntryCodec#validate} fills it and accepts exactly what
 * {@link EntryCodec#decode} accepts. One instance is reused entry after entry: do not keep it, or its bytes,
 * beyond the call that handed it over.
 *
 * <p>Images ({@code key}, {@code before}, {@code after}) are given as {@code [from, to)} ranges of
 * {@link #bytes()} holding the {@code image} production of the encoding, i.e. exactly what
 * {@link EntryCodec#encodeImage} writes for that row; {@link ImageCursor} walks their columns.
 */
public final class EncodedEntry {

    private static final int SLOTS = 10; // kind, op, table from/to, key from/to, before from/to, after from/to (DDL: object, sql)

    private byte[] bytes;
    private long seq;
    private int changes;
    private int[] parts = new int[SLOTS * 4];

    void reset(byte[] bytes) {
        this.bytes = bytes;
        this.seq = 0;
        this.changes = 0;
    }

    void seq(long seq) {
        this.seq = seq;
    }

    /** Records a row change; before/after ranges are -1 when the operation has no such image. */
    void addRow(Operation op, int tableFrom, int tableTo, int keyFrom, int keyTo, int beforeFrom, int beforeTo,
                int afterFrom, int afterTo) {
        int at = slot();
        parts[at] = Change.KIND_ROW;
        parts[at + 1] = op.code;
        parts[at + 2] = tableFrom;
        parts[at + 3] = tableTo;
        parts[at + 4] = keyFrom;
        parts[at + 5] = keyTo;
        parts[at + 6] = beforeFrom;
        parts[at + 7] = beforeTo;
        parts[at + 8] = afterFrom;
        parts[at + 9] = afterTo;
    }

    /** Records a DDL change: its object name and SQL text ranges (UTF-8, without length prefixes). */
    void addDdl(int objectFrom, int objectTo, int sqlFrom, int sqlTo) {
        int at = slot();
        parts[at] = Change.KIND_DDL;
        parts[at + 2] = objectFrom;
        parts[at + 3] = objectTo;
        parts[at + 4] = sqlFrom;
        parts[at + 5] = sqlTo;
    }

    private int slot() {
        int at = changes * SLOTS;
        if (at + SLOTS > parts.length) {
            parts = Arrays.copyOf(parts, parts.length * 2);
        }
        changes++;
        return at;
    }

    /** The whole encoded entry (not a copy). */
    public byte[] bytes() {
        return bytes;
    }

    public long seq() {
        return seq;
    }

    public int changeCount() {
        return changes;
    }

    public boolean isRowChange(int i) {
        return parts[check(i)] == Change.KIND_ROW;
    }

    /** The operation of row change {@code i}. */
    public Operation op(int i) {
        return Operation.ofCode(parts[row(i) + 1]);
    }

    /** Start of the UTF-8 table name of row change {@code i} (without its length prefix). */
    public int tableFrom(int i) {
        return parts[row(i) + 2];
    }

    public int tableTo(int i) {
        return parts[row(i) + 3];
    }

    /** The table name of row change {@code i}. */
    public String table(int i) {
        return new String(bytes, tableFrom(i), tableTo(i) - tableFrom(i), StandardCharsets.UTF_8);
    }

    public int keyFrom(int i) {
        return parts[row(i) + 4];
    }

    public int keyTo(int i) {
        return parts[row(i) + 5];
    }

    /** Start of the before image of row change {@code i}, or -1 for an INSERT. */
    public int beforeFrom(int i) {
        return parts[row(i) + 6];
    }

    public int beforeTo(int i) {
        return parts[row(i) + 7];
    }

    /** Start of the after image of row change {@code i}, or -1 for a DELETE. */
    public int afterFrom(int i) {
        return parts[row(i) + 8];
    }

    public int afterTo(int i) {
        return parts[row(i) + 9];
    }

    /** DDL change {@code i}, materialised (DDL is rare). */
    public DdlChange ddl(int i) {
        int at = check(i);
        if (parts[at] != Change.KIND_DDL) {
            throw new IllegalArgumentException("change " + i + " is not DDL");
        }
        return new DdlChange(new String(bytes, parts[at + 2], parts[at + 3] - parts[at + 2], StandardCharsets.UTF_8),
                new String(bytes, parts[at + 4], parts[at + 5] - parts[at + 4], StandardCharsets.UTF_8));
    }

    /** The entry materialised (the bytes were validated, so this cannot fail). */
    public LedgerEntry decode() {
        return EntryCodec.decode(bytes);
    }

    private int check(int i) {
        if (i < 0 || i >= changes) {
            throw new IndexOutOfBoundsException("change " + i + " of " + changes);
        }
        return i * SLOTS;
    }

    private int row(int i) {
        int at = check(i);
        if (parts[at] != Change.KIND_ROW) {
            throw new IllegalArgumentException("change " + i + " is not a row change");
        }
        return at;
    }
}
