package io.ledgerjdbc.ledger.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;

/**
 * The ledger's tables inside the user's database (docs/ledger-format.md, "Storage"):
 * <ul>
 *   <li>{@code ledger_meta(meta_key, meta_value)}: schema version and creation time;</li>
 *   <li>{@code ledger_entry(seq, entry, leaf_hash, chain_hash, tree_nodes)}: one row per entry; {@code tree_nodes}
 *       holds the Merkle interior nodes this entry's leaf completed, so proofs read O(log n) rows and
 *       appending writes no extra row;</li>
 *   <li>{@code ledger_digest(tree_size, key_id, digest)}: signed tree heads as JSON lines.</li>
 * </ul>
 * Creation is idempotent and safe to race: every statement is {@code IF NOT EXISTS}, and the version row is
 * inserted only when absent.
 */
public final class LedgerSchema {

    /**
     * The schema this code creates. Version 2 ({@link PendingEntries#VERSION}) adds {@code ledger_pending} on
     * PostgreSQL and MariaDB (an upgrade step from this one); readers accept both.
     */
    public static final int VERSION = 1;

    static final String ENTRY_TABLE = "ledger_entry";

    private LedgerSchema() {
    }

    /**
     * Creates what is missing and checks the version. Runs in autocommit mode (restoring the caller's mode
     * after), because DDL commits implicitly on some databases anyway and because on PostgreSQL a failed
     * statement would otherwise poison the caller's transaction. Two processes racing here both succeed.
     */
    public static void createIfMissing(Connection c, SqlDialect d) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        if (!autoCommit) {
            c.commit();
            c.setAutoCommit(true);
        }
        try {
            createTables(c, d);
            if (readVersion(c) == null) {
                try {
                    insertMeta(c, "schema_version", Integer.toString(VERSION));
                    insertMeta(c, "created_at", Instant.now().toString());
                } catch (SQLException raced) {
                    if (readVersion(c) == null) {
                        throw raced;
                    }
                }
            }
            checkVersion(c);
        } finally {
            if (!autoCommit) {
                c.setAutoCommit(false);
            }
        }
    }

    private static void createTables(Connection c, SqlDialect d) throws SQLException {
        String[] ddl = {
            "CREATE TABLE IF NOT EXISTS ledger_meta (meta_key VARCHAR(64) NOT NULL PRIMARY KEY, meta_value " + d.text + " NOT NULL)",
            "CREATE TABLE IF NOT EXISTS ledger_entry (seq " + d.bigint + " NOT NULL PRIMARY KEY, entry " + d.bytes + " NOT NULL, "
                    + "leaf_hash " + d.hash + " NOT NULL, chain_hash " + d.hash + " NOT NULL, tree_nodes " + d.bytes + " NOT NULL)",
            "CREATE TABLE IF NOT EXISTS ledger_digest (tree_size " + d.bigint + " NOT NULL, key_id VARCHAR(64) NOT NULL, "
                    + "digest " + d.text + " NOT NULL, PRIMARY KEY (tree_size, key_id))",
        };
        try (Statement s = c.createStatement()) {
            for (String sql : ddl) {
                try {
                    s.execute(sql);
                } catch (SQLException e) {
                    // PostgreSQL: two concurrent CREATE TABLE IF NOT EXISTS can both miss the table and one then
                    // fails on the catalog's unique index; the table exists, which is all we wanted.
                    if (!SqlStates.UNIQUE_VIOLATION.equals(e.getSQLState()) && !SqlStates.DUPLICATE_TABLE.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Whether this database holds a ledger (of any version). Leaves the caller's transaction usable. */
    public static boolean exists(Connection c) throws SQLException {
        Savepoint sp = c.getAutoCommit() ? null : c.setSavepoint();
        try {
            boolean found = readVersion(c) != null;
            if (sp != null) {
                c.releaseSavepoint(sp);
            }
            return found;
        } catch (SQLException e) {
            if (sp != null) {
                c.rollback(sp); // PostgreSQL aborts the transaction on the failed SELECT; undo just that
            }
            if (isMissingTable(e)) {
                return false;
            }
            throw e;
        }
    }

    private static boolean isMissingTable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        // PostgreSQL 42P01, MariaDB 42S02, H2 error codes 42102..42104 (plain, with candidates, database
        // empty), SQLite only by its message
        return state.equals(SqlStates.UNDEFINED_TABLE) || state.startsWith("42S0")
                || (e.getErrorCode() >= 42102 && e.getErrorCode() <= 42104)
                || message.contains("no such table");
    }

    /** Fails unless the ledger here has exactly the version this code understands. */
    public static void checkVersion(Connection c) throws SQLException {
        String v = readVersion(c);
        if (v == null) {
            throw new SQLException("no ledger in this database (ledger_meta has no schema_version)", SqlStates.UNDEFINED_TABLE);
        }
        if (!v.equals(Integer.toString(VERSION)) && !v.equals(Integer.toString(PendingEntries.VERSION))) {
            throw new SQLException("ledger schema version " + v + " is not supported by this LedgerJDBC (it reads versions "
                    + VERSION + " and " + PendingEntries.VERSION + ")", SqlStates.FEATURE_NOT_SUPPORTED);
        }
    }

    private static String readVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT meta_value FROM ledger_meta WHERE meta_key = 'schema_version'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void insertMeta(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_meta (meta_key, meta_value) VALUES (?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }
}
