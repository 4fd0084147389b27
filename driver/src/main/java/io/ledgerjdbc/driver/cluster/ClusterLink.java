package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.driver.database.LedgerDatabase;
import io.ledgerjdbc.driver.database.AutoDigest;
import io.ledgerjdbc.driver.LedgerConfig;
import io.ledgerjdbc.driver.LedgerOption;

import io.ledgerjdbc.driver.cluster.ClusterApplier;
import io.ledgerjdbc.driver.cluster.NodeKeys;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.SqlDialect;
import io.ledgerjdbc.ledger.store.SqlStates;
import io.ledgerjdbc.replication.ClusterConfig;
import io.ledgerjdbc.replication.ClusterMember;
import io.ledgerjdbc.replication.ClusterStatus;
import io.ledgerjdbc.replication.Command;
import io.ledgerjdbc.replication.Outcome;
import io.ledgerjdbc.replication.ReplicationException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One database's membership in a Raft cluster, or none: joins on first use (one member per database in this
 * process, applying on a connection of its own), submits each transaction's write-set and turns its outcome into
 * the caller's SQLException, and waits for the cluster's barrier. Replication's exceptions become SQLExceptions
 * here, with their SQLState, so the session sees only JDBC errors.
 *
 * <p>Threading: {@link #join} is synchronized (connections opening concurrently); {@link #replicate} and
 * {@link #awaitBarrier} are called concurrently by every session of the database once joined (the member is
 * thread-safe); the member, its applier and keys are published through volatile fields.
 */
public final class ClusterLink {

    private final SqlDialect dialect;
    private final AutoDigest autoDigest;
    /** What this process forgets when the applier ran DDL (table metadata, adoptions). */
    private final Runnable afterReplicatedDdl;
    /** This database's cluster membership, or null when standalone. */
    private volatile ClusterMember member;
    private volatile ClusterApplier applier;
    private volatile NodeKeys keys;

    public ClusterLink(SqlDialect dialect, AutoDigest autoDigest, Runnable afterReplicatedDdl) {
        this.dialect = dialect;
        this.autoDigest = autoDigest;
        this.afterReplicatedDdl = afterReplicatedDdl;
    }

    /**
     * Joins the cluster on first use. Later connections with another member configuration are refused, not
     * silently given the first one.
     */
    public synchronized void join(LedgerConfig config, LedgerDatabase.RealConnector connector) throws SQLException {
        ClusterConfig wanted = config.clusterConfig();
        if (member != null) {
            if (!member.config().equals(wanted)) {
                throw new SQLException("this database already belongs to cluster member " + member.config().nodeId()
                        + " of " + member.config().clusterName() + " with other options; one database is one member", SqlStates.UNABLE_TO_CONNECT);
            }
            return;
        }
        NodeKeys loaded = NodeKeys.load(config.get(LedgerOption.NODE_KEY), config.get(LedgerOption.MEMBER_KEYS), wanted.members().keySet());
        try {
            keys = loaded;
            member = ClusterMember.start(wanted, () -> {
                try {
                    applier = new ClusterApplier(connector.connect(), dialect, loaded, afterReplicatedDdl, autoDigest::afterCommit);
                    return applier;
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot open the applier's connection: " + e.getMessage(), e);
                }
            });
        } catch (ReplicationException e) {
            if (applier != null) { // the member did not start (refused, port in use): its connection goes with it
                applier.close();
                applier = null;
            }
            throw new SQLException(e.getMessage(), e.sqlState(), e);
        }
    }

    public boolean clustered() {
        return member != null;
    }

    /** The member's node id (this database must be clustered). */
    public String memberId() {
        return member.config().nodeId();
    }

    /**
     * Orders one transaction's changes through the cluster and returns once it is committed and applied here.
     *
     * @throws SQLException 40001 when a transaction ordered first changed the same rows; the database's own
     *                      error when applying it failed the same way everywhere; 08xxx when the cluster could
     *                      not confirm it in time
     */
    public void replicate(String origin, String txId, List<Change> changes) throws SQLException {
        LedgerEntry writeSet = new LedgerEntry(1, origin, Instant.now(), txId, changes);
        Outcome outcome;
        try {
            outcome = member.submit(new Command.WriteSet(writeSet, keys.sign(writeSet)));
        } catch (ReplicationException e) {
            throw new SQLException(e.getMessage(), e.sqlState(), e);
        }
        if (outcome instanceof Outcome.Rejected r) {
            String message = SqlStates.SERIALIZATION_FAILURE.equals(r.sqlState())
                    ? "transaction rolled back: it conflicts with a transaction committed first in the cluster (" + r.message() + "); retry it"
                    : r.message();
            throw new SQLException(message, r.sqlState(), r.vendorCode());
        }
        if (outcome instanceof Outcome.Diverged d) {
            throw new SQLException("this node stopped applying the cluster's log: " + d.message(), SqlStates.CONNECTION_FAILURE);
        }
    }

    /** Waits until this member has applied everything the cluster committed before now. */
    public void awaitBarrier() throws SQLException {
        try {
            member.barrier();
        } catch (ReplicationException e) {
            throw new SQLException(e.getMessage(), e.sqlState(), e);
        }
    }

    /** The member's status, if this database is one. */
    public Optional<ClusterStatus> status() {
        return member == null ? Optional.empty() : Optional.of(member.status());
    }

    /**
     * Leaves the cluster and closes the applier's connection.
     *
     * @return whether this node was a member (its node is then forgotten)
     */
    public boolean leave() {
        if (member == null) {
            return false;
        }
        member.close();
        if (applier != null) {
            applier.close();
        }
        return true;
    }
}
