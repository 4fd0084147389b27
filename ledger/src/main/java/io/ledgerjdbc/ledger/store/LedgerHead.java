package io.ledgerjdbc.ledger.store;

import io.ledgerjdbc.ledger.hash.Hashes;
import io.ledgerjdbc.ledger.merkle.MerkleFrontier;

/**
 * The state the next append builds on: how many entries there are, the last chain hash and the Merkle
 * frontier. Immutable: {@link #frontier()} hands out a copy.
 */
public final class LedgerHead {

    private final long size;
    private final byte[] chainHash;
    private final MerkleFrontier frontier;

    LedgerHead(long size, byte[] chainHash, MerkleFrontier frontier) {
        if (frontier.size() != size) {
            throw new IllegalArgumentException("frontier of size " + frontier.size() + " for a head of size " + size);
        }
        this.size = size;
        this.chainHash = chainHash.clone();
        this.frontier = frontier;
    }

    public static LedgerHead empty() {
        return new LedgerHead(0, Hashes.GENESIS_CHAIN, new MerkleFrontier());
    }

    /** Number of entries; the next entry's seq is {@code size + 1}. */
    public long size() {
        return size;
    }

    public byte[] chainHash() {
        return chainHash.clone();
    }

    public byte[] root() {
        return frontier.root();
    }

    public MerkleFrontier frontier() {
        return frontier.copy();
    }

    @Override
    public String toString() {
        return "LedgerHead{size=" + size + "}";
    }
}
