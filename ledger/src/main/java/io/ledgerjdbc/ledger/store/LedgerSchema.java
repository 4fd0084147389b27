package io.ledgerjdbc.ledger.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /** The schema this code writes and reads. A later version adds an upgrade step from this one. */
    public static final int VERSION = 1;

    static final String ENTRY_TABLE = "ledger_entry";

    private LedgerSchema() {
    }

    /** Creates what is missing and checks the version; must run outside a transaction that matters (DDL commits on some databases). */
    public static void createIfMissing(Connection c, SqlDialect d) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ledger_meta (meta_key VARCHAR(64) NOT NULL PRIMARY KEY, "
                    + "meta_value " + d.text + " NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS ledger_entry (seq " + d.bigint + " NOT NULL PRIMARY KEY, "
                    + "entry " + d.bytes + " NOT NULL, leaf_hash " + d.hash + " NOT NULL, "
                    + "chain_hash " + d.hash + " NOT NULL, tree_nodes " + d.bytes + " NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS ledger_digest (tree_size " + d.bigint + " NOT NULL, "
                    + "key_id VARCHAR(64) NOT NULL, digest " + d.text + " NOT NULL, PRIMARY KEY (tree_size, key_id))");
        }
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
        if (!c.getAutoCommit()) {
            c.commit();
        }
        checkVersion(c);
    }

    /** Whether this database holds a ledger (of any version). */
    public static boolean exists(Connection c) throws SQLException {
        try {
            return readVersion(c) != null;
        } catch (SQLException noTable) {
            if (!c.getAutoCommit()) {
                c.rollback(); // PostgreSQL aborts the transaction on the failed SELECT
            }
            return false;
        }
    }

    /** Fails unless the ledger here has exactly the version this code understands. */
    public static void checkVersion(Connection c) throws SQLException {
        String v = readVersion(c);
        if (v == null) {
            throw new SQLException("no ledger in this database (ledger_meta has no schema_version)", "42P01");
        }
        if (!v.equals(Integer.toString(VERSION))) {
            throw new SQLException("ledger schema version " + v + " is not supported by this LedgerJDBC (it reads version "
                    + VERSION + ")", "0A000");
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
