package io.ledgerjdbc.driver.cluster;

import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.SQLException;
import java.util.Locale;

/** How the applier reads a failed local apply: wait and retry it, or the same outcome on every member. */
final class ApplyErrors {

    private ApplyErrors() {
    }

    /** Lock waits, deadlocks, serialization failures, a busy SQLite file: gone when the local transaction ends. */
    static boolean isTransient(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return SqlStates.isLockConflict(e) || state.equals(SqlStates.TIMEOUT_EXPIRED)
                || m.contains("sqlite_busy") || m.contains("sqlite_locked") || m.contains("database is locked")
                || m.contains("timeout trying to lock");
    }

    /** Errors the database raises the same way on every node for the same statement on the same state. */
    static boolean isDeterministic(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return state.startsWith("23") || state.startsWith("42") || state.startsWith("22") || state.startsWith("21")
                || state.startsWith("0A") || state.startsWith("2B") || state.startsWith("44")
                || m.contains("sqlite_constraint") || m.contains("sqlite_error") || m.contains("sqlite_mismatch");
    }
}
