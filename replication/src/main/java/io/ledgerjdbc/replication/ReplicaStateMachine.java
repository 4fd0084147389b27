package io.ledgerjdbc.replication;

import java.io.DataInput;
import java.io.DataOutput;
import java.util.List;
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
 * applied since the log began has ordinal n. A snapshot carries the ordinal it was taken at, and the library
 * re-applies the committed log after its snapshot at start-up, so the numbering is the same on every member and
 * across restarts, and commands at or below the replica's durable ordinal are skipped.
 *
 * <p>A snapshot is a marker, not the state: (ordinal, ledger size S, chain hash at S). Every member's database
 * holds its whole ledger, and replaying entries 1..S by their row images reproduces the state. A member whose
 * ledger is shorter than S fetches the missing entries from a peer ({@link SnapshotTransfer}) and installs them;
 * one whose ledger differs at S is diverged.
 */
final class ReplicaStateMachine implements StateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStateMachine.class);

    private final Replica replica;
    private final String nodeId;
    private final SnapshotTransfer transfer;
    /**
     * Commands at or below this are already in the database: the durable ordinal at start, raised to what was
     * applied when a snapshot older than that arrives (the library then re-sends the commands after it).
     */
    private long skipThrough;
    /** A snapshot loaded while the channel was still connecting, installed before the next command. */
    private Marker pending;
    private final java.util.concurrent.atomic.LongAdder installedEntries = new java.util.concurrent.atomic.LongAdder();
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

    ReplicaStateMachine(Replica replica, String nodeId, int members, SnapshotTransfer transfer) {
        this.replica = replica;
        this.nodeId = nodeId;
        this.members = members;
        this.transfer = transfer;
        this.skipThrough = replica.appliedOrdinal();
    }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) {
        if (data == null || length == 0) {
            return null; // not a command of ours; not counted, on every path alike
        }
        if (pending != null && diverged == null) {
            installPendingOrDiverge();
        }
        long n = ++ordinal;
        Outcome outcome = n <= skipThrough ? new Outcome.Done(n) : applyCommand(n, data, offset, length);
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

    long installedEntries() {
        return installedEntries.sum();
    }

    /** The snapshot: this member's ordinal, ledger size and chain hash (a pending snapshot's until installed). */
    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        if (diverged != null) {
            // Its ledger stopped at a position the log has moved past: no snapshot, so the log is not truncated.
            throw new IllegalStateException("member " + nodeId + " is diverged and takes no snapshot: " + diverged);
        }
        Marker m = pending;
        if (m == null) {
            Replica.LedgerPosition p = replica.position();
            m = new Marker(ordinal, p.size(), p.chainHash());
        }
        out.writeLong(m.ordinal());
        out.writeLong(m.size());
        out.writeInt(m.chainHash().length);
        out.write(m.chainHash());
    }

    /**
     * Installs a snapshot: fetches and installs the entries the local ledger lacks, then checks the chain hash.
     * A transfer that fails throws, so the library does not acknowledge the snapshot and the leader sends it again.
     */
    @Override
    public void readContentFrom(DataInput in) throws Exception {
        long snapshotOrdinal = in.readLong();
        long size = in.readLong();
        byte[] chainHash = new byte[in.readInt()];
        in.readFully(chainHash);
        Marker marker = new Marker(snapshotOrdinal, size, chainHash);
        if (replica.position().size() < size && diverged == null && !transfer.ready()) {
            pending = marker; // loading the log while connecting: no peer to ask yet
        } else {
            install(marker);
        }
        skipThrough = Math.max(skipThrough, ordinal);
        ordinal = snapshotOrdinal;
        if (pending == null && diverged == null) {
            advance(Math.max(applied, snapshotOrdinal));
        }
    }

    private void installPendingOrDiverge() {
        try {
            install(pending);
            if (diverged == null) {
                advance(Math.max(applied, pending.ordinal()));
            }
        } catch (Exception e) {
            diverged = "cannot install the snapshot at ledger size " + pending.size() + ": " + e;
            LOG.error("member {} {}", nodeId, diverged);
        }
        pending = null;
    }

    private void install(Marker m) throws Exception {
        long have = replica.position().size();
        boolean fetched = have < m.size() && diverged == null;
        if (fetched) {
            LOG.info("member {} installs a snapshot: ledger entries {}..{} from its peers", nodeId, have + 1, m.size());
            while (have < m.size()) {
                List<Replica.StoredWriteSet> chunk = transfer.fetch(have + 1, m.size());
                have = replica.install(chunk).size();
                installedEntries.add(chunk.size());
            }
        }
        if (diverged != null) {
            return;
        }
        Outcome check = replica.checkpoint(m.ordinal(), m.size(), m.chainHash());
        if (check instanceof Outcome.Diverged d) {
            diverged = "the snapshot at ledger size " + m.size() + " does not match this member: " + d.message();
            LOG.error("member {} diverged: {}", nodeId, diverged);
            return;
        }
        if (fetched) {
            replica.installed(m.ordinal()); // a ledger that already held S keeps its own, later, ordinal
        }
        LOG.info("member {} holds the snapshot at ledger size {} (command {})", nodeId, m.size(), m.ordinal());
    }

    /** What a snapshot says: the ordinal it was taken at, and the ledger size and chain hash then. */
    private record Marker(long ordinal, long size, byte[] chainHash) {}
}
