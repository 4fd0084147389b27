package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.PendingEntries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * One database's statements for the sealed ledger (schema version 2, docs/ledger-format.md §6.1): the committer's
 * pending insert, the sealers' turn and the cycle's bound (where the database needs a seal gate: the shared gate in
 * the pending insert, the exclusive one for the bound), and one sealing batch. The
 * protocol around them (when to seal, retrying at the gate, the cached head) is the driver's {@code Sealer} and
 * {@code PendingCommit}, the same on every database that seals; how each step is said, and in how many round trips,
 * is the database's, so it lives here. {@link Backend#sealing} answers null where the database does not seal.
 *
 * <p>Threading: stateless singletons; each method works on the caller's connection only.
 */
public interface Sealing {

    /** The last stored entry's seq and chain hash (no row: the ledger is empty). */
    String LAST_ENTRY = "SELECT seq, chain_hash FROM ledger_entry ORDER BY seq DESC LIMIT 1";

    /**
     * The committer's statement, the transaction's last: takes the seal gate in shared mode where there is one
     * (released by the commit), takes an order number and inserts the pending row; its one parameter is the pending
     * entry's bytes.
     */
    String pendingInsertSql();

    /**
     * Runs {@code insert} (prepared from {@link #pendingInsertSql}, its parameter bound) and commits {@code c}'s
     * transaction.
     *
     * @return the pending row's order number
     * @throws SQLException the database's own error, the commit's included; the transaction is then not committed
     */
    long insertPendingAndCommit(Connection c, PreparedStatement insert) throws SQLException;

    /**
     * The application's autocommit INSERT {@code sql} followed by the pending insert with a guard, and {@code COMMIT},
     * to be sent in one round trip as one transaction. Its parameters are the write's, then the pending entry's bytes,
     * the table's quoted name and its column count as capture knows them. The guard runs after the write, which holds
     * its table lock until the commit, and fails the transaction ({@link #isGuardFailure}) where the table has another
     * number of columns, or a trigger or rule (also on a partition), than the capture assumed: a change made behind
     * the driver that would make the recorded row differ from the stored one. Without {@code everyCheck} the guard
     * is the quick one, which also fails where the table merely could differ (a dropped column's slot, a foreign
     * key's internal trigger): the caller then runs the write again with {@code everyCheck}. Null where the database
     * cannot send several statements at once (or {@code sql} cannot be followed by another, e.g. it ends with a semicolon).
     */
    default String withPendingInsertAndCommit(String sql, boolean everyCheck) {
        return null;
    }

    /** Whether {@code e} is the guard of {@link #withPendingInsertAndCommit} failing (the transaction rolled back). */
    default boolean isGuardFailure(SQLException e) {
        return false;
    }

    /**
     * Runs {@code statement} (prepared from {@link #withPendingInsertAndCommit}, all parameters bound).
     *
     * @return the write's update count
     * @throws SQLException the database's own error (the write's, the pending insert's or the commit's); the
     *                      transaction is then not committed
     */
    default long executeWithPendingInsertAndCommit(PreparedStatement statement) throws SQLException {
        throw new UnsupportedOperationException("this database does not send a write with its pending entry");
    }

    /**
     * Takes ({@code take}) or gives back this sealer's turn among the sealers of every process where they must take
     * turns at a gate: a session-level lock, released with the session by a crash; nothing where there is no gate.
     * Leaves no transaction open.
     */
    void takeTurn(Connection c, boolean take) throws SQLException;

    /**
     * One attempt at the cycle's bound: takes an order number, under the gate held exclusively where there is one
     * (released again at once). Leaves no transaction open.
     *
     * @return the number: every entry committed before the call has a smaller one; with a gate, every smaller number
     *         belongs to a transaction that has ended
     * @throws SQLException a lock-wait timeout or deadlock when the sealer gave way to committers (the caller rolls
     *                      back and tries again), or the database's own error
     */
    long takeBound(Connection c) throws SQLException;

    /**
     * Seals one batch in one transaction at READ COMMITTED, committed: takes the ledger's append lock, checks
     * {@code cached} against the stored head, reads the lowest pending rows below {@code bound} visible to a
     * statement that began after the lock was granted (at most {@code limit}), appends them in number order as the
     * next entries and deletes them.
     */
    Batch sealBatch(Connection c, LedgerHead cached, long bound, int limit) throws SQLException;

    /** What one batch sealed (empty: nothing was left below the bound) and the ledger's head after it. */
    record Batch(List<PendingEntries.Pending> pending, LedgerHead head) {
    }
}
