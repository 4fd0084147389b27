package io.ledgerjdbc.replication;

/**
 * A cluster member's figures over JMX, as {@code io.ledgerjdbc:type=ClusterMember,cluster=<name>,node=<id>}.
 * Counters count since the member started in this process.
 */
public interface ClusterMemberMXBean {

    String getRole();

    /** The leader's id, or empty while none is known. */
    String getLeader();

    long getTerm();

    long getCommitIndex();

    /** The ordinal of the last command applied here. */
    long getApplied();

    /** Write-sets applied here that became ledger entries. */
    long getCommits();

    /** Write-sets rejected here: conflicts (40001) and errors every node raised alike. */
    long getRejections();

    /** Mean time to certify and apply one write-set here, in microseconds. */
    double getApplyMicrosMean();

    /** Mean committed write-sets applied per local transaction (batch apply); 0 before the first. */
    double getApplyBatchMean();

    /** Ledger entries this member received from its peers while installing snapshots. */
    long getSnapshotEntriesInstalled();

    /** Why this member stopped applying, or empty. */
    String getDiverged();
}
