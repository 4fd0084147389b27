package io.ledgerjdbc.replication;

import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.Log;

/**
 * jgroups-raft's file log, except that the term it stores never goes down.
 *
 * <p>Raft allows one leader per term because every member votes at most once per term and remembers that vote
 * across restarts, together with the highest term it has seen. In 1.1.0 {@code FileBasedLog} stores as the current
 * term the term of the entries it last wrote ({@code append}) or of the last entry left after a truncation
 * ({@code deleteAllEntriesStartingFrom}), even when that is lower than the term the member already voted in. A
 * member that voted in term 3 and was then caught up on entries of term 2 had term 2 on disk; killed and
 * restarted, it voted a second time in term 3, and a second leader of term 3 wrote different entries under the
 * same index and term. A follower then kept the first leader's entries as if they were the second's (Raft compares
 * only terms) and applied a write-set the cluster never committed: its ledger differed from the others'.
 *
 * <p>Here a lower term is ignored; a higher one is stored as before. The on-disk format is the library's.
 */
public final class TermKeepingLog extends FileBasedLog {

    @Override
    public Log currentTerm(long term) {
        if (term > currentTerm()) {
            super.currentTerm(term);
        }
        return this;
    }
}
