package io.ledgerjdbc.driver.backend;

import io.ledgerjdbc.ledger.store.LedgerHead;
import io.ledgerjdbc.ledger.store.PendingEntries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * One database's statements for the sealed ledger (schema version 2, docs/ledger-format.md §6.1): the committer's
 * pending insert under the shared seal gate, the sealers' turn, the exclusive gate, and one sealing batch. The
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
     * The committer's statement, the transaction's last: takes the seal gate in shared mode (released by the
     * commit), takes an order number and inserts the pending row; its one parameter is the pending entry's bytes.
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
     * Takes ({@code take}) or gives back this sealer's turn among the sealers of every process: a session-level lock,
     * released with the session by a crash. Leaves no transaction open.
     */
    void takeTurn(Connection c, boolean take) throws SQLException;

    /**
     * One attempt at the gate: takes it exclusively, takes a number under it and releases it again at once.
     *
     * @return the number: every smaller one belongs to a transaction that has ended
     * @throws SQLException a lock-wait timeout or deadlock when the sealer gave way to committers (the caller rolls
     *                      back and tries again), or the database's own error
     */
    long passGate(Connection c) throws SQLException;

    /**
     * Seals one batch in one transaction at READ COMMITTED, committed: takes the ledger's append lock, checks
     * {@code cached} against the stored head, reads the lowest pending rows below {@code bound} (at most
     * {@code limit}), appends them as the next entries and deletes them.
     */
    Batch sealBatch(Connection c, LedgerHead cached, long bound, int limit) throws SQLException;

    /**
     * The advisory-lock key expression of the seal gate where the gate is an advisory lock, else null (tests take
     * the gate by it as a committer does).
     */
    default String gateKey() {
        return null;
    }

    /** What one batch sealed (empty: nothing was left below the bound) and the ledger's head after it. */
    record Batch(List<PendingEntries.Pending> pending, LedgerHead head) {
    }
}
