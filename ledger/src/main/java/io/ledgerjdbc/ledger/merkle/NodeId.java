package io.ledgerjdbc.ledger.merkle;

/**
 * A perfect subtree of the Merkle tree: the node at {@code level} (0 = leaf) and {@code index} covering the
 * leaves {@code [index·2^level, (index+1)·2^level)}. Such a node's hash never changes once its last leaf is
 * appended, which is what makes it storable.
 */
public record NodeId(int level, long index) {

    public NodeId {
        if (level < 0 || level > 62 || index < 0) {
            throw new IllegalArgumentException("no node at level " + level + ", index " + index);
        }
    }

    /** First leaf covered. */
    public long begin() {
        return index << level;
    }

    /** One past the last leaf covered. */
    public long end() {
        return (index + 1) << level;
    }

    /** The 0-based index of the leaf whose append completes this node. */
    public long lastLeaf() {
        return end() - 1;
    }
}
