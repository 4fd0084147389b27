package io.ledgerjdbc.replication;

import java.util.Objects;
import java.util.UUID;

/**
 * Which history an applied ordinal counts in. Ordinals number the commands of one Raft log, so an ordinal a
 * database stored means something only in the log it was applied from: a copied or restored database, or a member
 * whose log directory was lost and started afresh, meets a log in which the same number names other commands.
 *
 * @param clusterId created with the first log of a cluster and kept by every later one started from its databases
 * @param logId     created with each new Raft log (its genesis); every member of that log shares it
 */
public record LogIdentity(String clusterId, String logId) {

    public LogIdentity {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(logId, "logId");
        if (clusterId.isEmpty() || logId.isEmpty() || clusterId.length() > 64 || logId.length() > 64) {
            throw new IllegalArgumentException("cluster and log ids have 1 to 64 characters");
        }
    }

    /** A new log of the cluster {@code clusterId}, or of a new cluster when it is null. */
    static LogIdentity newLog(String clusterId) {
        return new LogIdentity(clusterId == null ? UUID.randomUUID().toString() : clusterId, UUID.randomUUID().toString());
    }
}
