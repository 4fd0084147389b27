package io.ledgerjdbc.replication;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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
 * across restarts.
 *
 * <p>An ordinal means something only in the log it counts in. Every log begins with a {@link Command.Genesis}
 * (its cluster id and log id, and the ledger position it starts from), and every snapshot carries the same
 * identity. Until this member has applied one or the other it skips nothing. Then {@link Adoption} decides: a
 * database whose stored position counts in this log skips the commands at or below it; any other database skips
 * none, and is adopted when its ledger is the one the log starts from, catches up when it holds less, and is
 * refused otherwise, with one error naming the repair. A refused member stops applying like a diverged one (and
 * refuses to start when its own log already shows it, see {@link ClusterMember#start}).
 *
 * <p>A snapshot is a marker, not the state: (identity, ordinal, ledger size S, chain hash at S). Every member's
 * database holds its whole ledger, and replaying entries 1..S by their row images reproduces the state. A member
 * whose ledger is shorter than S fetches the missing entries from a peer ({@link SnapshotTransfer}) and installs
 * them; one whose ledger differs at S is diverged.
 */
final class ReplicaStateMachine implements StateMachine, LedgerRaft.BatchApply {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaStateMachine.class);
    /** Leads a snapshot written with a log identity; a snapshot without it starts with its (non-negative) ordinal. */
    private static final long SNAPSHOT_WITH_IDENTITY = -1;

    private final Replica replica;
    private final String nodeId;
    private final SnapshotTransfer transfer;
    /** The log being applied: from its genesis or a snapshot; null until then. Written on the apply thread only. */
    private volatile LogIdentity identity;
    /**
     * Commands at or below this are already in the database: the stored ordinal once the log turned out to be the
     * one it counts in, raised to what was applied when a snapshot older than that arrives (the library then
     * re-sends the commands after it). 0 while the log's identity is unknown.
     */
    private long skipThrough;
    /**
     * Where the log starts (a snapshot, or a genesis met while the log was replayed at start-up) when the database
     * needs entries from peers that cannot be asked yet; joined before the next command.
     */
    private Marker pending;
    private long pendingApplied;
    private final java.util.concurrent.atomic.LongAdder installedEntries = new java.util.concurrent.atomic.LongAdder();
    /** Commands seen; touched only by the apply thread. */
    private long ordinal;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private volatile long applied;
    private final java.util.concurrent.atomic.LongAdder commits = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder rejections = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder applyNanos = new java.util.concurrent.atomic.LongAdder();
    /** Write-sets applied through {@link #applyBatch}, and in how many local transactions. */
    private final java.util.concurrent.atomic.LongAdder batches = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder batchedWriteSets = new java.util.concurrent.atomic.LongAdder();
    private volatile String diverged;
    /** Set with {@link #diverged} when the database was refused (it belongs to another history), not corrupted. */
    private volatile boolean refused;
    /** The last outcomes applied here, so an origin can check the leader's answer against its own apply. */
    private final Map<Long, Outcome> recent = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Outcome> eldest) {
            return size() > 4096;
        }
    });

    /** How many members the cluster has now (the Raft log's list): a member that disagrees with a majority of them has diverged. */
    private final java.util.function.IntSupplier members;
    /** Members whose last checkpoint disagreed with this member's ledger, with why; apply thread only. */
    private final Map<String, String> disagreeing = new java.util.TreeMap<>();

    ReplicaStateMachine(Replica replica, String nodeId, java.util.function.IntSupplier members, SnapshotTransfer transfer) {
        this.replica = replica;
        this.nodeId = nodeId;
        this.members = members;
        this.transfer = transfer;
    }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) {
        if (data == null || length == 0) {
            return null; // not a command of ours; not counted, on every path alike
        }
        if (pending != null && diverged == null) {
            joinPending();
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

    /**
     * Committed entries in log order, as {@link #apply} one by one, except that consecutive write-sets go to the
     * database together ({@link Replica#applyAll}: one local transaction). Everything else (genesis, checkpoints,
     * a pending join, commands to skip) takes the one-by-one path, in its place.
     */
    @Override
    public byte[][] applyBatch(List<org.jgroups.protocols.raft.LogEntry> entries) {
        byte[][] out = new byte[entries.size()][];
        List<Replica.Apply> batch = new java.util.ArrayList<>();
        List<Integer> slots = new java.util.ArrayList<>();
        for (int k = 0; k < entries.size(); k++) {
            org.jgroups.protocols.raft.LogEntry e = entries.get(k);
            Command.WriteSet w = batchable(e.command(), e.offset(), e.length());
            if (w == null) {
                flush(batch, slots, out);
                out[k] = apply(e.command(), e.offset(), e.length(), true);
                continue;
            }
            batch.add(new Replica.Apply(++ordinal, w.entry(), w.signature()));
            slots.add(k);
        }
        flush(batch, slots, out);
        return out;
    }

    /** The write-set in this command when it may join a batch: nothing to join, skip or refuse first. */
    private Command.WriteSet batchable(byte[] data, int offset, int length) {
        if (data == null || length == 0 || pending != null || diverged != null || identity == null || ordinal + 1 <= skipThrough) {
            return null;
        }
        try {
            return Command.decode(data, offset, length) instanceof Command.WriteSet w ? w : null;
        } catch (RuntimeException e) {
            return null; // the one-by-one path reports it
        }
    }

    private void flush(List<Replica.Apply> batch, List<Integer> slots, byte[][] out) {
        if (batch.isEmpty()) {
            return;
        }
        batches.increment();
        batchedWriteSets.add(batch.size());
        long start = System.nanoTime();
        List<Outcome> outcomes;
        try {
            outcomes = replica.applyAll(batch);
        } catch (RuntimeException e) {
            outcomes = new java.util.ArrayList<>();
            for (Replica.Apply a : batch) {
                outcomes.add(new Outcome.Diverged(a.ordinal(), "cannot apply command " + a.ordinal() + ": " + e));
            }
        }
        applyNanos.add(System.nanoTime() - start);
        for (int i = 0; i < batch.size(); i++) {
            long n = batch.get(i).ordinal();
            Outcome o = diverged != null ? new Outcome.Diverged(n, diverged) : outcomes.get(i);
            if (o instanceof Outcome.Diverged d) {
                if (diverged == null) {
                    diverged = d.message();
                    LOG.error("member {} diverged at command {} and stopped applying: {}", nodeId, n, d.message());
                }
            } else {
                (o instanceof Outcome.Committed ? commits : rejections).increment();
                recent.put(n, o);
                advance(n);
            }
            out[slots.get(i)] = o.encode();
        }
        batch.clear();
        slots.clear();
    }

    private Outcome applyCommand(long n, byte[] data, int offset, int length) {
        if (diverged != null) {
            return new Outcome.Diverged(n, diverged);
        }
        try {
            Command command = Command.decode(data, offset, length);
            if (command instanceof Command.Genesis g) {
                return genesis(n, g);
            }
            if (command instanceof Command.WriteSet w) {
                if (identity == null) {
                    refuse("command " + n + " of this member's Raft log is a write-set before the log's genesis: the log"
                            + " was written by a LedgerJDBC version that kept no log identity. Stop every member, keep the"
                            + " databases (they must be equal: check with diff), delete every member's ledger.dataDir and"
                            + " start them again; see docs/operations.md, \"Seeding a member from a copy of a database\".");
                    return new Outcome.Diverged(n, diverged);
                }
                long start = System.nanoTime();
                Outcome o = replica.apply(n, w.entry(), w.signature());
                applyNanos.add(System.nanoTime() - start);
                (o instanceof Outcome.Committed ? commits : rejections).increment();
                return o;
            }
            if (command instanceof Command.Checkpoint c && identity != null) {
                return compare(n, c);
            }
            return new Outcome.Done(n);
        } catch (RuntimeException e) {
            return new Outcome.Diverged(n, "cannot apply command " + n + ": " + e);
        }
    }

    /** The log's first genesis fixes its identity; the ones proposed concurrently after it change nothing. */
    private Outcome genesis(long n, Command.Genesis g) {
        if (identity != null) {
            return new Outcome.Done(n);
        }
        identity = g.log();
        try {
            join(new Marker(g.log(), n, g.size(), g.chainHash()), 0);
        } catch (Exception e) {
            diverged = "cannot install the ledger entries up to " + g.size() + " that the Raft log starts from: " + e;
        }
        return diverged == null ? new Outcome.Done(n) : new Outcome.Diverged(n, diverged);
    }

    /**
     * The database meets the log where it starts (its genesis, or a snapshot): skip what the database provably
     * holds of this log, adopt it, install what it lacks, or refuse it. Entries that must come from peers while
     * none can be asked (the log is loaded at start-up) leave the marker pending until the next command.
     *
     * @param alreadyApplied commands of this same log applied here before a snapshot of it arrived
     * @throws Exception when the entries could not be fetched or installed
     */
    private void join(Marker m, long alreadyApplied) throws Exception {
        Replica.AppliedPosition stored = replica.appliedPosition();
        Adoption a = Adoption.decide(stored, m.log(), m.size(), m.chainHash(), replica.position());
        if (a.kind() != Adoption.Kind.REFUSE && replica.position().size() < m.size() && !transfer.ready()) {
            pending = m;
            pendingApplied = alreadyApplied;
            return;
        }
        switch (a.kind()) {
            case REFUSE -> refuse(a.reason());
            case FOLLOW -> {
                skipThrough = Math.max(skipThrough, Math.max(alreadyApplied, stored.ordinal()));
                boolean fetched = fetchUpTo(m);
                if (matches(m, false) && fetched) {
                    replica.adopt(m.log(), m.ordinal()); // a ledger that already held S keeps its own, later, ordinal
                }
            }
            case ADOPT -> {
                replica.adopt(m.log(), m.ordinal());
                skipThrough = m.ordinal();
                LOG.info("member {} adopts its database (ledger size {}) as the start of Raft log {} of cluster {}",
                        nodeId, m.size(), m.log().logId(), m.log().clusterId());
            }
            case CATCH_UP -> {
                fetchUpTo(m);
                if (matches(m, true)) {
                    replica.adopt(m.log(), m.ordinal());
                    skipThrough = m.ordinal();
                }
            }
        }
        if (diverged == null) {
            LOG.info("member {} holds the ledger at size {} (command {} of log {})", nodeId, m.size(), m.ordinal(), m.log().logId());
        }
    }

    private boolean fetchUpTo(Marker m) throws Exception {
        long have = replica.position().size();
        if (have >= m.size()) {
            return false;
        }
        LOG.info("member {} installs ledger entries {}..{} from its peers", nodeId, have + 1, m.size());
        while (have < m.size()) {
            List<Replica.StoredWriteSet> chunk = transfer.fetch(have + 1, m.size());
            have = replica.install(chunk).size();
            installedEntries.add(chunk.size());
        }
        return true;
    }

    /** Whether the ledger's chain hash at the marker's size is the marker's; if not, the member stops. */
    private boolean matches(Marker m, boolean refuse) {
        Outcome check = replica.checkpoint(m.ordinal(), m.size(), m.chainHash());
        if (check instanceof Outcome.Diverged d) {
            if (refuse) {
                refuse(Adoption.differs(m.size()) + " " + Adoption.REPAIR);
            } else {
                diverged = "the snapshot at ledger size " + m.size() + " does not match this member: " + d.message();
                LOG.error("member {} diverged: {}", nodeId, diverged);
            }
            return false;
        }
        return true;
    }

    private void refuse(String why) {
        if (diverged == null) {
            refused = true;
            diverged = why;
            LOG.error("member {} refuses to apply the cluster's log to its database: {}", nodeId, why);
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
        int count = members.getAsInt();
        int agreeing = count - disagreeing.size();
        if (agreeing < count / 2 + 1) {
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

    /** The identity of the log this member applies, once its genesis or a snapshot was applied; else null. */
    LogIdentity identity() {
        return identity;
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

    /** Mean write-sets per local transaction of the batch path (0 before the first). */
    double applyBatchMean() {
        long b = batches.sum();
        return b == 0 ? 0 : (double) batchedWriteSets.sum() / b;
    }

    /** Why this member's database was refused (it belongs to another history), or null. */
    String refusal() {
        return refused ? diverged : null;
    }

    long installedEntries() {
        return installedEntries.sum();
    }

    /** The snapshot: the log's identity, this member's ordinal, ledger size and chain hash (a pending one's until joined). */
    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        if (diverged != null) {
            // Its ledger stopped at a position the log has moved past: no snapshot, so the log is not truncated.
            throw new IllegalStateException("member " + nodeId + " is diverged and takes no snapshot: " + diverged);
        }
        Marker m = pending;
        if (m == null) {
            Replica.LedgerPosition p = replica.position();
            m = new Marker(identity, ordinal, p.size(), p.chainHash());
        }
        m.write(out);
    }

    /**
     * Installs a snapshot: the database joins the log at the snapshot's position (see {@link #join}). A transfer
     * that fails throws, so the library does not acknowledge the snapshot and the leader sends it again.
     */
    @Override
    public void readContentFrom(DataInput in) throws Exception {
        Marker m = Marker.read(in);
        long seen = ordinal;
        ordinal = m.ordinal();
        if (diverged != null) {
            return;
        }
        if (m.log() == null) {
            refuse("this member's Raft log starts with a snapshot that names no log identity: it was written by a"
                    + " LedgerJDBC version that kept none. Stop every member, keep the databases (they must be equal:"
                    + " check with diff), delete every member's ledger.dataDir and start them again; see"
                    + " docs/operations.md, \"Seeding a member from a copy of a database\".");
            return;
        }
        long alreadyApplied = m.log().equals(identity) ? seen : 0;
        identity = m.log();
        join(m, alreadyApplied);
        if (pending == null && diverged == null) {
            advance(Math.max(applied, m.ordinal()));
        }
    }

    private void joinPending() {
        Marker m = pending;
        pending = null;
        if (!transfer.ready()) {
            refuse("the Raft log this member loaded starts from a ledger of " + m.size() + " entries, its database holds"
                    + " only " + replica.position().size() + " and no peer could be asked for the others while the log was"
                    + " loaded. Delete its ledger.dataDir and start it again: it then installs them from its peers.");
            return;
        }
        try {
            join(m, pendingApplied);
            if (diverged == null) {
                advance(Math.max(applied, m.ordinal()));
            }
        } catch (Exception e) {
            diverged = "cannot install the ledger entries up to " + m.size() + ": " + e;
            LOG.error("member {} {}", nodeId, diverged);
        }
    }

    /** Where a log starts, as a snapshot or a genesis says: its identity, the ordinal, and the ledger size and chain hash then. */
    private record Marker(LogIdentity log, long ordinal, long size, byte[] chainHash) {

        void write(DataOutput out) throws IOException {
            out.writeLong(SNAPSHOT_WITH_IDENTITY);
            out.writeUTF(log == null ? "" : log.clusterId());
            out.writeUTF(log == null ? "" : log.logId());
            out.writeLong(ordinal);
            out.writeLong(size);
            out.writeInt(chainHash.length);
            out.write(chainHash);
        }

        static Marker read(DataInput in) throws IOException {
            long first = in.readLong();
            LogIdentity log = null;
            long ordinal = first;
            if (first == SNAPSHOT_WITH_IDENTITY) {
                String cluster = in.readUTF();
                String id = in.readUTF();
                log = cluster.isEmpty() ? null : new LogIdentity(cluster, id);
                ordinal = in.readLong();
            }
            long size = in.readLong();
            byte[] chainHash = new byte[in.readInt()];
            in.readFully(chainHash);
            return new Marker(log, ordinal, size, chainHash);
        }
    }
}
