package io.ledgerjdbc.replication;

import java.io.DataInput;
import java.io.DataOutput;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Header;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.ObjectMessage;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.raft.AppendEntriesRequest;
import org.jgroups.protocols.raft.AppendEntriesResponse;
import org.jgroups.protocols.raft.AppendResult;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.RaftHeader;
import org.jgroups.protocols.raft.Role;
import org.jgroups.raft.util.CommitTable;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jgroups-raft's RAFT with what a ledger cluster needs beyond 1.1.0: catch-up under load, a majority made of
 * members only, and a leader lease.
 *
 * <h2>Catch-up under load</h2>
 * In 1.1.0 the leader resends entries a member is missing only when its request queue has been idle for
 * {@code resend_interval} (the poll in {@code processQueue} times out). Under a steady write load that never
 * happens: a restarted or new member answers every AppendEntries with "entry not found" and never gets the
 * entries before them. Its own commits then wait for a local apply that never comes, and once it is part of the
 * only majority left (after another member fails) every commit in the cluster stalls until the writers give up.
 *
 * <p>Here the leader also catches members up after each batch of requests it processes, on the library's own
 * thread: a member that reported a gap is sent the next {@link #MAX_RESEND_ENTRIES} entries it lacks, and the
 * next range as soon as it acknowledged that one (or after {@code resend_interval} without an answer). Every
 * resend, the library's own included, is capped, so a member far behind gets bounded messages instead of its
 * whole backlog in one. A member that needs entries already compacted away is sent the snapshot, here too, and
 * not sent another while it installs it.
 *
 * <h2>Only members count</h2>
 * The library counts an acknowledgement by the sender's raft id without asking whether that id is a member
 * ({@code RequestTable.add}), and a vote by any process in the JGroups view ({@code BaseElection}). A process
 * started with another member list ("A,B,C,D" against "A,B,C") therefore counted toward a majority it is no part
 * of. The JGroups join and merge check ({@link MembershipAuth}) keeps such a process out of the view; in addition,
 * Raft messages from a process whose raft id is not in this member's current member list are ignored here (and
 * votes in {@link MemberElection}). The check reads {@link #members()}, the list the library keeps and changes
 * with {@code addServer}/{@code removeServer}, so it stays right when members are added and removed through the
 * log (a member being added must then be caught up as a learner before it counts).
 *
 * <h2>Leader lease</h2>
 * The library's leader steps down only when its JGroups view loses the majority. A leader that was paused
 * (SIGSTOP, a stalled VM) while the others elected a successor wakes up with its old view and led nobody until
 * the views merged, seconds later; its clients waited for their whole commit timeout. Here the leader sends a
 * heartbeat to every member each quarter of the lease ({@code ledger.failureTimeout}) and steps down when fewer
 * than a majority (itself included) answered within the lease, or at once when an answer shows a later term.
 * A lease measured across a pause of this process restarts, so a paused leader is judged by the answers it gets
 * after waking, not by the silence it slept through. A member that stepped down this way is {@link #cutOff()}
 * until it knows a leader again; its clients fail fast instead of waiting for one. Heartbeats are answered on the
 * receiving thread, not the Raft thread, so a member busy applying still counts as reachable. The same
 * messages answer {@link #majorityWithoutLiveLeader}, asked before a member starts a vote of its own.
 */
final class LedgerRaft extends RAFT {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerRaft.class);

    /** Entries per catch-up message: bounded memory on both sides, few round trips. */
    static final int MAX_RESEND_ENTRIES = 500;

    private static final long RANGE = 0;
    private static final long LAST_RANGE = 1;
    private static final long SNAPSHOT = 2;
    /**
     * How long a member may take to install a snapshot (fetching the ledger entries it lacks) before it is sent
     * another; each one it does get is installed, and the later ones fetch only what the first left out.
     */
    private static final long SNAPSHOT_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How often the same complaint about a non-member is logged. */
    private static final long COMPLAINT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static final short LEASE_HEADER = 3950;
    private static final byte HEARTBEAT = 1;
    private static final byte ANSWER = 2;
    private static final byte PROBE = 3;
    private static final byte PROBE_ANSWER = 4;

    static {
        ClassConfigurator.add(LEASE_HEADER, LeaseHeader.class);
    }

    /** Per lagging member: the last index sent to it, when, and whether that was the end of the log. Touched only by the library's processing thread. */
    private final Map<Address, long[]> catchingUp = new HashMap<>();
    /** Follower: the log is the current leader's through this index (see {@link #followerAppend}); Raft thread only. */
    private long matchedThrough;
    private long matchedTerm = -1;
    private Address matchedLeader;

    private long leaseNanos = TimeUnit.SECONDS.toNanos(1);
    private Future<?> ticks;
    /** Leader: when each member last answered a heartbeat of this leadership. */
    private final Map<String, Long> answered = new ConcurrentHashMap<>();
    /** Leader: start of the window the lease is judged over; 0 while not leader. Timer thread only. */
    private long leaseStart;
    private long lastTick;
    /** Follower: when a heartbeat of a leader of at least this member's term last arrived. */
    private volatile long leaderHeartbeat;
    private volatile boolean heardLeader;
    /** When this member stepped down for lack of a majority; 0 once it knows a leader again. */
    private volatile long cutOffSince;
    private final AtomicLong probeIds = new AtomicLong();
    private final Map<Long, Map<String, Boolean>> probes = new ConcurrentHashMap<>();
    private final Map<Address, Long> complaints = new ConcurrentHashMap<>();
    private Consumer<String> refusals = why -> { };

    LedgerRaft() {
        // Headers carry the protocol id, which JGroups looks up by class: speak exactly as RAFT does on the wire.
        id = ClassConfigurator.getProtocolId(RAFT.class);
    }

    /** The lease: how long a leader may go without hearing from a majority before it steps down. */
    LedgerRaft lease(Duration lease) {
        this.leaseNanos = lease.toNanos();
        return this;
    }

    /** Told (besides the log) about every process refused as a non-member, for the errors clients get. */
    LedgerRaft onRefusal(Consumer<String> refusals) {
        this.refusals = refusals;
        return this;
    }

    @Override
    public void start() throws Exception {
        super.start();
        long every = Math.max(TimeUnit.MILLISECONDS.toNanos(20), leaseNanos / 4);
        ticks = getTransport().getTimer().scheduleWithFixedDelay(this::tick, every, every, TimeUnit.NANOSECONDS, false);
    }

    @Override
    public void stop() {
        if (ticks != null) {
            ticks.cancel(false);
        }
        super.stop();
    }

    // ---------------------------------------------------------------- catch-up

    @Override
    protected void process(List<Request> q) {
        try {
            super.process(q);
        } finally {
            CommitTable table = commit_table;
            if (isLeader() && table != null) {
                table.forEach(this::catchUp);
                table.forEach(this::sendCommitIndex);
                catchingUp.keySet().retainAll(table.keys());
            } else {
                catchingUp.clear();
            }
        }
    }

    private void catchUp(Address member, CommitTable.Entry e) {
        long[] sent = catchingUp.get(member); // {last index sent, nanoTime sent, what: RANGE, LAST_RANGE or SNAPSHOT}
        boolean acknowledged = sent != null && e.matchIndex() >= sent[0];
        if (acknowledged && sent[2] == LAST_RANGE && !e.sendSingleMessage()) {
            catchingUp.remove(member); // it had everything we had when we sent: live entries reach it again
            return;
        }
        if (sent == null && !e.sendSingleMessage()) {
            return; // no gap reported: entries are merely in flight to it
        }
        if (e.nextIndex() > last_appended) {
            return;
        }
        long patience = sent != null && sent[2] == SNAPSHOT ? SNAPSHOT_PATIENCE_NANOS : resend_interval * 1_000_000;
        boolean unanswered = sent != null && System.nanoTime() - sent[1] > patience;
        if (sent != null && !acknowledged && !unanswered) {
            return; // the last range (or snapshot) is still on its way, or being installed
        }
        if (e.nextIndex() < log().firstAppended()) {
            // The entries it lacks were compacted away: the library would send the snapshot only while idle.
            try {
                sendSnapshotTo(member);
                catchingUp.put(member, new long[] {commit_index, System.nanoTime(), SNAPSHOT});
            } catch (Exception ex) {
                log.warn("%s: cannot send a snapshot to %s: %s", local_addr, member, ex);
            }
            return;
        }
        long from = Math.max(1, e.nextIndex());
        long to = Math.min(last_appended, from + MAX_RESEND_ENTRIES - 1);
        resend(member, from, to);
        catchingUp.put(member, new long[] {to, System.nanoTime(), to == last_appended ? LAST_RANGE : RANGE});
    }

    /**
     * A member that has every entry learns the new commit index at once, not with the next write or the idle
     * heartbeat a second later: a commit made on a follower waits for its own node to apply it (read-your-writes),
     * so without this a lone writer on a follower commits about once a second. Members still receiving entries
     * get the index with those.
     */
    private void sendCommitIndex(Address member, CommitTable.Entry e) {
        if (commit_index > e.commitIndex() && e.nextIndex() > last_appended && e.matchIndex() >= last_appended) {
            sendAppendEntriesMessage(member, e);
        }
    }

    @Override
    protected void resend(Address target, long from, long to) {
        super.resend(target, from, Math.min(to, from + MAX_RESEND_ENTRIES - 1));
    }

    // ---------------------------------------------------------------- batch apply

    /** Most committed entries handed to the state machine at once (one local transaction). */
    static final int MAX_APPLY_BATCH = 256;

    /**
     * Applies the committed entries {@code commit_index+1 .. to} as the library does, except that a run of
     * consecutive state-machine entries goes to {@link BatchApply#applyBatch} at once: the database commits them in
     * one local transaction instead of one each. Internal entries (member changes) are applied alone, in order.
     */
    @Override
    protected long applyCommits(long to, boolean serializeResponse) {
        if (!(state_machine instanceof BatchApply batch)) {
            return super.applyCommits(to, serializeResponse);
        }
        long done = commit_index;
        long i = commit_index + 1;
        while (i <= to) {
            LogEntry first = log_impl.get(i);
            if (first == null || first.internal() || first.command() == null) {
                try {
                    applyCommit(i, serializeResponse);
                } catch (Throwable t) {
                    LOG.error("member {}: failed moving the commit index to {}: {}", raft_id, i, t.toString());
                    return done;
                }
                done = i++;
                continue;
            }
            List<LogEntry> run = new ArrayList<>();
            for (long j = i; j <= to && run.size() < MAX_APPLY_BATCH; j++) {
                LogEntry e = j == i ? first : log_impl.get(j);
                if (e == null || e.internal() || e.command() == null) {
                    break;
                }
                run.add(e);
            }
            byte[][] results = batch.applyBatch(run);
            for (int k = 0; k < run.size(); k++, i++) {
                org.jgroups.raft.util.RequestTable.Entry<String> waiting = request_table != null ? request_table.remove(i) : null;
                notify(waiting, results[k]);
                done = i;
            }
        }
        return done;
    }

    /** A state machine that applies several committed entries at once (see {@link #applyCommits}). */
    interface BatchApply {
        /** One response per entry, in order; never throws (as {@link org.jgroups.raft.StateMachine#apply} here). */
        byte[][] applyBatch(List<LogEntry> entries);
    }

    // ---------------------------------------------------------------- only members count

    /** Whether {@code a} is a process of a member in this member's current list. */
    boolean isMember(Address a) {
        String raftId = raftId(a);
        return raftId != null && members().contains(raftId);
    }

    static String raftId(Address a) {
        if (a instanceof ExtendedUUID u) {
            byte[] id = u.get(raft_id_key);
            return id == null ? null : Util.bytesToString(id);
        }
        return null;
    }

    @Override
    public void handleUpRequest(Message msg, RaftHeader hdr) {
        if (!isMember(msg.src())) {
            ignore(msg.src(), "Raft messages (appends and acknowledgements)");
            return;
        }
        if (hdr instanceof AppendEntriesRequest r && msg instanceof ObjectMessage om) {
            if (currentTerm(hdr.currTerm()) < 0) {
                return; // from a leader of an earlier term, as the library drops it
            }
            if (!isLeader()) {
                long term = currentTerm();
                AppendResult res = followerAppend(om.getObject(), AppendFields.of(r), term).commitIndex(commit_index);
                down_prot.down(new EmptyMessage(msg.src()).putHeader(id, new AppendEntriesResponse(term, res)));
                return;
            }
        }
        boolean leading = isLeader();
        super.handleUpRequest(msg, hdr);
        if (leading && !isLeader() && leader() == null) {
            cutOffSince = System.nanoTime(); // a member answered from a later term: this leader was replaced elsewhere
        }
    }

    // ---------------------------------------------------------------- follower: commit only the leader's entries

    /**
     * A follower's AppendEntries, as the library's {@code RaftImpl.handleAppendEntriesRequest} does it, with three
     * changes that keep an entry the cluster never committed out of the state machine.
     *
     * <p>In 1.1.0 a follower commits up to the leader's commit index whatever its log holds there: an empty
     * AppendEntries (the commit message) or one below its commit index is not checked against the leader's log.
     * A leader cut off from its majority (paused, partitioned) keeps appending entries of its old term that no one
     * else has; once it follows the new leader, the next commit message made it apply them, as if committed: its
     * database took a write the cluster never made, its command ordinals no longer matched the others', and every
     * later AppendEntries failed with "cannot delete entries <= n as commit_index is higher". Its clients waited for
     * a local apply that never came (08007 after the commit timeout) for as long as it ran. The library also answered
     * every successful or empty AppendEntries with its last appended index, so such a stale tail was even counted
     * as the leader's entries, and it kept entries after a batch whose first entry matched.
     *
     * <p>Here the follower tracks how far its log is known to be the current leader's ({@link #matchedThrough}: its
     * commit index, raised by every AppendEntries whose previous entry matched); it commits no further than that,
     * answers with that index, and replaces every entry of a batch that differs in term from its own, not only the
     * first, or that has the same term but other content (which Raft rules out, and which a term stored lower than
     * the one voted in made happen: see {@link TermKeepingLog}). Raft thread only.
     */
    private AppendResult followerAppend(LogEntries entries, AppendFields r, long term) {
        leader(r.leader());
        if (term != matchedTerm || !java.util.Objects.equals(r.leader(), matchedLeader)) {
            matchedTerm = term; // a new leader: only committed entries are known to be in its log
            matchedLeader = r.leader();
            matchedThrough = 0;
        }
        matchedThrough = Math.max(matchedThrough, commit_index);
        long prev = r.prevIndex();
        long prevTerm = r.prevTerm();
        List<LogEntry> batch = new ArrayList<>();
        if (entries != null) {
            entries.forEach(batch::add);
        }
        if (prev < commit_index && !batch.isEmpty()) {
            // Entries up to the commit index are the same in every leader's log: keep only the later ones.
            int skip = (int) Math.min(batch.size(), commit_index - prev);
            batch = batch.subList(skip, batch.size());
            prev += skip;
            prevTerm = -1; // not compared: at or below the commit index
        }
        if (!batch.isEmpty()) {
            LogEntry before = prev > 0 ? log_impl.get(prev) : null;
            if (before == null && prev > 0 && prev > commit_index) {
                return new AppendResult(AppendResult.Result.FAIL_ENTRY_NOT_FOUND, matchedThrough);
            }
            if (before != null && prevTerm >= 0 && prev > commit_index && before.term() != prevTerm) {
                long conflict = prev;
                while (conflict - 1 > commit_index && log_impl.get(conflict - 1) != null
                        && log_impl.get(conflict - 1).term() == before.term()) {
                    conflict--;
                }
                deleteAllLogEntriesStartingFrom(conflict);
                return new AppendResult(AppendResult.Result.FAIL_CONFLICTING_PREV_TERM, conflict, before.term());
            }
            long index = prev + 1;
            int i = 0;
            for (; i < batch.size(); i++, index++) {
                LogEntry mine = log_impl.get(index);
                if (mine == null) {
                    break;
                }
                if (mine.term() != batch.get(i).term()) {
                    deleteAllLogEntriesStartingFrom(index); // above the commit index: prev is at or above it
                    break;
                }
                if (!sameEntry(mine, batch.get(i))) {
                    // Same index and term, other content: two leaders of one term (see TermKeepingLog). The current
                    // leader's entry replaces this member's, which was never committed (it is above the commit index).
                    LOG.warn("member {}: entry {} of term {} differs from the leader's entry of the same term; it is replaced",
                            raft_id, index, mine.term());
                    deleteAllLogEntriesStartingFrom(index);
                    break;
                }
            }
            if (i < batch.size()) {
                append(index, new LogEntries().add(batch.subList(i, batch.size()).toArray(new LogEntry[0])));
            }
            matchedThrough = Math.max(matchedThrough, prev + batch.size());
        }
        long to = Math.min(r.leaderCommit(), matchedThrough);
        if (to > commit_index) {
            commitLogTo(to, false);
        }
        return new AppendResult(AppendResult.Result.OK, matchedThrough);
    }

    /** The fields of an AppendEntries header, which the library keeps protected. */
    /** Same kind and the same command bytes (an index and term are compared by the caller). */
    private static boolean sameEntry(LogEntry a, LogEntry b) {
        if (a.internal() != b.internal() || (a.command() == null) != (b.command() == null)) {
            return false;
        }
        return a.command() == null || java.util.Arrays.equals(a.command(), a.offset(), a.offset() + a.length(),
                b.command(), b.offset(), b.offset() + b.length());
    }

    private record AppendFields(Address leader, long prevIndex, long prevTerm, long leaderCommit) {

        private static final java.lang.reflect.Field LEADER = field("leader");
        private static final java.lang.reflect.Field PREV_INDEX = field("prev_log_index");
        private static final java.lang.reflect.Field PREV_TERM = field("prev_log_term");
        private static final java.lang.reflect.Field LEADER_COMMIT = field("leader_commit");

        static AppendFields of(AppendEntriesRequest r) {
            try {
                return new AppendFields((Address) LEADER.get(r), PREV_INDEX.getLong(r), PREV_TERM.getLong(r), LEADER_COMMIT.getLong(r));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        private static java.lang.reflect.Field field(String name) {
            try {
                java.lang.reflect.Field f = AppendEntriesRequest.class.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** Logs (at most every 30 s per process) and reports that a non-member's messages are ignored. */
    void ignore(Address from, String what) {
        long now = System.nanoTime();
        Long last = complaints.get(from);
        if (last != null && now - last < COMPLAINT_NANOS) {
            return;
        }
        complaints.put(from, now);
        String why = "member " + raft_id + " ignores " + what + " from " + from + " (raft id " + raftId(from)
                + "): it is not in this member's member list " + members() + "; ledger.members must name the same members"
                + " on every member (docs/operations.md)";
        LOG.error(why);
        refusals.accept(why);
    }

    // ---------------------------------------------------------------- leader lease

    /** Whether this member stepped down for lack of a majority and has known no leader since. */
    boolean cutOff() {
        return cutOffSince != 0 && leader() == null;
    }

    @Override
    protected RAFT changeRole(Role role) {
        RAFT r = super.changeRole(role);
        if (leader() != null) {
            cutOffSince = 0;
        }
        return r;
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            long every = Math.max(TimeUnit.MILLISECONDS.toNanos(20), leaseNanos / 4);
            boolean paused = lastTick != 0 && now - lastTick > 3 * every + TimeUnit.MILLISECONDS.toNanos(100);
            lastTick = now;
            if (leader() != null) {
                cutOffSince = 0;
            }
            if (!isLeader()) {
                leaseStart = 0;
                return;
            }
            if (leaseStart == 0) {
                answered.clear();
            }
            if (leaseStart == 0 || paused) {
                leaseStart = now; // a new leadership, or this process did not run: every member gets a whole lease to answer
            }
            long term = currentTerm();
            View v = view;
            if (v != null) {
                for (Address a : v.getMembersRaw()) {
                    if (!a.equals(local_addr) && isMember(a)) {
                        send(a, HEARTBEAT, term, 0, false);
                    }
                }
            }
            if (now - leaseStart < leaseNanos) {
                return;
            }
            int heard = 1; // itself
            for (String member : members()) {
                Long at = answered.get(member);
                if (!member.equals(raft_id) && at != null && now - at < leaseNanos) {
                    heard++;
                }
            }
            if (heard < majority()) {
                stepDown("it heard from only " + heard + " of its members " + members() + " (itself included) within the last "
                        + TimeUnit.NANOSECONDS.toMillis(leaseNanos) + " ms");
            }
        } catch (RuntimeException e) {
            LOG.warn("lease check failed", e);
        }
    }

    private void stepDown(String why) {
        cutOffSince = System.nanoTime();
        LOG.warn("member {} steps down as leader of term {}: {}", raft_id, currentTerm(), why);
        setLeaderAndTerm(null);
    }

    /** Whether this member follows a leader it heard from within the lease, or leads. */
    boolean liveLeader() {
        return isLeader() || (heardLeader && System.nanoTime() - leaderHeartbeat < leaseNanos);
    }

    /**
     * Asks the other members in the view whether they follow a live leader. True when a majority of the members,
     * this one included, answers that they do not: only then can a vote elect a leader without deposing a live
     * one, and without a member cut off from the others raising its term in votes nobody answers.
     */
    boolean majorityWithoutLiveLeader(long timeoutMillis) throws InterruptedException {
        if (liveLeader()) {
            return false;
        }
        long probe = probeIds.incrementAndGet();
        Map<String, Boolean> answers = new ConcurrentHashMap<>();
        probes.put(probe, answers);
        try {
            int asked = 0;
            View v = view;
            if (v != null) {
                for (Address a : v.getMembersRaw()) {
                    if (!a.equals(local_addr) && isMember(a)) {
                        send(a, PROBE, currentTerm(), probe, false);
                        asked++;
                    }
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (true) {
                long without = 1 + answers.values().stream().filter(live -> !live).count();
                if (without >= majority()) {
                    return true;
                }
                if (answers.size() >= asked || System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
        } finally {
            probes.remove(probe);
        }
    }

    @Override
    public Object up(Message msg) {
        Header h = msg.getHeader(id);
        if (h instanceof LeaseHeader) {
            lease(msg.src(), msg);
            return null;
        }
        return super.up(msg);
    }

    @Override
    public void up(MessageBatch batch) {
        for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
            Message msg = it.next();
            if (msg.getHeader(id) instanceof LeaseHeader) {
                it.remove();
                lease(msg.src() != null ? msg.src() : batch.sender(), msg);
            }
        }
        if (!batch.isEmpty()) {
            super.up(batch);
        }
    }

    /** A lease message: its fields travel in the (encrypted) payload, the header only marks it. */
    private void lease(Address from, Message msg) {
        if (!isMember(from) || msg.getLength() < 18) {
            if (from != null && !isMember(from)) {
                ignore(from, "heartbeats");
            }
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(msg.getArray(), msg.getOffset(), msg.getLength());
        byte type = b.get();
        long term = b.getLong();
        long value = b.getLong();
        boolean flag = b.get() != 0;
        long mine = currentTerm();
        switch (type) {
            case HEARTBEAT -> {
                if (term >= mine) {
                    leaderHeartbeat = System.nanoTime();
                    heardLeader = true;
                }
                send(from, ANSWER, term, mine, false);
            }
            case ANSWER -> {
                if (value > mine) {
                    cutOffSince = System.nanoTime();
                    LOG.warn("member {} steps down as leader of term {}: member {} is in the later term {}", raft_id, mine, raftId(from), value);
                    currentTerm(value); // a later term: this leader was replaced while it could not hear the others
                } else if (term == mine && isLeader()) {
                    answered.put(raftId(from), System.nanoTime());
                }
            }
            case PROBE -> send(from, PROBE_ANSWER, mine, value, liveLeader());
            case PROBE_ANSWER -> {
                Map<String, Boolean> answers = probes.get(value);
                if (answers != null) {
                    answers.put(raftId(from), flag);
                }
            }
            default -> { }
        }
    }

    private void send(Address to, byte type, long term, long value, boolean flag) {
        byte[] body = ByteBuffer.allocate(18).put(type).putLong(term).putLong(value).put((byte) (flag ? 1 : 0)).array();
        // Out of band: a heartbeat must not queue behind the Raft traffic it vouches for.
        down_prot.down(new BytesMessage(to, body).putHeader(id, new LeaseHeader()).setFlag(Message.Flag.OOB));
    }

    /** Marks a lease message (heartbeat, answer, probe); what it says is in the payload, which the secret encrypts. */
    public static final class LeaseHeader extends Header {

        public LeaseHeader() {
        }

        @Override
        public short getMagicId() {
            return LEASE_HEADER;
        }

        @Override
        public Supplier<? extends Header> create() {
            return LeaseHeader::new;
        }

        @Override
        public int serializedSize() {
            return 0;
        }

        @Override
        public void writeTo(DataOutput out) {
        }

        @Override
        public void readFrom(DataInput in) {
        }
    }
}
