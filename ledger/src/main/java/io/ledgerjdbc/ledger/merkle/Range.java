package io.ledgerjdbc.ledger.merkle;

/**
 * The leaves {@code [begin, end)}: one entry of a root or proof, whose hash is MTH of those leaves as
 * RFC 9162 §2.1.1 defines it (see {@link MerkleMath#hashes} for the ranges it can compute).
 */
public record Range(long begin, long end) {

    public Range {
        if (begin < 0 || end <= begin) {
            throw new IllegalArgumentException("empty or negative range [" + begin + ", " + end + ")");
        }
    }
}
