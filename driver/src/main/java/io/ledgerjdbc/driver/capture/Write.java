package io.ledgerjdbc.driver.capture;

import io.ledgerjdbc.driver.jdbc.ExecutionContext;
import io.ledgerjdbc.driver.jdbc.Params;
import io.ledgerjdbc.driver.jdbc.RealCall;
import io.ledgerjdbc.driver.schema.TableInfo;
import io.ledgerjdbc.ledger.entry.RowChange;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One execution of a write statement, as capture needs it beside the statement's analysis: where it runs, on which
 * table, with which parameters, and how to run it and read what it gave back. Immutable; made per execution by the
 * session.
 *
 * @param connection         the real connection, in the transaction the write belongs to
 * @param table              the table written
 * @param params             the statement's parameters
 * @param context            the execution (update count, key request, real statement)
 * @param call               runs the real statement, exactly once
 * @param results            what the statement gave back (generated keys, returned or changed rows)
 * @param facts              what capture worked out once for this statement and table, or {@link WriteFacts#NONE}
 * @param returnsChangedRows whether the statement returns the rows it changed (see {@link ChangedRows}); false where
 *                           it returns nothing (MariaDB, SQLite; or the application asked for keys itself)
 * @param withEntry          runs the statement together with its ledger entry and the commit, where the session
 *                           allows it (an autocommit write), or null (see {@link WithEntry})
 * @param instead            runs a statement of capture's own in place of the application's, where the session allows
 *                           it (an autocommit write), or null (see {@link Instead})
 */
public record Write<T>(Connection connection, TableInfo table, Params params, ExecutionContext context, RealCall<T> call,
                       StatementResults results, WriteFacts facts, boolean returnsChangedRows, WithEntry<T> withEntry,
                       Instead<T> instead) {

    public Write(Connection connection, TableInfo table, Params params, ExecutionContext context, RealCall<T> call,
                 StatementResults results, WriteFacts facts, boolean returnsChangedRows) {
        this(connection, table, params, context, call, results, facts, returnsChangedRows, null, null);
    }

    /**
     * Runs the write, its ledger entry and the commit as one transaction (PostgreSQL: in one round trip), for a
     * capture that knows the write's changes before it runs, one per row the write changes. The write is then
     * committed, and nothing may be captured after it; an update count other than the number of changes is an
     * error (a rule or trigger the catalog did not show changed what the write does).
     */
    @FunctionalInterface
    public interface WithEntry<T> {
        /**
         * @param table   the table written, as capture knows it (the statement checks it is still so, see
         *                {@code Sealing#withPendingInsertAndCommit})
         * @param changes the write's changes
         */
        T run(TableInfo table, List<RowChange> changes) throws SQLException;
    }

    /**
     * Runs a statement of capture's own in place of the application's write, in the write's transaction, where that
     * statement does what the application's does and also returns what capture needs (PostgreSQL: an UPDATE that
     * returns its rows' before-images, see {@code Backend#updateWithImages}). The application's statement then
     * answers the update count as if it had run. Where the write has a transaction of its own (an autocommit write),
     * a failure rolls it back, and capture may run the application's statement after all, in a new one; in the
     * application's transaction, a failure after the statement ran makes that transaction rollback-only.
     */
    public interface Instead<T> {
        /** The application's statement, as it would run. */
        String sql();

        /** Whether the write runs in a transaction of its own, rolled back whole if it fails. */
        boolean ownTransaction();

        /**
         * Runs {@code sql} with the application's parameters bound in the order {@code paramRanges} gives (each
         * {@code {first, count}} of the application's 1-based parameters) and its query timeout.
         *
         * @param rows reads the result and returns the update count the application's statement answers
         */
        T run(String sql, int[][] paramRanges, Rows rows) throws SQLException;
    }

    /** Reads what a statement run {@link Instead} returned; returns the write's update count. */
    @FunctionalInterface
    public interface Rows {
        long read(java.sql.ResultSet rs) throws SQLException;
    }

    /** The same write, run by {@code call} in {@code context} (see {@link ReferentialActions.Pending#around}). */
    public Write<T> runBy(ExecutionContext context, RealCall<T> call) {
        return new Write<>(connection, table, params, context, call, results, facts, returnsChangedRows, null, null);
    }
}
