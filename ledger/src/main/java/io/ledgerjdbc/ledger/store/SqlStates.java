package io.ledgerjdbc.ledger.store;

/**
 * The SQLStates LedgerJDBC raises or recognises, named once (SQL:2016 classes, PostgreSQL's codes where the
 * standard has none). The driver's own errors use these; the real database's errors reach the caller unchanged.
 */
public final class SqlStates {

    private SqlStates() {
    }

    /** 07001: the number of bound parameters does not match the statement. */
    public static final String WRONG_PARAMETER_COUNT = "07001";
    /** 08001: a connection (or a cluster member) could not be established. */
    public static final String UNABLE_TO_CONNECT = "08001";
    /** 08003: the connection is closed. */
    public static final String CONNECTION_DOES_NOT_EXIST = "08003";
    /** 08006: the connection (or the cluster) failed during the operation. */
    public static final String CONNECTION_FAILURE = "08006";
    /** 08007: the commit's outcome is unknown (it may or may not have been made durable or replicated). */
    public static final String TRANSACTION_RESOLUTION_UNKNOWN = "08007";
    /** 0A000: a write capture cannot follow faithfully, refused before it runs. */
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    /** 23000: integrity constraint violation (MariaDB's duplicate key). */
    public static final String INTEGRITY_CONSTRAINT_VIOLATION = "23000";
    /** 23505: unique violation (PostgreSQL, H2). */
    public static final String UNIQUE_VIOLATION = "23505";
    /** 28000: invalid authorization (a peer's entry with a bad signature). */
    public static final String INVALID_AUTHORIZATION = "28000";
    /** 40001: serialization failure; roll back and retry. */
    public static final String SERIALIZATION_FAILURE = "40001";
    /** 40P01: deadlock detected (PostgreSQL). */
    public static final String DEADLOCK_DETECTED = "40P01";
    /** 42P01: undefined table. */
    /** 42000: syntax error or access rule violation (e.g. a member id that is not one, or not a member). */
    public static final String SYNTAX_ERROR_OR_ACCESS_RULE = "42000";

    public static final String UNDEFINED_TABLE = "42P01";
    /** 42P07: duplicate table. */
    public static final String DUPLICATE_TABLE = "42P07";
    /** 55P03: lock not available (PostgreSQL). */
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    /** 57014: query canceled. */
    public static final String QUERY_CANCELED = "57014";
    /** HY000: general error. */
    public static final String GENERAL_ERROR = "HY000";
    /** HY024: invalid attribute value (a configuration setting). */
    public static final String INVALID_ATTRIBUTE_VALUE = "HY024";
    /** HYT00: timeout expired. */
    public static final String TIMEOUT_EXPIRED = "HYT00";
    /** XX001: data corrupted (a ledger that fails its own checks, a replay that changed the wrong rows). */
    public static final String DATA_CORRUPTED = "XX001";

    /**
     * Whether {@code e} is a lock conflict that ends when the other transaction does: a serialization failure, a
     * deadlock, a lock not available (PostgreSQL {@code NOWAIT}, MariaDB {@code WAIT n}), or MariaDB's lock wait
     * timeout (1205) and deadlock (1213).
     */
    public static boolean isLockConflict(java.sql.SQLException e) {
        String state = e.getSQLState();
        return SERIALIZATION_FAILURE.equals(state) || DEADLOCK_DETECTED.equals(state) || LOCK_NOT_AVAILABLE.equals(state)
                || e.getErrorCode() == 1205 || e.getErrorCode() == 1213;
    }
}
