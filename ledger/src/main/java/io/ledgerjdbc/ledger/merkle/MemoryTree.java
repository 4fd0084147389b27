package io.ledgerjdbc.ledger.merkle;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Merkle tree held in memory: every perfect node, packed per level, so that roots of any prefix and proofs
 * are answered with O(log n) lookups. Used by tests, benchmarks and tools; the database-backed ledger keeps
 * the same nodes in its entry rows. Not thread-safe.
 */
public final class MemoryTree implements NodeReader {

    private final MerkleFrontier frontier = new MerkleFrontier();
    /** {@code levels[l]} holds node (l, i) at bytes [i·32, i·32+32). */
    private byte[][] levels = new byte[1][64 * Hashes.SIZE];
    private long[] counts = new long[1];

    public long size() {
        return frontier.size();
    }

    public void append(byte[] leafHash) {
        long index = frontier.size();
        byte[] completed = frontier.append(leafHash);
        put(0, index, leafHash, 0);
        for (int l = 1; l <= completed.length / Hashes.SIZE; l++) {
            put(l, index >>> l, completed, (l - 1) * Hashes.SIZE);
        }
    }

    private void put(int level, long index, byte[] src, int offset) {
        if (level >= levels.length) {
            levels = Arrays.copyOf(levels, level + 1);
            counts = Arrays.copyOf(counts, level + 1);
            levels[level] = new byte[64 * Hashes.SIZE];
        }
        long at = index * Hashes.SIZE;
        if (at + Hashes.SIZE > levels[level].length) {
            long grown = Math.max(levels[level].length * 2L, at + Hashes.SIZE);
            if (grown > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("in-memory tree is full at " + size() + " leaves");
            }
            levels[level] = Arrays.copyOf(levels[level], (int) grown);
        }
        System.arraycopy(src, offset, levels[level], (int) at, Hashes.SIZE);
        counts[level] = index + 1;
    }

    public byte[] root() {
        return frontier.root();
    }

    public byte[] root(long size) {
        return MerkleMath.root(size, this);
    }

    public List<byte[]> inclusionProof(long index, long size) {
        return MerkleMath.hashes(MerkleMath.inclusionPath(index, size), this);
    }

    public List<byte[]> consistencyProof(long m, long n) {
        return MerkleMath.hashes(MerkleMath.consistencyPath(m, n), this);
    }

    @Override
    public List<byte[]> read(List<NodeId> nodes) {
        List<byte[]> out = new ArrayList<>(nodes.size());
        for (NodeId id : nodes) {
            if (id.level() >= levels.length || id.index() >= counts[id.level()]) {
                throw new IllegalArgumentException("node " + id + " is not complete in a tree of size " + size());
            }
            int at = (int) (id.index() * Hashes.SIZE);
            out.add(Arrays.copyOfRange(levels[id.level()], at, at + Hashes.SIZE));
        }
        return out;
    }
}
