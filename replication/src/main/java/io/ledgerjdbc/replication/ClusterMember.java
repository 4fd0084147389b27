package io.ledgerjdbc.replication;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.net.BindException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.View;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.RaftLeaderException;
import org.jgroups.raft.RaftHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's membership in one cluster: one per cluster name and node id, however many connections use it.
 * {@link #submit} orders a command through Raft and returns once it is committed by a majority and applied
 * locally, so the caller reads its own writes.
 */
public final class ClusterMember implements AutoCloseable, ClusterMemberMXBean {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);
    private static final Map<String, ClusterMember> MEMBERS = new ConcurrentHashMap<>();
    /** How often the leader checks that every member's ledger still matches its own. */
    private static final long CHECKPOINT_MILLIS = 1000;
    /** How often a follower waiting for its forwarded command checks that the leader is still there. */
    private static final long LEADER_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ClusterConfig config;
    private final Replica replica;
    private final ReplicaStateMachine stateMachine;
    private final JChannel channel;
    private final SnapshotTransfer transfer;
    private final RaftHandle raft;
    private final ScheduledExecutorService checkpoints;
    /** Serves membership requests left in the database: a change may wait a commit timeout, the checks must not. */
    private final ScheduledExecutorService admin;
    private long lastCheckpointSize = -1;
    /** Consecutive checks that saw a majority but no leader; touched only by the checkpoint thread. */
    private int leaderlessChecks;
    /** Set once this member saw its own removal committed (`cluster remove`) and left. */
    private volatile boolean removed;
    /** Proposals of a genesis wait here, so one process proposes one at a time. */
    private final Object genesisLock = new Object();
    /** The last process refused as a non-member or for another member list, for the errors clients get. */
    private volatile String lastRefusal;
    private volatile long lastRefusalNanos;
    /** How long a refusal is worth mentioning in a client's error. */
    private static final long REFUSAL_NOTE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private ClusterMember(ClusterConfig config, Replica replica) throws Exception {
        this.config = config;
        this.replica = replica;
        this.channel = RaftStack.channel(config, () -> replica.appliedPosition().clusterId(), this::refused);
        this.transfer = new SnapshotTransfer(channel, replica, config.nodeId());
        this.raft = new RaftHandle(channel, null).raftId(config.nodeId());
        this.stateMachine = new ReplicaStateMachine(replica, config.nodeId(), () -> raft.raft().members().size(), transfer);
        raft.stateMachine(stateMachine);
        raft.addRoleListener(role -> LOG.info("member {} of cluster {} is now {}", config.nodeId(), config.clusterName(), role));
        this.checkpoints = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledger-checkpoint-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
        this.admin = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledger-admin-" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The member for {@code config}, started on first use. A second start with another configuration for the
     * same cluster and node id is refused: one process is one member.
     *
     * @throws ReplicationException 08001 when the member cannot start (port in use, unreadable log)
     */
    public static ClusterMember start(ClusterConfig config, Supplier<Replica> replica) throws ReplicationException {
        synchronized (MEMBERS) {
            ClusterMember existing = MEMBERS.get(config.registryKey());
            if (existing != null) {
                if (!existing.config.members().equals(config.members()) || !Objects.equals(existing.config.dataDir(), config.dataDir())) {
                    throw new ReplicationException("member " + config.nodeId() + " of cluster " + config.clusterName()
                            + " already runs in this process with another member list or data directory", SqlStates.UNABLE_TO_CONNECT, null);
                }
                return existing;
            }
            ClusterMember member;
            try {
                member = new ClusterMember(config, replica.get());
            } catch (Exception e) {
                throw new ReplicationException(startFailure(config, e), SqlStates.UNABLE_TO_CONNECT, e);
            }
            try {
                member.channel.connect(config.clusterName());
            } catch (Exception e) {
                member.closeQuietly();
                String why = startFailure(config, e);
                LOG.error(why);
                throw new ReplicationException(why, SqlStates.UNABLE_TO_CONNECT, e);
            }
            String refusal = member.stateMachine.refusal();
            if (refusal != null) {
                // Its own Raft log already shows that the database cannot follow it: say so now, not at the first write.
                member.closeQuietly();
                throw new ReplicationException("member " + config.nodeId() + " of cluster " + config.clusterName()
                        + " refuses to start: " + refusal, SqlStates.UNABLE_TO_CONNECT, null);
            }
            List<String> logMembers = member.members();
            if (!new java.util.TreeSet<>(logMembers).equals(new java.util.TreeSet<>(config.members().keySet()))) {
                LOG.warn("member {} of cluster {}: ledger.members names {} but the cluster's Raft log has the members {}"
                        + " (changed with `cluster add/remove`): the log's list counts; update ledger.members to match",
                        config.nodeId(), config.clusterName(), config.members().keySet(), logMembers);
            }
            member.checkpoints.scheduleWithFixedDelay(member::electIfLeaderless, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS,
                    TimeUnit.MILLISECONDS);
            member.checkpoints.scheduleWithFixedDelay(member::leaveIfRemoved, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS,
                    TimeUnit.MILLISECONDS);
            member.checkpoints.scheduleWithFixedDelay(member::proposeCheckpoint, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS,
                    TimeUnit.MILLISECONDS);
            member.checkpoints.scheduleWithFixedDelay(member::publishStatus, 0, CHECKPOINT_MILLIS, TimeUnit.MILLISECONDS);
            member.admin.scheduleWithFixedDelay(member::serveMembershipRequest, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS, TimeUnit.MILLISECONDS);
            MEMBERS.put(config.registryKey(), member);
            member.registerMBean();
            LOG.info("member {} joined cluster {} ({} members)", config.nodeId(), config.clusterName(), config.members().size());
            return member;
        }
    }

    private static String startFailure(ClusterConfig config, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return "member " + config.nodeId() + " cannot listen on " + config.listenAddress() + ": " + t.getMessage();
            }
            if (t instanceof SecurityException) { // a join refused by MembershipAuth, with its reason
                return "member " + config.nodeId() + " could not join cluster " + config.clusterName() + ": " + t.getMessage();
            }
            if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("is not listed in members")) {
                // RAFT.start: the member's own Raft log shows it was removed (`cluster remove`)
                return "member " + config.nodeId() + " was removed from cluster " + config.clusterName() + " (its Raft log: "
                        + t.getMessage() + "). To bring it back, run `cluster add " + config.nodeId() + "` on a running"
                        + " member, delete this member's ledger.dataDir (keep its database) and start it again; see"
                        + " docs/operations.md, \"Adding, removing and replacing members\"";
            }
        }
        return "member " + config.nodeId() + " could not join cluster " + config.clusterName() + ": " + e;
    }

    /**
     * Orders {@code command} and waits until it is applied here.
     *
     * @throws ReplicationException 08001 when no leader was reachable (nothing submitted); 08007 when the command
     *                              was submitted but its outcome is unknown within the commit timeout; 08006 when
     *                              this member stopped applying
     */
    public Outcome submit(Command command) throws ReplicationException {
        long deadline = System.nanoTime() + config.commitTimeout().toNanos();
        checkRunning();
        if (stateMachine.identity() == null) {
            proposeGenesis(deadline);
        }
        return order(command, deadline);
    }

    /**
     * Every Raft log starts with a genesis (see {@link ReplicaStateMachine}): a member that has applied none
     * proposes one before its first command and waits until it is applied here. Several members may propose at
     * once; the first applied names the log, the others change nothing. A member whose database the log refuses
     * learns it here (08006), before its write.
     */
    private void proposeGenesis(long deadline) throws ReplicationException {
        synchronized (genesisLock) {
            if (stateMachine.identity() != null) {
                return;
            }
            Replica.LedgerPosition p = replica.position();
            LogIdentity log = LogIdentity.newLog(replica.appliedPosition().clusterId());
            LOG.info("member {} proposes the genesis of a Raft log of cluster {} (log {}, ledger size {})", config.nodeId(),
                    log.clusterId(), log.logId(), p.size());
            order(new Command.Genesis(log, p.size(), p.chainHash()), deadline);
            checkRunning();
        }
    }

    private Outcome order(Command command, long deadline) throws ReplicationException {
        byte[] bytes = command.encode();
        while (true) {
            CompletableFuture<byte[]> future;
            Address leader = raft.leader();
            try {
                future = raft.setAsync(bytes, 0, bytes.length);
            } catch (Exception e) {
                if (retryable(e) && cutOff()) {
                    throw new ReplicationException("member " + config.nodeId() + " lost contact with a majority of its members "
                            + members() + " and stepped down as leader; nothing was submitted: retry on another"
                            + " member" + refusalNote(), SqlStates.UNABLE_TO_CONNECT, e);
                }
                if (!retryable(e) || !pause(deadline)) {
                    throw new ReplicationException("no leader reachable within the commit timeout ("
                            + config.commitTimeout().toMillis() + " ms): " + e.getMessage() + refusalNote(), SqlStates.UNABLE_TO_CONNECT, e);
                }
                continue;
            }
            Outcome outcome;
            try {
                outcome = Outcome.decode(awaitLeader(future, leader, deadline));
            } catch (ExecutionException e) {
                if (retryable(e.getCause()) && pause(deadline)) {
                    continue; // no leader took it: nothing was appended, so trying again cannot duplicate it
                }
                if (steppedDown(e.getCause())) {
                    throw new ReplicationException("the leader stepped down before it confirmed the transaction (it lost"
                            + " contact with its majority, or a newer leader replaced it); it may still commit" + refusalNote(),
                            SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e.getCause());
                }
                throw new ReplicationException("the cluster did not commit the transaction: " + e.getCause() + refusalNote(),
                        SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e.getCause());
            } catch (TimeoutException e) {
                future.cancel(false);
                throw new ReplicationException("the transaction was sent to the cluster but not confirmed within "
                        + config.commitTimeout().toMillis() + " ms (no majority reachable?); it may still commit" + refusalNote(),
                        SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplicationException("interrupted while waiting for the cluster; the transaction may still commit", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e);
            }
            awaitLocal(outcome.ordinal(), deadline);
            return agreed(outcome);
        }
    }

    /** Whether this member stepped down for lack of a majority (its lease ran out) and knows no leader since. */
    private boolean cutOff() {
        return channel.getProtocolStack().findProtocol(LedgerRaft.class) instanceof LedgerRaft r && r.cutOff();
    }

    /** The library fails a leader's pending commands with "I'm not the leader" when it steps down. */
    private static boolean steppedDown(Throwable e) {
        return e instanceof IllegalStateException && String.valueOf(e.getMessage()).startsWith("I'm not the leader");
    }

    private void refused(String why) {
        lastRefusal = why;
        lastRefusalNanos = System.nanoTime();
    }

    /** The last refusal of a disagreeing process, when recent: often the reason no majority could be reached. */
    private String refusalNote() {
        String why = lastRefusal;
        return why != null && System.nanoTime() - lastRefusalNanos < REFUSAL_NOTE_NANOS ? "; " + why : "";
    }

    /**
     * Waits for the answer of {@code leader}, the member this one forwarded the command to. The library never
     * fails a forwarded command whose leader died: without this check the caller would wait out the whole commit
     * timeout after every leader crash. The outcome is unknown (the new leader may still commit the entry), so
     * the caller gets 08007, not a retry that could apply the write-set twice.
     */
    private byte[] awaitLeader(CompletableFuture<byte[]> future, Address leader, long deadline)
            throws ExecutionException, TimeoutException, InterruptedException, ReplicationException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException();
            }
            try {
                return future.get(Math.min(left, LEADER_CHECK_NANOS), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                View view = channel.getView();
                if (leader != null && !leader.equals(channel.getAddress()) && view != null && !view.containsMember(leader)) {
                    future.cancel(false);
                    throw new ReplicationException("the leader " + leader + " left the cluster before it confirmed the"
                            + " transaction; it may still commit", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, null);
                }
            }
        }
    }

    /**
     * The leader's answer, if this member's own apply of the same command agrees. A member whose database no longer
     * follows the log (tampered, or a constraint only it hit) answers differently, and it may be the leader: then
     * neither answer can be given as certain, and the caller gets 08007 (the transaction may have committed on the
     * others) rather than a 40001 that would make it retry a transaction the majority already holds.
     */
    private Outcome agreed(Outcome leaders) throws ReplicationException {
        Outcome mine = stateMachine.localOutcome(leaders.ordinal());
        if (mine == null || mine.equals(leaders)) {
            return leaders;
        }
        if (leaders instanceof Outcome.Diverged) {
            return mine; // the leader stopped applying (it is leaving); this member applied it and answers for itself
        }
        boolean sameKind = mine.getClass() == leaders.getClass()
                && !(mine instanceof Outcome.Committed a && leaders instanceof Outcome.Committed b && a.seq() != b.seq());
        if (sameKind) {
            return leaders; // e.g. both rejected, with messages that differ only in wording
        }
        throw new ReplicationException("the leader and member " + config.nodeId() + " disagree on this transaction's outcome ("
                + leaders + " vs " + mine + "): one of them no longer follows the log; the transaction may have committed "
                + "on the others", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, null);
    }

    /** The cluster's members as the Raft log has them now: the configured list until `cluster add/remove` changed it. */
    public List<String> members() {
        return List.copyOf(raft.raft().members());
    }

    /**
     * Adds {@code id} to the cluster's members through the Raft log (jgroups-raft's {@code addServer}, forwarded to
     * the leader), and returns once the change is committed and applied here. From then on the member counts toward
     * every majority (the majority of 3 members is 2, of 4 it is 3), so start it soon after; it catches up (by the
     * snapshot when the log was compacted) while the others keep committing. One change at a time.
     *
     * @throws ReplicationException 42000 when {@code id} is already a member; 08001 when no leader was reachable;
     *                              08007 when the change was submitted but not confirmed within the commit timeout
     */
    public void addMember(String id) throws ReplicationException {
        changeMembers(id, true);
    }

    /**
     * Removes {@code id} from the cluster's members through the Raft log (jgroups-raft's {@code removeServer}). A
     * running member that sees its own removal committed leaves the cluster (its clients get 08006). Removing a dead
     * member restores the majority the others need when they are too few without it.
     *
     * @throws ReplicationException 42000 when {@code id} is not a member or the last one; 08001 / 08007 as {@link #addMember}
     */
    public void removeMember(String id) throws ReplicationException {
        changeMembers(id, false);
    }

    private void changeMembers(String id, boolean add) throws ReplicationException {
        checkRunning();
        if (id == null || !id.matches("[A-Za-z0-9_.-]+")) {
            throw new ReplicationException("a member id is letters, digits, '_', '.' and '-': " + id, SqlStates.SYNTAX_ERROR_OR_ACCESS_RULE, null);
        }
        List<String> now = members();
        if (add && now.contains(id)) {
            throw new ReplicationException("member " + id + " is already a member of cluster " + config.clusterName() + ": " + now, SqlStates.SYNTAX_ERROR_OR_ACCESS_RULE, null);
        }
        if (!add && !now.contains(id)) {
            throw new ReplicationException(id + " is not a member of cluster " + config.clusterName() + ": " + now, SqlStates.SYNTAX_ERROR_OR_ACCESS_RULE, null);
        }
        if (!add && now.size() == 1) {
            throw new ReplicationException("member " + id + " is the last member of cluster " + config.clusterName(), SqlStates.SYNTAX_ERROR_OR_ACCESS_RULE, null);
        }
        long deadline = System.nanoTime() + config.commitTimeout().toNanos();
        String what = (add ? "adding " : "removing ") + "member " + id + " (members now " + now + ")";
        while (true) {
            CompletableFuture<byte[]> future;
            try {
                // REDIRECT forwards the change to the leader (RaftHandle's would throw on a follower).
                org.jgroups.protocols.raft.REDIRECT redirect = channel.getProtocolStack().findProtocol(org.jgroups.protocols.raft.REDIRECT.class);
                future = add ? redirect.addServer(id) : redirect.removeServer(id);
            } catch (Exception e) {
                if (retryable(e) && pause(deadline)) {
                    continue;
                }
                throw new ReplicationException("no leader reachable for " + what + ": " + e.getMessage() + refusalNote(), SqlStates.UNABLE_TO_CONNECT, e);
            }
            try {
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (retryable(e.getCause()) && pause(deadline)) {
                    continue;
                }
                throw new ReplicationException("the cluster did not commit " + what + ": " + e.getCause() + refusalNote(), SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e.getCause());
            } catch (TimeoutException e) {
                throw new ReplicationException(what + " was not confirmed within " + config.commitTimeout().toMillis()
                        + " ms (no majority reachable?); it may still commit: check with `cluster list`" + refusalNote(), SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplicationException("interrupted while " + what + "; it may still commit", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e);
            }
            break;
        }
        // Committed by the leader; wait until this member applied it too, so `cluster list` here shows it.
        while (members().contains(id) != add) {
            if (!pause(deadline)) {
                throw new ReplicationException(what + " committed but was not applied on member " + config.nodeId()
                        + " within the commit timeout", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, null);
            }
        }
        LOG.info("member {} of cluster {}: {} done, members now {}", config.nodeId(), config.clusterName(),
                add ? "adding " + id : "removing " + id, members());
    }

    /** Carries out a `cluster add/remove` left in this member's database and answers there. */
    private void serveMembershipRequest() {
        MembershipRequest r;
        try {
            r = replica.takeMembershipRequest();
        } catch (RuntimeException e) {
            LOG.debug("membership requests not read", e);
            return;
        }
        if (r == null) {
            return;
        }
        LOG.info("member {} of cluster {}: {} {} asked through its database", config.nodeId(), config.clusterName(),
                r.add() ? "adding" : "removing", r.member());
        try {
            changeMembers(r.member(), r.add());
            replica.answerMembershipRequest(r, true, "members now " + members());
        } catch (ReplicationException e) {
            replica.answerMembershipRequest(r, false, e.sqlState() + " " + e.getMessage());
        } catch (RuntimeException e) {
            replica.answerMembershipRequest(r, false, "HY000 " + e);
        }
    }

    /**
     * A member whose removal is committed leaves the cluster: the others no longer count it (its votes and
     * acknowledgements are ignored), and its clients must go to a member that still commits.
     */
    private void leaveIfRemoved() {
        if (removed || !channel.isConnected() || members().contains(config.nodeId())) {
            return;
        }
        removed = true;
        LOG.warn("member {} was removed from cluster {} (members now {}) and leaves it", config.nodeId(), config.clusterName(), members());
        publishStatus();
        channel.disconnect();
    }

    /** Waits until everything the leader committed before now is applied here (linearizable reads). */
    public void barrier() throws ReplicationException {
        submit(new Command.Barrier());
    }

    private void awaitLocal(long ordinal, long deadline) throws ReplicationException {
        try {
            if (!stateMachine.awaitApplied(ordinal, deadline)) {
                checkRunning();
                throw new ReplicationException("the transaction committed in the cluster but was not applied on member "
                        + config.nodeId() + " within the commit timeout", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicationException("interrupted while waiting for the local apply", SqlStates.TRANSACTION_RESOLUTION_UNKNOWN, e);
        }
    }

    private void checkRunning() throws ReplicationException {
        String refusal = stateMachine.refusal();
        if (refusal != null) {
            throw new ReplicationException("member " + config.nodeId() + " refuses to apply the cluster's log to its database: "
                    + refusal, SqlStates.CONNECTION_FAILURE, null);
        }
        String why = stateMachine.diverged();
        if (why != null) {
            throw new ReplicationException("member " + config.nodeId() + " stopped applying (diverged): " + why, SqlStates.CONNECTION_FAILURE, null);
        }
        if (removed) {
            throw new ReplicationException("member " + config.nodeId() + " was removed from cluster " + config.clusterName()
                    + " (`cluster remove`) and left it; connect to a member of " + members(), SqlStates.CONNECTION_FAILURE, null);
        }
        if (!channel.isConnected()) {
            throw new ReplicationException("member " + config.nodeId() + " is closed", SqlStates.CONNECTION_FAILURE, null);
        }
    }

    private static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RaftLeaderException) {
                return true;
            }
        }
        return false;
    }

    private static boolean pause(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            Thread.sleep(Math.min(25, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * jgroups-raft elects only on a view change, and only the view coordinator starts the vote. When the members
     * that form the majority were frozen (SIGSTOP, a paused VM) while the leader lost its majority and stepped
     * down, they wake up still believing in the old leader, the merged view looks unchanged to the coordinator,
     * and nobody ever votes again. A member that has known no leader for two checks while a majority is in its
     * view starts the vote itself, once a majority of the members confirms that none of them follows a live
     * leader (a member that stepped down when it was cut off still has the others in its stale view: without the
     * check it would vote in ever higher terms nobody answers, and depose the real leader when the views merge).
     * The higher term it votes in replaces the stale leader everywhere.
     */
    private void electIfLeaderless() {
        try {
            View view = channel.getView();
            boolean leaderless = raft.leader() == null && view != null && view.size() > members().size() / 2;
            leaderlessChecks = leaderless ? leaderlessChecks + 1 : 0;
            if (leaderlessChecks >= 2) {
                ELECTION election = channel.getProtocolStack().findProtocol(ELECTION.class);
                LedgerRaft lease = channel.getProtocolStack().findProtocol(LedgerRaft.class);
                if (election != null && !election.isVotingThreadRunning() && lease.majorityWithoutLiveLeader(500)) {
                    LOG.info("member {} sees a majority but no leader: starting a vote", config.nodeId());
                    election.startVotingThread();
                }
                leaderlessChecks = 0;
            }
        } catch (RuntimeException e) {
            LOG.debug("leaderless check failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Every member proposes its ledger position when it changed; every other member compares it with its own (see
     * {@link ReplicaStateMachine}). A member that found itself diverged records its status and leaves the cluster,
     * so that a leader which no longer follows the log hands over to the majority instead of leading it.
     */
    private void proposeCheckpoint() {
        try {
            if (stateMachine.diverged() != null) {
                leaveAsDiverged();
                return;
            }
            Replica.LedgerPosition p = replica.position();
            if (p.size() == lastCheckpointSize || p.size() == 0 || stateMachine.identity() == null) {
                return;
            }
            byte[] command = new Command.Checkpoint(config.nodeId(), p.size(), p.chainHash()).encode();
            raft.setAsync(command, 0, command.length); // fire and forget: a lost checkpoint is replaced by the next
            lastCheckpointSize = p.size();
        } catch (Exception e) {
            LOG.debug("checkpoint not proposed", e);
        }
    }

    private void leaveAsDiverged() {
        if (channel.isConnected()) {
            publishStatus();
            LOG.error("member {} diverged and leaves cluster {}: {}", config.nodeId(), config.clusterName(), stateMachine.diverged());
            channel.disconnect();
        }
    }

    private void publishStatus() {
        try {
            replica.publish(status());
        } catch (RuntimeException e) {
            LOG.debug("status not published", e);
        }
    }

    private javax.management.ObjectName mbeanName() throws javax.management.MalformedObjectNameException {
        return new javax.management.ObjectName("io.ledgerjdbc:type=ClusterMember,cluster="
                + javax.management.ObjectName.quote(config.clusterName()) + ",node=" + javax.management.ObjectName.quote(config.nodeId()));
    }

    private void registerMBean() {
        try {
            java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(this, mbeanName());
        } catch (Exception e) {
            LOG.warn("member {}: JMX figures not registered: {}", config.nodeId(), e.toString());
        }
    }

    private void unregisterMBean() {
        try {
            java.lang.management.ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName());
        } catch (Exception e) {
            LOG.debug("JMX figures not unregistered", e);
        }
    }

    @Override
    public String getRole() {
        return raft.raft().role();
    }

    @Override
    public String getLeader() {
        Address leader = raft.leader();
        return leader == null ? "" : leader.toString();
    }

    @Override
    public long getTerm() {
        return raft.currentTerm();
    }

    @Override
    public long getCommitIndex() {
        return raft.commitIndex();
    }

    @Override
    public long getApplied() {
        return stateMachine.applied();
    }

    @Override
    public long getCommits() {
        return stateMachine.commits();
    }

    @Override
    public long getRejections() {
        return stateMachine.rejections();
    }

    @Override
    public double getApplyMicrosMean() {
        return stateMachine.applyMicrosMean();
    }

    @Override
    public double getApplyBatchMean() {
        return stateMachine.applyBatchMean();
    }

    @Override
    public long getSnapshotEntriesInstalled() {
        return stateMachine.installedEntries();
    }

    @Override
    public String getDiverged() {
        String why = stateMachine.diverged();
        return why == null ? "" : why;
    }

    public ClusterStatus status() {
        Address leader = raft.leader();
        List<String> view = channel.getView() == null ? List.of()
                : channel.getView().getMembers().stream().map(String::valueOf).toList();
        return new ClusterStatus(config.nodeId(), raft.raft().role(), leader == null ? null : leader.toString(),
                raft.currentTerm(), raft.commitIndex(), stateMachine.applied(), view, replica.position().size(),
                removed ? "removed from the cluster (`cluster remove`)" : stateMachine.diverged(), members());
    }

    public ClusterConfig config() {
        return config;
    }

    public boolean isLeader() {
        return raft.isLeader();
    }

    private void closeQuietly() {
        checkpoints.shutdownNow();
        admin.shutdownNow();
        try {
            channel.close();
        } catch (RuntimeException e) {
            LOG.debug("closing a member that did not start", e);
        }
        transfer.close();
    }

    /** Leaves the cluster; the next {@link #start} for the same id starts a new member. */
    @Override
    public void close() {
        synchronized (MEMBERS) {
            MEMBERS.remove(config.registryKey(), this);
        }
        checkpoints.shutdownNow();
        admin.shutdownNow();
        unregisterMBean();
        channel.close();
        transfer.close();
        LOG.info("member {} left cluster {} ({} write-sets applied, {} per local transaction on average)", config.nodeId(),
                config.clusterName(), stateMachine.commits() + stateMachine.rejections(), String.format("%.1f", stateMachine.applyBatchMean()));
    }

    /** The member {@code nodeId} of {@code clusterName} running in this process, if any. */
    public static java.util.Optional<ClusterMember> running(String clusterName, String nodeId) {
        return java.util.Optional.ofNullable(MEMBERS.get(clusterName + "/" + nodeId));
    }

    /** Closes every member of this process (tests, shutdown hooks). */
    public static void closeAll() {
        for (ClusterMember m : List.copyOf(MEMBERS.values())) {
            m.close();
        }
    }
}
