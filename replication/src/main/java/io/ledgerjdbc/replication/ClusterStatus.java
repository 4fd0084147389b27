package io.ledgerjdbc.replication;

import java.util.List;

/**
 * One member's view of its cluster.
 *
 * @param nodeId      this member
 * @param role        Leader, Follower or Learner (jgroups-raft's roles)
 * @param leader      the leader's id, or null while none is known
 * @param term        the current Raft term
 * @param commitIndex the Raft log's commit index as this member knows it
 * @param applied     the ordinal of the last command applied here
 * @param view        the members this one currently talks to
 * @param ledgerSize  the local ledger's size
 * @param diverged    why this member stopped applying, or null
 * @param members     the cluster's members as its Raft log has them (changed by {@code cluster add/remove})
 */
public record ClusterStatus(String nodeId, String role, String leader, long term, long commitIndex, long applied,
                            List<String> view, long ledgerSize, String diverged, List<String> members) {

    /** A status without the member list (status rows written before it was kept). */
    public ClusterStatus(String nodeId, String role, String leader, long term, long commitIndex, long applied,
                         List<String> view, long ledgerSize, String diverged) {
        this(nodeId, role, leader, term, commitIndex, applied, view, ledgerSize, diverged, List.of());
    }
}
