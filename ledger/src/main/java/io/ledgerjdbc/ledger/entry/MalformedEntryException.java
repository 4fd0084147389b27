package io.ledgerjdbc.ledger.entry;

/** The bytes are not a well-formed canonical entry; nothing of them is returned. */
public final class MalformedEntryException extends RuntimeException {

    private final int offset;

    public MalformedEntryException(String reason, int offset) {
        super(reason + " (at byte " + offset + ")");
        this.offset = offset;
    }

    /** Where in the input the problem was found. */
    public int offset() {
        return offset;
    }
}
