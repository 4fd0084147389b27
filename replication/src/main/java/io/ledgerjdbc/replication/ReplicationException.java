package io.ledgerjdbc.replication;

/**
 * A commit that the cluster could not order or apply, with the SQLState the driver reports: {@code 08001} no
 * leader reachable within the commit timeout (nothing was submitted), {@code 08007} submitted but its outcome is
 * unknown (it may still commit), {@code 08006} this member has stopped (diverged or closed).
 */
public final class ReplicationException extends Exception {

    private final String sqlState;

    public ReplicationException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
