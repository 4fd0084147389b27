package io.ledgerjdbc.driver.database;

import io.ledgerjdbc.driver.backend.Sealing;
import io.ledgerjdbc.driver.capture.CaptureStatements;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.PendingEntries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The committer's half of the sealed-ledger protocol (PostgreSQL and MariaDB, schema version 2): the transaction's
 * entry goes into {@code ledger_pending} as its last statement, with an order number taken there, and the
 * transaction commits. No head is read or locked: committers run as concurrently as the application's own
 * transactions. {@link Sealer} later gives the entry its seq and hashes (docs/ledger-format.md, "Pending entries
 * and sealing", has the order argument and the crash analysis).
 *
 * <p>Where the backend has a seal gate (MariaDB) the insert first takes it in shared mode, released by the commit
 * (a shared lock on {@code ledger_meta}'s {@code seal} row); the sealer takes it exclusively and takes a number under
 * it: every smaller number then belongs to a transaction that has ended. PostgreSQL needs no gate: a commit becomes
 * visible before it releases its locks, so a sealer that sees a transaction sees every transaction it waited for or
 * read from (docs/ledger-format.md §6.1).
 *
 * <p>The statement and its round trips are the database's {@link Sealing} (PostgreSQL sends the insert and
 * {@code COMMIT} in one, MariaDB needs two).
 *
 * <p>Threading: safe for every session of its database (it remembers which tables need the full guard, and the
 * combined statements' text); the connection and its statements are the calling session's.
 */
final class PendingCommit {

    private final Sealing sealing;
    /** The tables (quoted names) the quick guard failed for once: a foreign key's triggers, a dropped column, a change. */
    private final Set<String> fullyGuarded = ConcurrentHashMap.newKeySet();
    private static final int MAX_COMBINED = 256;
    /** See {@link #combined}. */
    private final Map<String, String[]> combined = new ConcurrentHashMap<>();

    PendingCommit(Sealing sealing) {
        if (sealing == null) {
            throw new IllegalArgumentException("pending entries exist only where the backend seals (PostgreSQL, MariaDB)");
        }
        this.sealing = sealing;
    }

    /**
     * Writes the pending entry for {@code changes} in {@code c}'s open transaction and commits it.
     *
     * @throws SQLException the database's own error (the commit's included, e.g. a serialization failure at commit);
     *                      the transaction is then not committed and the caller rolls back
     */
    void insertAndCommit(Connection c, CaptureStatements statements, String origin, String txId, List<Change> changes)
            throws SQLException {
        PreparedStatement insert = statements.statement(sealing.pendingInsertSql());
        insert.setBytes(1, PendingEntries.encodePending(new LedgerEntry(1, origin, Instant.now(), txId, changes)));
        sealing.insertPendingAndCommit(c, insert);
    }

    /** Whether the autocommit write {@code sql} can travel with its entry and the commit (see {@link Sealing#withPendingInsertAndCommit}). */
    boolean combinesWithEntry(String sql) {
        return combined(sql).length > 0;
    }

    /**
     * {@code sql} with its pending insert and commit, under the quick guard [0] and the full one [1]; empty where it
     * cannot travel so. Built once per application SQL, not per execution: a string built afresh is also hashed
     * afresh to find its prepared statement.
     */
    private String[] combined(String sql) {
        String[] both = combined.get(sql);
        if (both == null) {
            String quick = sealing.withPendingInsertAndCommit(sql, false);
            both = quick == null ? new String[0] : new String[] {quick, sealing.withPendingInsertAndCommit(sql, true)};
            if (combined.size() >= MAX_COMBINED) {
                combined.clear(); // an application with this many distinct INSERTs gains little from the cache
            }
            combined.put(sql, both);
        }
        return both;
    }

    /**
     * Runs the application's autocommit write {@code sql} with its {@code paramCount} parameters from {@code params},
     * the guard that its {@code table} (quoted) still has {@code columns} columns and no trigger or rule, the pending
     * entry for {@code changes} (known before the write runs) and the commit, as one transaction in one round trip
     * ({@link Sealing#withPendingInsertAndCommit}). The quick guard first; where it fails, the transaction is rolled
     * back and run again at once under the full guard, which the table gets from then on. The driver's statement keeps
     * the application statement's query timeout.
     *
     * @return the write's update count
     * @throws SQLException the database's own error; the transaction is then not committed and the caller rolls back
     */
    long runWithEntryAndCommit(Connection c, CaptureStatements statements, String sql, int paramCount, Params params, String table,
                               int columns, int queryTimeout, String origin, String txId, List<Change> changes) throws SQLException {
        boolean everyCheck = fullyGuarded.contains(table);
        PreparedStatement ps = statements.statement(combined(sql)[everyCheck ? 1 : 0]);
        ps.setQueryTimeout(queryTimeout);
        params.bindRange(ps, 1, paramCount, 1);
        ps.setBytes(paramCount + 1, PendingEntries.encodePending(new LedgerEntry(1, origin, Instant.now(), txId, changes)));
        ps.setString(paramCount + 2, table);
        ps.setInt(paramCount + 3, columns);
        try {
            return sealing.executeWithPendingInsertAndCommit(ps);
        } catch (SQLException e) {
            if (everyCheck || !sealing.isGuardFailure(e)) {
                throw e;
            }
        }
        // The quick guard could not clear the table: nothing committed. Again, under the full guard, before anyone
        // concludes the table changed (which would drop every session's metadata).
        fullyGuarded.add(table);
        c.rollback();
        return runWithEntryAndCommit(c, statements, sql, paramCount, params, table, columns, queryTimeout, origin, txId, changes);
    }
}
