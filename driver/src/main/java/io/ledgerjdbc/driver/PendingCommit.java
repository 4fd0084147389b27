package io.ledgerjdbc.driver;

import io.ledgerjdbc.driver.capture.CaptureStatements;
import io.ledgerjdbc.ledger.entry.Change;
import io.ledgerjdbc.ledger.entry.LedgerEntry;
import io.ledgerjdbc.ledger.store.PendingEntries;
import io.ledgerjdbc.ledger.store.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The committer's half of the sealed-ledger protocol (PostgreSQL and MariaDB, schema version 2): the transaction's
 * entry goes into {@code ledger_pending} as its last statement, with an order number taken there, and the
 * transaction commits. No head is read or locked: committers run as concurrently as the application's own
 * transactions. {@link Sealer} later gives the entry its seq and hashes (docs/ledger-format.md, "Pending entries
 * and sealing", has the order argument and the crash analysis).
 *
 * <p>The insert first takes the seal gate in shared mode, released by the commit (PostgreSQL: a transaction-level
 * advisory lock; MariaDB: a shared lock on {@code ledger_meta}'s {@code seal} row). The sealer takes the gate
 * exclusively and takes a number under it: every smaller number then belongs to a transaction that has ended.
 *
 * <p>Round trips: PostgreSQL sends the insert and {@code COMMIT} as one multi-statement string (pgjdbc sends both
 * with one Sync; the transaction is already open, so it is one transaction); MariaDB needs two (its driver sends a
 * multi-statement string only with {@code allowMultiQueries}, which the application's URL decides).
 *
 * <p>Threading: stateless; the connection and its statements are the calling session's.
 */
final class PendingCommit {

    /**
     * The advisory-lock key of the seal gate on PostgreSQL: "LJDG" in ASCII and the ledger's schema (advisory locks
     * are per database, and one database may hold a ledger per schema; a hash collision only makes two gates one).
     */
    static final String GATE_KEY = "1279935559, hashtext(current_schema())";

    private static final String PG_INSERT_AND_COMMIT = "INSERT INTO ledger_pending (num, entry) SELECT nextval('ledger_pending_num'), ?"
            + " FROM (SELECT pg_advisory_xact_lock_shared(" + GATE_KEY + ")) AS seal_gate RETURNING num; COMMIT";
    private static final String MARIADB_INSERT = "INSERT INTO ledger_pending (num, entry) SELECT NEXTVAL(ledger_pending_num), ?"
            + " FROM ledger_meta WHERE meta_key = 'seal' LOCK IN SHARE MODE RETURNING num";

    private final SqlDialect dialect;

    PendingCommit(SqlDialect dialect) {
        if (dialect != SqlDialect.POSTGRESQL && dialect != SqlDialect.MARIADB) {
            throw new IllegalArgumentException("pending entries exist on PostgreSQL and MariaDB only, not " + dialect);
        }
        this.dialect = dialect;
    }

    /**
     * Writes the pending entry for {@code changes} in {@code c}'s open transaction and commits it.
     *
     * @return the entry's order number, which {@link Sealer#awaitSealed} takes
     * @throws SQLException the database's own error (the commit's included, e.g. a serialization failure at commit);
     *                      the transaction is then not committed and the caller rolls back
     */
    long insertAndCommit(Connection c, CaptureStatements statements, String origin, String txId, List<Change> changes)
            throws SQLException {
        byte[] pending = PendingEntries.encodePending(new LedgerEntry(1, origin, Instant.now(), txId, changes));
        if (dialect == SqlDialect.POSTGRESQL) {
            PreparedStatement ps = statements.statement(PG_INSERT_AND_COMMIT);
            ps.setBytes(1, pending);
            ps.execute(); // both results arrive before it returns; an error of either (the COMMIT's too) is thrown
            try (ResultSet rs = ps.getResultSet()) {
                if (rs == null || !rs.next()) {
                    throw new SQLException("the pending ledger entry's insert returned no number", "XX000");
                }
                return rs.getLong(1);
            }
        }
        PreparedStatement ps = statements.statement(MARIADB_INSERT);
        ps.setBytes(1, pending);
        long num;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the pending ledger entry was not written: ledger_meta has no 'seal' row", "XX000");
            }
            num = rs.getLong(1);
        }
        c.commit();
        return num;
    }
}
