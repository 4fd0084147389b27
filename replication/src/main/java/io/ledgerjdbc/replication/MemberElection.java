package io.ledgerjdbc.replication;

import java.util.Iterator;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.RaftHeader;
import org.jgroups.protocols.raft.election.LeaderElected;
import org.jgroups.util.MessageBatch;

/**
 * jgroups-raft's ELECTION, counting members only: vote requests, votes and leader announcements from a process
 * whose raft id is not in this member's current member list are dropped, as is an announcement that names a
 * non-member as leader. The library counts a vote from any process in the JGroups view (see {@link LedgerRaft},
 * "Only members count").
 */
final class MemberElection extends ELECTION {

    MemberElection() {
        // Headers carry the protocol id, which JGroups looks up by class: speak exactly as ELECTION does on the wire.
        id = ClassConfigurator.getProtocolId(ELECTION.class);
    }

    @Override
    public Object up(Message msg) {
        if (msg.getHeader(id) instanceof RaftHeader hdr && !fromMember(msg.src(), hdr)) {
            return null;
        }
        return super.up(msg);
    }

    @Override
    public void up(MessageBatch batch) {
        for (Iterator<Message> it = batch.iterator(); it.hasNext(); ) {
            Message msg = it.next();
            if (msg.getHeader(id) instanceof RaftHeader hdr && !fromMember(msg.src() != null ? msg.src() : batch.sender(), hdr)) {
                it.remove();
            }
        }
        if (!batch.isEmpty()) {
            super.up(batch);
        }
    }

    private boolean fromMember(org.jgroups.Address src, RaftHeader hdr) {
        LedgerRaft members = (LedgerRaft) raft();
        if (members == null) {
            return true; // not initialised yet: nothing counts before RAFT is there
        }
        if (!members.isMember(src)) {
            members.ignore(src, "votes");
            return false;
        }
        if (hdr instanceof LeaderElected elected && elected.leader() != null && !members.isMember(elected.leader())) {
            members.ignore(elected.leader(), "a leader announcement naming it");
            return false;
        }
        return true;
    }
}
