package io.ledgerjdbc.replication;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jgroups.Address;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.raft.util.CommitTable;

/**
 * jgroups-raft's RAFT with catch-up that works under load.
 *
 * <p>In 1.1.0 the leader resends entries a member is missing only when its request queue has been idle for
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
 */
final class CatchUpRaft extends RAFT {

    /** Entries per catch-up message: bounded memory on both sides, few round trips. */
    static final int MAX_RESEND_ENTRIES = 500;

    private static final long RANGE = 0;
    private static final long LAST_RANGE = 1;
    private static final long SNAPSHOT = 2;
    /**
     * How long a member may take to install a snapshot (fetching the ledger entries it lacks) before it is sent
     * another; each one it does get is installed, and the later ones fetch only what the first left out.
     */
    private static final long SNAPSHOT_PATIENCE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /** Per lagging member: the last index sent to it, when, and whether that was the end of the log. Touched only by the library's processing thread. */
    private final Map<Address, long[]> catchingUp = new HashMap<>();

    CatchUpRaft() {
        // Headers carry the protocol id, which JGroups looks up by class: speak exactly as RAFT does on the wire.
        id = ClassConfigurator.getProtocolId(RAFT.class);
    }

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
}
