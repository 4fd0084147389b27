package io.ledgerjdbc.ledger.merkle;

import io.ledgerjdbc.ledger.hash.Hashes;
import java.util.ArrayList;
import java.util.List;

/**
 * The right frontier of the tree: the roots of the perfect subtrees that cover all leaves so far, one per
 * set bit of the size. Appending is O(log n) time (amortised O(1) hashes) and the whole state is O(log n)
 * memory; nothing is ever rebuilt. Not thread-safe.
 */
public final class MerkleFrontier {

    private static final byte[] NO_NODES = new byte[0];

    /** {@code roots[level]} is the perfect subtree of 2^level leaves on the frontier, or null. */
    private final byte[][] roots = new byte[63][];
    private long size;

    public MerkleFrontier() {
    }

    /** A frontier for {@code size} leaves from its perfect subtrees, left to right (as {@link MerkleMath#perfectNodes} lists them). */
    public static MerkleFrontier of(long size, List<byte[]> perfectRoots) {
        MerkleFrontier f = new MerkleFrontier();
        List<NodeId> ids = size == 0 ? List.of() : MerkleMath.perfectNodes(new Range(0, size));
        if (ids.size() != perfectRoots.size()) {
            throw new IllegalArgumentException("a tree of size " + size + " has " + ids.size()
                    + " frontier nodes, got " + perfectRoots.size());
        }
        for (int i = 0; i < ids.size(); i++) {
            byte[] hash = perfectRoots.get(i);
            if (hash == null || hash.length != Hashes.SIZE) {
                throw new IllegalArgumentException("frontier node " + ids.get(i) + " is not a " + Hashes.SIZE + "-byte hash");
            }
            f.roots[ids.get(i).level()] = hash.clone();
        }
        f.size = size;
        return f;
    }

    /** The frontier node ids for a tree of {@code size} leaves: what to read to resume appending. */
    public static List<NodeId> nodesFor(long size) {
        return size == 0 ? List.of() : MerkleMath.perfectNodes(new Range(0, size));
    }

    public long size() {
        return size;
    }

    /**
     * Appends a leaf hash and returns the interior nodes this append completed, concatenated from level 1
     * upwards (32 bytes each; empty when the new leaf completes none). Leaf {@code i} completes exactly the
     * nodes {@code (l, i >> l)} for {@code l = 1 .. trailingOnes(i)}.
     */
    public byte[] append(byte[] leafHash) {
        int completed = Long.numberOfTrailingZeros(~size);
        byte[] out = completed == 0 ? NO_NODES : new byte[completed * Hashes.SIZE];
        if (leafHash.length != Hashes.SIZE) {
            throw new IllegalArgumentException("a leaf hash is " + Hashes.SIZE + " bytes, got " + leafHash.length);
        }
        byte[] carry = leafHash.clone();
        for (int level = 0; level < completed; level++) {
            carry = Hashes.node(roots[level], carry);
            roots[level] = null;
            System.arraycopy(carry, 0, out, level * Hashes.SIZE, Hashes.SIZE);
        }
        roots[completed] = carry;
        size++;
        return out;
    }

    /** The RFC 9162 root of all leaves appended so far. */
    public byte[] root() {
        byte[] acc = null;
        for (byte[] r : roots) {
            if (r != null) {
                acc = acc == null ? r : Hashes.node(r, acc);
            }
        }
        return acc == null ? Hashes.emptyTree() : acc.clone();
    }

    /** The frontier's perfect subtree roots, left to right. */
    public List<byte[]> perfectRoots() {
        List<byte[]> out = new ArrayList<>();
        for (int level = roots.length - 1; level >= 0; level--) {
            if (roots[level] != null) {
                out.add(roots[level].clone());
            }
        }
        return out;
    }

    public MerkleFrontier copy() {
        MerkleFrontier f = new MerkleFrontier();
        System.arraycopy(roots, 0, f.roots, 0, roots.length);
        f.size = size;
        return f;
    }
}
