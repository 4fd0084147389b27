package io.ledgerjdbc.replication;

import io.ledgerjdbc.ledger.entry.LedgerEntry;
import java.util.List;

/**
 * The local side of a cluster member: the database that applies what the log orders. The driver implements it.
 *
 * <h2>Determinism</h2>
 * Every member applies the same commands in the same order, starting from the same state, so every decision an
 * implementation makes must depend only on the command and the database's state: certification (does every
 * before-image still match?), the seq the entry gets (the ledger's size + 1), the outcome. Never the clock,
 * never the local configuration, never which member proposed the command.
 *
 * <p>Whether a command is skipped, applied or refused is decided by the state machine from the log and from
 * what this interface reports, the same way on every member; see Idempotence.
 *
 * <h2>Threading</h2>
 * All methods but {@link #appliedPosition()}, {@link #position()}, {@link #publish} and {@link #readEntries} are
 * called on the one Raft apply thread, in log order. A slow apply stalls the whole member: keep each call to one
 * local transaction.
 *
 * <h2>Idempotence</h2>
 * The log is re-applied after a restart. {@link #apply} stores {@code ordinal} in the same local transaction as
 * the changes it commits, and {@link #appliedPosition()} reports the last one stored together with the log it
 * counts in, which {@link #adopt} stored. Commands at or below that ordinal are skipped only while the log being
 * applied is that same log: after a restart, for a member whose log directory was lost, for a copy or a backup of
 * a member of that log. A database whose stored position counts in another log or in none (copies a new cluster
 * was seeded from, a backup from before the cluster was re-seeded, another cluster's database) skips nothing: the
 * state machine compares its ledger with the position the log starts from (its genesis or a snapshot), then
 * {@link #adopt}s it, installs the entries it lacks first, or refuses it.
 *
 * <h2>Failure</h2>
 * Never throw for a business outcome: a conflict or an error the database raises identically on every member
 * (a constraint violation, a DDL error) is an {@link Outcome.Rejected}. Wait out transient errors (a busy
 * database, a lock timeout) by retrying. Anything else — the local database refused what the others accepted,
 * the disk is full, the ledger does not match a checkpoint — is {@link Outcome.Diverged}: the member stops
 * applying rather than moving on without the change, and says so in its status.
 */
public interface Replica {

    /**
     * The ordinal of the last command whose changes are durably in the local database, and the log it counts in;
     * read at start and kept current by {@link #apply} and {@link #adopt} (no database access).
     */
    AppliedPosition appliedPosition();

    /**
     * Certifies and applies one write-set as one local transaction with its ledger entry.
     *
     * @param signature its origin's signature (empty when the origin has no key); checked against the member
     *                  keys, which must be the same on every member for the check to be deterministic
     */
    Outcome apply(long ordinal, LedgerEntry writeSet, byte[] signature);

    /** Compares the local ledger with the leader's at {@code size}. */
    Outcome checkpoint(long ordinal, long size, byte[] chainHash);

    /** The local ledger's size and chain hash, for the leader's next checkpoint and for status. */
    LedgerPosition position();

    /**
     * Records this member's status where operators can read it without joining the cluster (the driver keeps
     * it in the database). Called about once a second from a timer thread, never on the apply thread.
     */
    default void publish(ClusterStatus status) {
    }

    /** One committed write-set to apply: its command ordinal, the write-set and its origin signature. */
    record Apply(long ordinal, LedgerEntry writeSet, byte[] signature) {}

    /**
     * Applies several committed write-sets in log order; one outcome each, in order. An implementation may commit
     * them in one local transaction (what the database must do per write-set is then paid once per batch); the
     * outcomes must be those {@link #apply} would give one by one. After a {@link Outcome.Diverged} nothing more is
     * applied and every later outcome is diverged too.
     */
    default List<Outcome> applyAll(List<Apply> batch) {
        List<Outcome> out = new java.util.ArrayList<>(batch.size());
        for (Apply a : batch) {
            if (!out.isEmpty() && out.get(out.size() - 1) instanceof Outcome.Diverged d) {
                out.add(new Outcome.Diverged(a.ordinal(), d.message()));
            } else {
                out.add(apply(a.ordinal(), a.writeSet(), a.signature()));
            }
        }
        return out;
    }

    /**
     * Takes the membership change an operator left in this member's database ({@code cluster add/remove}), if any:
     * a request is taken once. Called about once a second.
     */
    default MembershipRequest takeMembershipRequest() {
        return null;
    }

    /** Records the answer to {@code request} in this member's database, where the operator's command waits for it. */
    default void answerMembershipRequest(MembershipRequest request, boolean done, String message) {
    }

    /**
     * Serves a member installing a snapshot: the stored entries from {@code fromSeq} on, at most up to {@code toSeq},
     * {@code maxEntries} and (after the first) {@code maxBytes} of entry bytes; fewer, or none, when the local ledger
     * ends earlier. Called on a transfer thread, never on the apply thread.
     */
    List<StoredWriteSet> readEntries(long fromSeq, long toSeq, int maxEntries, int maxBytes) throws Exception;

    /**
     * Appends {@code entries} (which follow the local ledger) verbatim and applies their recorded changes without
     * certification (they are committed history), in one local transaction. Called on the apply thread while a
     * snapshot is installed.
     *
     * @return the ledger's position afterwards
     */
    LedgerPosition install(List<StoredWriteSet> entries) throws Exception;

    /**
     * Records, in one local transaction, that the database holds everything of {@code log} up to command
     * {@code ordinal}: its ledger equals the position the log starts from (genesis or snapshot), or now holds the
     * entries installed up to it. Later {@link #apply} calls store their ordinals in that log.
     */
    void adopt(LogIdentity log, long ordinal) throws Exception;

    /** A ledger size and the chain hash at that size. */
    record LedgerPosition(long size, byte[] chainHash) {}

    /**
     * Where the database stands in the cluster's history.
     *
     * @param log     the cluster and Raft log {@code ordinal} counts in; null for a database that never joined a log
     *                (then {@code ordinal} is meaningless: 0, or a count from a version that kept no identity)
     * @param ordinal the last command applied from that log
     */
    record AppliedPosition(LogIdentity log, long ordinal) {
        public String clusterId() {
            return log == null ? null : log.clusterId();
        }
    }

    /**
     * One committed ledger entry as a member stores it: its seq, its canonical bytes, and its origin's signature
     * (empty without one).
     */
    record StoredWriteSet(long seq, byte[] entry, byte[] signature) {}
}
