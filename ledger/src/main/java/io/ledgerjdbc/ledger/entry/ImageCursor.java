package io.ledgerjdbc.ledger.entry;

/**
 * Walks the columns of one encoded image (the {@code image} production, as {@link EncodedEntry} locates them)
 * without materialising anything: each step gives the range of the column's UTF-8 name and of its value
 * (tag byte included). Only for bytes {@link EntryCodec#validate} accepted; reusable.
 */
public final class ImageCursor {

    private byte[] bytes;
    private int pos;
    private int left;
    private int columns;
    private int nameFrom;
    private int nameTo;
    private int valueTo;

    /** Starts on the image at {@code from} in {@code bytes}. */
    public ImageCursor reset(byte[] bytes, int from) {
        this.bytes = bytes;
        this.columns = u32(bytes, from);
        this.left = columns;
        this.pos = from + 4;
        return this;
    }

    public int columns() {
        return columns;
    }

    /** Moves to the next column; false after the last. */
    public boolean next() {
        if (left == 0) {
            return false;
        }
        left--;
        nameFrom = pos + 4;
        nameTo = nameFrom + u32(bytes, pos);
        valueTo = valueEnd(bytes, nameTo);
        pos = valueTo;
        return true;
    }

    public int nameFrom() {
        return nameFrom;
    }

    public int nameTo() {
        return nameTo;
    }

    /** Where the column's value starts: its tag byte. */
    public int valueFrom() {
        return nameTo;
    }

    public int valueTo() {
        return valueTo;
    }

    /** The end of the encoded value (tag and payload) that starts at {@code at}. */
    static int valueEnd(byte[] b, int at) {
        int payload = at + 1;
        return switch (ValueType.ofTag(b[at] & 0xFF)) {
            case NULL -> payload;
            case BOOLEAN -> payload + 1;
            case INTEGER, FLOAT, DATE, TIME -> payload + 8;
            case TIMESTAMP, TIMESTAMP_TZ -> payload + 12;
            case TEXT, BYTES -> payload + 4 + u32(b, payload);
            case DECIMAL -> payload + 8 + u32(b, payload + 4);
        };
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }
}
