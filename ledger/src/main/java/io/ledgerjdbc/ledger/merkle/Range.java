package io.ledgerjdbc.ledger.merkle;

/** The leaves {@code [begin, end)}; its hash is MTH of those leaves as RFC 9162 §2.1.1 defines it. */
public record Range(long begin, long end) {

    public Range {
        if (begin < 0 || end <= begin) {
            throw new IllegalArgumentException("empty or negative range [" + begin + ", " + end + ")");
        }
    }
}
