package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.store.SqlDialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * SQLite through sqlite-jdbc: one write lock per database file, taken by a transaction's first write, so the
 * transaction holds it when the ledger is appended; rows have a stable rowid; values have storage classes.
 */
final class SqliteBackend implements Backend {

    static final SqliteBackend INSTANCE = new SqliteBackend();

    private static final Set<Syntax> SYNTAX = EnumSet.of(Syntax.BACKTICK_IDENTIFIERS, Syntax.BRACKET_IDENTIFIERS,
            Syntax.SIGIL_PARAMS, Syntax.NUMBERED_PARAMS, Syntax.OPEN_COMMENT_RUNS_TO_END);

    /** sqlite-jdbc's open flags: SQLITE_OPEN_READWRITE alone (its default adds SQLITE_OPEN_CREATE). */
    private static final String READ_WRITE = "2";

    private SqliteBackend() {
    }

    /** sqlite-jdbc creates a missing file on connect unless its open flags leave out SQLITE_OPEN_CREATE. */
    @Override
    public void refuseCreate(String rawUrl, Properties props) {
        if (!rawUrl.toLowerCase(Locale.ROOT).contains("open_mode") && !props.containsKey("open_mode")) {
            props.setProperty("open_mode", READ_WRITE);
        }
    }

    /** {@code jdbc:sqlite:app.db}, {@code jdbc:sqlite:file:app.db?…}; null for an in-memory or resource database. */
    @Override
    public Path databaseFile(String rawUrl) {
        String rest = rawUrl.substring(urlPrefix().length());
        int query = rest.indexOf('?');
        String params = query < 0 ? "" : rest.substring(query).toLowerCase(Locale.ROOT);
        String name = query < 0 ? rest : rest.substring(0, query);
        if (name.startsWith("file:")) {
            name = name.substring(5);
        }
        if (name.isEmpty() || name.equals(":memory:") || name.startsWith(":resource:") || params.contains("mode=memory")) {
            return null;
        }
        return Path.of(name);
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.SQLITE;
    }

    @Override
    public String urlPrefix() {
        return "jdbc:sqlite:";
    }

    @Override
    public boolean has(Syntax feature) {
        return SYNTAX.contains(feature);
    }

    @Override
    public String defaultSchema(Connection c) {
        return null;
    }

    @Override
    public boolean hasSchemas() {
        return false;
    }

    @Override
    public String triggerOn(Connection c, String schema, String table) throws SQLException {
        return Queries.first(c, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", table);
    }

    @Override
    public String tableSideEffect(Connection c, String schema, String table, boolean keyless) throws SQLException {
        String ddl = Queries.first(c, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table);
        if (ddl != null && ddl.toUpperCase(Locale.ROOT).matches("(?s).*\\bON\\s+CONFLICT\\b.*")) {
            return table + " has an ON CONFLICT clause that can replace or keep rows silently";
        }
        return null;
    }

    @Override
    public String signatureType() {
        return "BLOB";
    }

    @Override
    public String stableRowId() {
        return "rowid";
    }

    /** The transaction's writes hold the database's write lock already. */
    @Override
    public String forUpdate() {
        return "";
    }

    @Override
    public String forShare() {
        return null; // the transaction holds the write lock already
    }

    @Override
    public boolean takesWriteLockFirst() {
        return true;
    }

    @Override
    public String lockLedgerSql() {
        return null; // the transaction's own writes took the write lock
    }

    @Override
    public boolean needsWriteAheadLog() {
        return true;
    }

    @Override
    public boolean generatedKeyIsRowid() {
        return true;
    }

    /** sqlite-jdbc reports the last rowid: a multi-row INSERT's keys are the ones below it. */
    @Override
    public boolean reportsOneKeyForManyRows() {
        return true;
    }

    @Override
    public boolean reportsKeysUnasked() {
        return true;
    }

    @Override
    public boolean batchShowsEveryKey(boolean prepared, boolean wantsKeys) {
        return false;
    }

    @Override
    public boolean readsByStorageClass() {
        return true;
    }

    @Override
    public AutocommitBatch autocommitBatch(boolean prepared) {
        return AutocommitBatch.UNTIL_FAILURE;
    }

    /** Only when {@code PRAGMA foreign_keys} is on. */
    @Override
    public boolean enforcesForeignKeys(Connection c) throws SQLException {
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("PRAGMA foreign_keys")) {
            return rs.next() && rs.getInt(1) != 0;
        }
    }

    @Override
    public boolean countsReferentialActionRows() {
        return true;
    }

    @Override
    public boolean lockedReadIsTheWritesRows() {
        return true;
    }
}
