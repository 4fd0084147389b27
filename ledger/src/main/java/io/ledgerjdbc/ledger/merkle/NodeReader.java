package io.ledgerjdbc.ledger.merkle;

import java.util.List;

/** Reads stored perfect-subtree hashes: the one thing a proof needs from storage. */
@FunctionalInterface
public interface NodeReader {

    /**
     * The hashes of the given nodes, in the same order. Every node asked for is complete in the tree the
     * caller proves against, so a missing node is a storage error.
     */
    List<byte[]> read(List<NodeId> nodes);
}
