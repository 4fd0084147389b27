package io.ledgerjdbc.replication;

import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.Log;
import org.jgroups.protocols.raft.LogEntry;

/**
 * jgroups-raft's file log, except that the term it stores never goes down.
 *
 * <p>Raft allows one leader per term because every member votes at most once per term and remembers that vote
 * across restarts, together with the highest term it has seen. In 1.1.0 {@code FileBasedLog} stores as the current
 * term the term of the entries it last wrote ({@code append}), of the last entry left after a truncation
 * ({@code deleteAllEntriesStartingFrom}) or of a snapshot's last entry ({@code reinitializeTo}), even when that is
 * lower than the term the member already voted in. A member that voted in term 3 and was then caught up on entries
 * of term 2 had term 2 on disk; killed and restarted, it voted a second time in term 3, and a second leader of term 3
 * wrote different entries under the same index and term. A follower then kept the first leader's entries as if they
 * were the second's (Raft compares only terms) and applied a write-set the cluster never committed: its ledger
 * differed from the others'.
 *
 * <p>Here a lower term is ignored; a higher one is stored as before. The on-disk format is the library's. A log
 * whose term was already lowered by an earlier version is read as it is (one more vote in that term is possible).
 */
public final class TermKeepingLog extends FileBasedLog {

    @Override
    public Log currentTerm(long term) {
        if (term > currentTerm()) {
            super.currentTerm(term);
        }
        return this;
    }

    /** Installing a snapshot stores the term of its last entry directly (not through {@link #currentTerm(long)}). */
    @Override
    public void reinitializeTo(long index, LogEntry last) {
        long term = currentTerm();
        super.reinitializeTo(index, last);
        if (currentTerm() < term) {
            super.currentTerm(term);
        }
    }
}
