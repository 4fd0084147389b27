package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.schema.TableCatalog;
import io.ledgerjdbc.ledger.store.SqlStates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The driver's own statements on one connection (capture reads, ledger head and append), prepared once and
 * kept until the connection closes: preparing them per use was a large share of a captured write (H2 parses a
 * {@code SELECT … FOR UPDATE} on every prepare, sqlite-jdbc compiles every statement). Keyed by SQL, least
 * recently used evicted beyond {@link #MAX}. Confined to the connection's session, like the connection.
 *
 * <p>Every cached read is a {@code SELECT *} that must show columns added since (capture compares them with
 * its metadata): H2, SQLite, MariaDB (client-side prepared) and PostgreSQL with server prepare disabled (see
 * {@link RowReads#prepareRead}) all describe a cached statement's result afresh after ALTER TABLE. The cache
 * is still dropped when the table metadata is, so no statement outlives the schema it was written for.
 */
public final class CaptureStatements implements AutoCloseable {

    static final int MAX = 64;

    private final Connection connection;
    private final Map<String, PreparedStatement> bySql = new LinkedHashMap<>(32, 0.75f, true);
    private final TableCatalog catalog;
    private long generation;
    private boolean closed;

    public CaptureStatements(Connection connection, TableCatalog catalog) {
        this.connection = connection;
        this.catalog = catalog;
        this.generation = catalog.generation();
    }

    /** The statement for {@code sql}, prepared by {@code prepare} on first use; never close it (see {@link #close}). */
    PreparedStatement get(String sql, Preparer prepare) throws SQLException {
        if (closed) {
            throw new SQLException("the connection is closed", SqlStates.CONNECTION_DOES_NOT_EXIST);
        }
        long g = catalog.generation();
        if (g != generation) {
            closeAll();
            generation = g;
        }
        PreparedStatement ps = bySql.get(sql);
        if (ps == null) {
            ps = prepare.prepare(connection, sql);
            bySql.put(sql, ps);
            if (bySql.size() > MAX) {
                var eldest = bySql.entrySet().iterator();
                PreparedStatement old = eldest.next().getValue();
                eldest.remove();
                old.close();
            }
        }
        return ps;
    }

    /** Prepares one statement on the connection. */
    @FunctionalInterface
    interface Preparer {
        PreparedStatement prepare(Connection c, String sql) throws SQLException;
    }

    /** A statement of the caller's choosing (the ledger's own), cached the same way, prepared plainly. */
    public PreparedStatement statement(String sql) throws SQLException {
        return get(sql, Connection::prepareStatement);
    }

    @Override
    public void close() {
        closed = true;
        closeAll();
    }

    private void closeAll() {
        for (PreparedStatement ps : bySql.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection is going away or already gone: nothing left to release
            }
        }
        bySql.clear();
    }
}
