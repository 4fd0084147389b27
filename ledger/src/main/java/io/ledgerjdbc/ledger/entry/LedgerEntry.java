package io.ledgerjdbc.ledger.entry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One committed transaction: the unit the ledger hashes, chains, proves and replicates.
 *
 * @param seq        position in the ledger, dense, starting at 1
 * @param originNode id of the node whose transaction this was
 * @param commitTime when the origin committed, in UTC, as the origin's clock said
 * @param txId       the origin's transaction id (unique per origin)
 * @param changes    the changes in the order they were made
 */
public record LedgerEntry(long seq, String originNode, Instant commitTime, String txId, List<Change> changes) {

    public LedgerEntry {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1, was " + seq);
        }
        Objects.requireNonNull(originNode, "originNode");
        Objects.requireNonNull(commitTime, "commitTime");
        Objects.requireNonNull(txId, "txId");
        if (Value.firstUnpairedSurrogate(originNode) >= 0 || Value.firstUnpairedSurrogate(txId) >= 0) {
            throw new IllegalArgumentException("node or transaction id has an unpaired surrogate");
        }
        changes = List.copyOf(changes);
    }

    /** The same transaction at another position (replication assigns the final seq). */
    public LedgerEntry withSeq(long newSeq) {
        return new LedgerEntry(newSeq, originNode, commitTime, txId, changes);
    }
}
