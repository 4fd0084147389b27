package io.ledgerjdbc.replication;

import java.io.DataInput;
import java.io.DataOutput;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jgroups.raft.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds committed commands to the {@link Replica} in log order and never throws: the library swallows an
 * exception from {@code apply} on a follower and moves on, which would be a silent divergence.
 *
 * <p>The library does not tell {@code apply} the log index, so commands are numbered here: the n-th command
 * applied since the log began has ordinal n. The library re-applies the whole committed log at start-up (no
 * snapshot is ever taken, see {@link RaftStack#MAX_LOG_SIZE}), so the numbering is the same on every member and
 * across restarts, and commands at or below the replica's durable ordinal are skipped.
 */
final class ReplicaStateMachine implements StateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStateMachine.class);

    private final Replica replica;
    private final String nodeId;
    private final long durableAtStart;
    /** Commands seen; touched only by the apply thread. */
    private long ordinal;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private volatile long applied;
    private final java.util.concurrent.atomic.LongAdder commits = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder rejections = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder applyNanos = new java.util.concurrent.atomic.LongAdder();
    private volatile String diverged;
    /** The last outcomes applied here, so an origin can check the leader's answer against its own apply. */
    private final Map<Long, Outcome> recent = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Outcome> eldest) {
            return size() > 4096;
        }
    });

    /** How many members the cluster has: a member that disagrees with a majority of them has diverged. */
    private final int members;
    /** Members whose last checkpoint disagreed with this member's ledger, with why; apply thread only. */
    private final Map<String, String> disagreeing = new java.util.TreeMap<>();

    ReplicaStateMachine(Replica replica, String nodeId, int members) {
        this.replica = replica;
        this.nodeId = nodeId;
        this.members = members;
        this.durableAtStart = replica.appliedOrdinal();
    }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) {
        if (data == null || length == 0) {
            return null; // not a command of ours; not counted, on every path alike
        }
        long n = ++ordinal;
        Outcome outcome = n <= durableAtStart ? new Outcome.Done(n) : applyCommand(n, data, offset, length);
        if (outcome instanceof Outcome.Diverged d) {
            if (diverged == null) {
                diverged = d.message();
                LOG.error("member {} diverged at command {} and stopped applying: {}", nodeId, n, d.message());
            }
        } else {
            recent.put(n, outcome);
            advance(n);
        }
        return outcome.encode();
    }

    private Outcome applyCommand(long n, byte[] data, int offset, int length) {
        if (diverged != null) {
            return new Outcome.Diverged(n, diverged);
        }
        try {
            Command command = Command.decode(data, offset, length);
            if (command instanceof Command.WriteSet w) {
                long start = System.nanoTime();
                Outcome o = replica.apply(n, w.entry(), w.signature());
                applyNanos.add(System.nanoTime() - start);
                (o instanceof Outcome.Committed ? commits : rejections).increment();
                return o;
            }
            if (command instanceof Command.Checkpoint c) {
                return compare(n, c);
            }
            return new Outcome.Done(n);
        } catch (RuntimeException e) {
            return new Outcome.Diverged(n, "cannot apply command " + n + ": " + e);
        }
    }

    /**
     * Checkpoints come from every member, in log order, so each member has applied everything the proposer had when
     * it is compared here. Disagreeing with one member does not say which of the two is wrong; disagreeing with so
     * many that the members agreeing with this one (itself included) are no majority does.
     */
    private Outcome compare(long n, Command.Checkpoint c) {
        if (c.member().equals(nodeId)) {
            return new Outcome.Done(n);
        }
        Outcome o = replica.checkpoint(n, c.size(), c.chainHash());
        if (o instanceof Outcome.Diverged d) {
            disagreeing.put(c.member(), d.message());
        } else {
            disagreeing.remove(c.member());
        }
        int agreeing = members - disagreeing.size();
        if (agreeing < members / 2 + 1) {
            return new Outcome.Diverged(n, "this member's ledger disagrees with " + disagreeing.keySet() + ": " + disagreeing.values());
        }
        return new Outcome.Done(n);
    }

    private void advance(long n) {
        lock.lock();
        try {
            applied = n;
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until command {@code n} is applied here; false on timeout, or when this member diverged. */
    boolean awaitApplied(long n, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (applied < n && diverged == null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                advanced.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return applied >= n;
        } finally {
            lock.unlock();
        }
    }

    /** What applying command {@code n} did here, if it was applied recently; null otherwise. */
    Outcome localOutcome(long n) {
        return recent.get(n);
    }

    long applied() {
        return applied;
    }

    long commits() {
        return commits.sum();
    }

    long rejections() {
        return rejections.sum();
    }

    double applyMicrosMean() {
        long n = commits.sum() + rejections.sum();
        return n == 0 ? 0 : applyNanos.sum() / 1000.0 / n;
    }

    String diverged() {
        return diverged;
    }

    /** Never called with {@link RaftStack#MAX_LOG_SIZE}; written for a manual snapshot: the position only. */
    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        Replica.LedgerPosition p = replica.position();
        out.writeLong(ordinal);
        out.writeLong(p.size());
        out.writeInt(p.chainHash().length);
        out.write(p.chainHash());
    }

    /**
     * A snapshot only names a position; a database that does not hold it cannot follow the log from there.
     */
    @Override
    public void readContentFrom(DataInput in) throws Exception {
        long snapshotOrdinal = in.readLong();
        long size = in.readLong();
        in.skipBytes(in.readInt());
        ordinal = snapshotOrdinal;
        if (replica.position().size() < size) {
            diverged = "received a snapshot at ledger size " + size + " but the local ledger has only "
                    + replica.position().size() + " entries; copy a member's database to catch up";
        }
        advance(snapshotOrdinal);
    }
}
