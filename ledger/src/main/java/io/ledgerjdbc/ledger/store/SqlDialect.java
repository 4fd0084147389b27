package io.ledgerjdbc.ledger.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Locale;

/**
 * The column types the ledger tables use on each supported database. Hashes are fixed 32-byte binary;
 * entry bytes are an unbounded binary type. H2 gets VARBINARY rather than BLOB: its BLOBs are LOB objects,
 * measured several times slower to write.
 */
public enum SqlDialect {
    SQLITE("INTEGER", "BLOB", "BLOB", "TEXT", false, null, null),
    H2("BIGINT", "VARBINARY", "BINARY(32)", "VARCHAR(4000)", true, null, null),
    // The sequence must hand out numbers in the order nextval is called across sessions: no per-session cache
    // (PostgreSQL's CACHE > 1 would). MariaDB's cache is shared by all sessions, so its order holds.
    POSTGRESQL("BIGINT", "BYTEA", "BYTEA", "VARCHAR(4000)", true,
            "CREATE SEQUENCE IF NOT EXISTS ledger_pending_num CACHE 1", null),
    MARIADB("BIGINT", "LONGBLOB", "BINARY(32)", "VARCHAR(4000)", true,
            "CREATE SEQUENCE IF NOT EXISTS ledger_pending_num",
            "INSERT IGNORE INTO ledger_meta (meta_key, meta_value) VALUES ('seal', 'committers share, the sealer locks')");

    public final String bigint;
    public final String bytes;
    public final String hash;
    public final String text;
    /** Whether reads can lock rows ({@code FOR UPDATE}); SQLite locks the whole file on the first write instead. */
    public final boolean lockingReads;
    /**
     * Creates the order sequence of pending entries (schema version 2, see {@link PendingEntries}); null where the
     * ledger has no pending entries (SQLite, H2).
     */
    public final String createPendingSequence;
    /** Creates the seal gate's row where the gate is a row lock (MariaDB), else null. */
    public final String createSealGateRow;

    SqlDialect(String bigint, String bytes, String hash, String text, boolean lockingReads, String createPendingSequence,
               String createSealGateRow) {
        this.bigint = bigint;
        this.bytes = bytes;
        this.hash = hash;
        this.text = text;
        this.lockingReads = lockingReads;
        this.createPendingSequence = createPendingSequence;
        this.createSealGateRow = createSealGateRow;
    }

    /** The dialect of the database behind {@code c}, from its product name. */
    public static SqlDialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("sqlite")) return SQLITE;
        if (p.equals("h2")) return H2;
        if (p.contains("postgres")) return POSTGRESQL;
        if (p.contains("mariadb")) return MARIADB; // MySQL differs in enough places that we refuse it rather than guess
        throw new SQLFeatureNotSupportedException("LedgerJDBC does not support the database '" + product
                + "' (supported: SQLite, H2, PostgreSQL, MariaDB)", SqlStates.FEATURE_NOT_SUPPORTED);
    }
}
